// Validates every object of `helm template` output files against real schemas, offline:
//   core and apps objects, RBAC   kubernetes-models (the Kubernetes OpenAPI schemas)
//   PodMonitor                    @kubernetes-models/prometheus-operator
//   FlinkDeployment               the operator's own CRD (from its Maven jar), enum patched below
//   Strimzi Kafka, node pool, topics  strimzi-v1.schema.json (read from Strimzi's Java model)
// and that the dashboard ConfigMap holds the dashboard file byte for byte.
//
// usage: node validate.mjs --flink-crd CRD.yml --dashboard smtreplay.json RENDERED.yaml...
// Prints one line per object; exit 1 when any object is invalid or has no schema here.
import { readFileSync } from "node:fs";
import { parseAllDocuments, parse } from "yaml";
import Ajv from "ajv";
import * as core from "kubernetes-models/v1";
import * as apps from "kubernetes-models/apps/v1";
import * as rbac from "kubernetes-models/rbac.authorization.k8s.io/v1";
import { PodMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PodMonitor";

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  if (i < 0 || i + 1 >= args.length) throw new Error(`missing ${name}`);
  return args.splice(i, 2)[1];
};
const flinkCrdFile = option("--flink-crd");
const dashboardFile = option("--dashboard");
const renderedFiles = args;

// Kubernetes' OpenAPI extensions carry no constraint ajv should check.
const ajv = new Ajv({ allErrors: true, strict: false });
for (const k of ["x-kubernetes-int-or-string", "x-kubernetes-preserve-unknown-fields", "x-kubernetes-list-type",
  "x-kubernetes-list-map-keys", "x-kubernetes-map-type", "x-kubernetes-embedded-resource", "x-kubernetes-validations"]) {
  ajv.addKeyword(k);
}

/**
 * The FlinkDeployment schema of the newest operator API on Maven (1.10.0), patched in two ways:
 *  1. flinkVersion's enum gains v2_0, v2_1, v2_2 (in the CRD from operator 1.13 on; 1.15 is the
 *     first release documenting Flink 2.2 as tested: ../shared/DEPLOY.md);
 *  2. every object schema that lists its properties and neither preserves unknown fields nor
 *     declares additionalProperties refuses other properties: the API server would prune a
 *     misspelt field silently, this check names it.
 */
function flinkDeploymentSchema(crdText) {
  const crd = parse(crdText);
  const version = crd.spec.versions.find((v) => v.name === "v1beta1");
  if (!version) throw new Error(`${flinkCrdFile}: no v1beta1 version`);
  const schema = structuredClone(version.schema.openAPIV3Schema);
  const flinkVersion = schema.properties.spec.properties.flinkVersion;
  for (const v of ["v2_0", "v2_1", "v2_2"]) if (!flinkVersion.enum.includes(v)) flinkVersion.enum.push(v);
  const closeObjects = (node) => {
    if (node === null || typeof node !== "object") return;
    if (node.properties && node.additionalProperties === undefined && !node["x-kubernetes-preserve-unknown-fields"]) {
      node.additionalProperties = false;
    }
    for (const child of Object.values(node)) closeObjects(child);
  };
  closeObjects(schema.properties.spec);
  // the API server fills these; the chart must not need them
  schema.properties.apiVersion = { const: "flink.apache.org/v1beta1" };
  schema.properties.kind = { const: "FlinkDeployment" };
  schema.required = ["apiVersion", "kind", "metadata", "spec"];
  return schema;
}

const validateFlink = ajv.compile(flinkDeploymentSchema(readFileSync(flinkCrdFile, "utf8")));
const strimzi = JSON.parse(readFileSync(new URL("./strimzi-v1.schema.json", import.meta.url), "utf8"));
ajv.addSchema(strimzi, "strimzi");
const ajvValidator = (validate) => (obj) => {
  if (!validate(obj)) {
    throw new Error(validate.errors.map((e) => `${e.instancePath || "/"} ${e.message}` +
      (e.params?.additionalProperty ? ` (${e.params.additionalProperty})` : "") +
      (e.params?.allowedValues ? ` (${e.params.allowedValues.join(", ")})` : "")).join("; "));
  }
};
const model = (Type) => (obj) => new Type(obj).validate();

const validators = {
  "v1/ConfigMap": model(core.ConfigMap),
  "v1/ServiceAccount": model(core.ServiceAccount),
  "v1/Service": model(core.Service),
  "apps/v1/DaemonSet": model(apps.DaemonSet),
  "rbac.authorization.k8s.io/v1/Role": model(rbac.Role),
  "rbac.authorization.k8s.io/v1/RoleBinding": model(rbac.RoleBinding),
  "monitoring.coreos.com/v1/PodMonitor": model(PodMonitor),
  "flink.apache.org/v1beta1/FlinkDeployment": (obj) => {
    ajvValidator(validateFlink)(obj);
    // the pod template is a Pod to the operator: check it with the Kubernetes schema too
    if (obj.spec.podTemplate) new core.Pod({ apiVersion: "v1", kind: "Pod", ...obj.spec.podTemplate }).validate();
  },
  "kafka.strimzi.io/v1/Kafka": ajvValidator(ajv.getSchema("strimzi#/definitions/Kafka")),
  "kafka.strimzi.io/v1/KafkaNodePool": ajvValidator(ajv.getSchema("strimzi#/definitions/KafkaNodePool")),
  "kafka.strimzi.io/v1/KafkaTopic": ajvValidator(ajv.getSchema("strimzi#/definitions/KafkaTopic")),
};

const dashboard = readFileSync(dashboardFile, "utf8");
let failures = 0;
let objects = 0;
for (const file of renderedFiles) {
  for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
    if (doc.errors.length > 0) {
      console.log(`FAIL ${file}: not YAML: ${doc.errors[0].message}`);
      failures++;
      continue;
    }
    const obj = doc.toJS();
    if (obj === null) continue;
    objects++;
    const what = `${file}: ${obj.kind}/${obj.metadata?.name}`;
    const validate = validators[`${obj.apiVersion}/${obj.kind}`];
    try {
      if (!validate) throw new Error(`no schema here for ${obj.apiVersion} ${obj.kind}: add one to validate.mjs`);
      validate(obj);
      if (obj.kind === "ConfigMap" && obj.metadata?.labels?.grafana_dashboard !== undefined) {
        const json = obj.data?.["smtreplay.json"];
        if (json !== dashboard) throw new Error(`data smtreplay.json differs from ${dashboardFile}`);
        JSON.parse(json);
      }
      console.log(`ok   ${what}`);
    } catch (e) {
      failures++;
      console.log(`FAIL ${what}: ${e.message}`);
    }
  }
}
if (objects === 0) {
  console.log("FAIL no objects rendered");
  failures++;
}
console.log(`${objects} objects, ${failures} invalid`);
process.exit(failures === 0 ? 0 : 1);
