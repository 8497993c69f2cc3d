{{/* Names and labels shared by every object of the chart. */}}

{{- define "smtreplay.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 45 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 45 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "smtreplay.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Pods the PodMonitor scrapes carry these (both the job's and the agent's). */}}
{{- define "smtreplay.scrapeLabels" -}}
app.kubernetes.io/instance: {{ .Release.Name }}
smtreplay.io/scrape: "true"
{{- end -}}

{{- define "smtreplay.image" -}}
{{- printf "%s:%s" .image.repository (default .root.Chart.AppVersion .image.tag) -}}
{{- end -}}

{{/* Kafka bootstrap servers: the external value, or the Strimzi cluster's bootstrap Service. */}}
{{- define "smtreplay.bootstrap" -}}
{{- if eq .Values.kafka.mode "strimzi" -}}
{{- printf "%s-kafka-bootstrap:9092" .Values.kafka.strimzi.name -}}
{{- else -}}
{{- required "kafka.bootstrap is required when kafka.mode is external" .Values.kafka.bootstrap -}}
{{- end -}}
{{- end -}}

{{/*
The Flink configuration of the job's cluster (the FlinkDeployment's flinkConfiguration). The
multi-process cluster test (cluster-test) renders this template and starts its JobManager and
TaskManagers with it, so keep every key here and not in flinkdeployment.yaml.
*/}}
{{- define "smtreplay.flinkConfiguration" -}}
{{- $j := .Values.job -}}
{{- $conf := dict
  "taskmanager.numberOfTaskSlots" ($j.taskManager.slots | toString)
  "state.backend.type" $j.stateBackend
  "execution.checkpointing.dir" $j.checkpoints.dir
  "execution.checkpointing.savepoint-dir" $j.checkpoints.savepointDir
  "execution.checkpointing.num-retained" ($j.checkpoints.retained | toString)
  "metrics.reporter.prom.factory.class" "io.smtreplay.replay.metrics.SmtreplayPrometheusReporterFactory"
  "metrics.reporter.prom.port" ($j.metricsPort | toString)
  "env.java.opts.all" (include "smtreplay.javaModuleOptions" . | trim | replace "\n" " ")
-}}
{{- if eq $j.stateBackend "rocksdb" -}}
{{- $_ := set $conf "execution.checkpointing.incremental" "true" -}}
{{- end -}}
{{- if $j.highAvailability.enabled -}}
{{- $_ := set $conf "high-availability.type" "kubernetes" -}}
{{- $_ := set $conf "high-availability.storageDir" $j.highAvailability.storageDir -}}
{{- end -}}
{{- toYaml (mustMergeOverwrite $conf $j.flinkConfiguration) -}}
{{- end -}}

{{/* The replay job's arguments (io.smtreplay.replay.ReplayJobMain: every JobParameter by its --name), one per list item. */}}
{{- define "smtreplay.jobArgs" -}}
{{- $r := .Values.job.replay -}}
{{- $args := list
  "--bootstrap" (include "smtreplay.bootstrap" .)
  "--group" $r.group
  "--parallelism" (.Values.job.parallelism | toString)
  "--window" $r.window
  "--out-of-orderness" $r.outOfOrderness
  "--idleness" $r.idleness
  "--vcpu-idle" $r.vcpuIdle
  "--checkpoint-interval" $r.checkpointInterval
  "--profile" $r.profile
  "--config" (join "," $r.configurations)
-}}
{{- toYaml (concat $args .Values.job.extraArgs) -}}
{{- end -}}

{{/*
The JDK module openings Flink needs on Java 17 (its distribution's config.yaml passes the same
list as env.java.default-opts.all; without java.util open the job's first DataStream call fails
with "Can not register process function transformation translator"). Set here too so that the
job does not depend on which defaults the operator or image bring.
*/}}
{{- define "smtreplay.javaModuleOptions" -}}
--add-exports=java.base/sun.net.util=ALL-UNNAMED --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED
--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED
--add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
--add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
--add-opens=java.base/java.text=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED
--add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED
{{- end -}}
