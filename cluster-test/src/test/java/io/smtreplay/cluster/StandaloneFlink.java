package io.smtreplay.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A Flink standalone session cluster of separate JVMs: one JobManager
 * ({@code StandaloneSessionClusterEntrypoint}) and TaskManagers ({@code TaskManagerRunner}), on
 * Flink's jars from Maven (the lib/ a Flink image has) and a Flink home laid out from the job
 * image's Dockerfile (the reporter plugin, usrlib). Its {@code config.yaml} is the chart's Flink
 * configuration plus what only a one-machine cluster needs (addresses, ports, small memory).
 */
final class StandaloneFlink {

    /** Each process serves Prometheus metrics on its own port (on Kubernetes each pod has 9249). */
    record Member(String name, Process process, int metricsPort) {
    }

    private final ChildProcesses children;
    private final Path dir;
    private final Path flinkHome;
    private final String classpath;
    private final int restPort;
    private final List<Member> taskManagers = new ArrayList<>();
    private Member jobManager;

    private final Map<String, String> conf;

    private StandaloneFlink(ChildProcesses children, Path dir, Path flinkHome, String classpath, int restPort,
                            Map<String, String> conf) {
        this.conf = conf;
        this.children = children;
        this.dir = dir;
        this.flinkHome = flinkHome;
        this.classpath = classpath;
        this.restPort = restPort;
    }

    /**
     * Writes the configuration and starts the JobManager and {@code taskManagers} TaskManagers;
     * returns when they have all registered.
     *
     * @param flinkHome the image's /opt/flink as laid out from its Dockerfile
     */
    static StandaloneFlink start(ChildProcesses children, Path dir, Path flinkHome, String classpath,
                                 Map<String, String> chartConfiguration, int taskManagers) throws Exception {
        int restPort = Ports.free();
        Map<String, String> conf = new LinkedHashMap<>(chartConfiguration);
        conf.putAll(Map.ofEntries(
                Map.entry("jobmanager.rpc.address", "127.0.0.1"),
                Map.entry("jobmanager.rpc.port", String.valueOf(Ports.free())),
                Map.entry("jobmanager.bind-host", "127.0.0.1"),
                Map.entry("taskmanager.bind-host", "127.0.0.1"),
                Map.entry("taskmanager.host", "127.0.0.1"),
                Map.entry("rest.address", "127.0.0.1"),
                Map.entry("rest.bind-address", "127.0.0.1"),
                Map.entry("rest.port", String.valueOf(restPort)),
                Map.entry("web.upload.dir", dir.resolve("web-upload").toString()),
                Map.entry("io.tmp.dirs", dir.resolve("tmp").toString()),
                Map.entry("jobmanager.memory.process.size", "768m"),
                Map.entry("taskmanager.memory.process.size", "1024m"),
                Map.entry("taskmanager.memory.managed.size", "16m"),
                // the job's parallelism fits one TaskManager: spread it, so killing either stops work
                Map.entry("cluster.evenly-spread-out-slots", "true"),
                // a killed TaskManager is declared lost in seconds, not the default 50 s
                Map.entry("heartbeat.interval", "1000"),
                Map.entry("heartbeat.timeout", "20000"),
                // a shared 2-core machine (load 20+ seen) answers RPCs slower than the 10 s default
                Map.entry("pekko.ask.timeout", "60 s"),
                Map.entry("pekko.lookup.timeout", "60 s"),
                Map.entry("pekko.tcp.timeout", "60 s")));
        Path confDir = dir.resolve("conf");
        Files.createDirectories(confDir);
        Files.createDirectories(dir.resolve("tmp"));
        // JSON strings are YAML strings: no value needs YAML quoting rules
        Files.writeString(confDir.resolve("config.yaml"), conf.entrySet().stream()
                .map(e -> e.getKey() + ": \"" + e.getValue().replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
                .collect(Collectors.joining("\n", "", "\n")));
        StandaloneFlink flink = new StandaloneFlink(children, dir, flinkHome, classpath, restPort, conf);
        flink.jobManager = flink.startMember("jobmanager",
                "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint", List.of("-Xmx384m"), List.of());
        ResourceParams tm = flink.taskManagerResources();
        flink.awaitTaskManagers(0, Duration.ofSeconds(180));
        // one at a time: JVMs starting together on a loaded 2-core machine have missed Pekko's 10 s
        // remoting start-up limit (which pekko.startup-timeout does not raise)
        for (int i = 1; i <= taskManagers; i++) {
            flink.taskManagers.add(flink.startMember("taskmanager-" + i,
                    "org.apache.flink.runtime.taskexecutor.TaskManagerRunner", tm.jvmOptions(), tm.dynamicProperties()));
            flink.awaitTaskManagers(i, Duration.ofSeconds(180));
        }
        return flink;
    }

    /** JVM options and dynamic properties, as {@code taskmanager.sh} gets them from the configuration. */
    private record ResourceParams(List<String> jvmOptions, List<String> dynamicProperties) {
    }

    /**
     * A TaskManager's memory and CPU, computed from the configuration by Flink's own
     * {@code BashJavaUtils GET_TM_RESOURCE_PARAMS}, as Flink's start scripts and image do: the heap
     * and direct-memory limits of the JVM, and every derived size as a dynamic property.
     */
    private ResourceParams taskManagerResources() throws Exception {
        Path out = dir.resolve("tm-resource-params.out");
        Process p = children.startJava(List.of("-Xmx128m"), classpath, "org.apache.flink.runtime.util.bash.BashJavaUtils",
                List.of("GET_TM_RESOURCE_PARAMS", "--configDir", dir.resolve("conf").toString()), dir, out);
        if (!p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("BashJavaUtils GET_TM_RESOURCE_PARAMS failed: " + Files.readString(out));
        }
        List<String> results = Files.readAllLines(out).stream().filter(l -> l.startsWith(EXEC_RESULT))
                .map(l -> l.substring(EXEC_RESULT.length()).trim()).toList();
        if (results.size() < 2) {
            throw new IllegalStateException("BashJavaUtils printed no resource parameters: " + Files.readString(out));
        }
        // line 1: -Xmx… -Xms… -XX:MaxDirectMemorySize=… -XX:MaxMetaspaceSize=…; line 2: -D key=value …
        List<String> jvm = List.of(results.get(0).split("\\s+"));
        List<String> dynamic = new ArrayList<>();
        String[] tokens = results.get(1).split("\\s+");
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i].equals("-D") && i + 1 < tokens.length) {
                dynamic.add("-D" + tokens[++i]);
            }
        }
        return new ResourceParams(jvm, dynamic);
    }

    /** The JVM options Flink's start scripts take from the configuration (env.java.[default-]opts.all and .ROLE). */
    private List<String> javaOptions(String role) {
        List<String> options = new ArrayList<>();
        for (String key : List.of("env.java.default-opts.all", "env.java.default-opts." + role, "env.java.opts.all",
                "env.java.opts." + role)) {
            String value = conf.getOrDefault(key, "").trim();
            if (!value.isEmpty()) {
                options.addAll(List.of(value.split("\\s+")));
            }
        }
        return options;
    }

    private static final String EXEC_RESULT = "BASH_JAVA_UTILS_EXEC_RESULT:";

    private Member startMember(String name, String mainClass, List<String> jvmOptions, List<String> dynamicProperties)
            throws IOException {
        int metricsPort = Ports.free();
        List<String> jvm = new ArrayList<>(jvmOptions);
        // less start-up CPU on a shared 2-core machine: the client compiler only, one GC thread
        jvm.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
        jvm.addAll(javaOptions(name.startsWith("taskmanager") ? "taskmanager" : "jobmanager"));
        jvm.add("-Dlog4j2.configurationFile=" + Log4j.file(dir, name + ".log"));
        List<String> args = new ArrayList<>(List.of("--configDir", dir.resolve("conf").toString(),
                "-Dmetrics.reporter.prom.port=" + metricsPort));
        args.addAll(dynamicProperties);
        if (name.startsWith("taskmanager")) {
            args.add("-Dtaskmanager.resource-id=" + name);
        }
        // as in the image: plugins under FLINK_HOME/plugins, the working directory FLINK_HOME
        Process p = children.startJava(jvm, classpath, mainClass, args,
                Map.of("FLINK_PLUGINS_DIR", flinkHome.resolve("plugins").toString(), "FLINK_HOME", flinkHome.toString()),
                dir, dir.resolve(name + ".out"));
        return new Member(name, p, metricsPort);
    }

    private void awaitTaskManagers(int count, Duration timeout) throws Exception {
        FlinkRest rest = rest();
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            for (Member m : members()) {
                if (!m.process().isAlive()) {
                    throw new IllegalStateException(m.name() + " exited (" + m.process().exitValue() + "); see "
                            + dir.resolve(m.name() + ".log"));
                }
            }
            try {
                if (rest.registeredTaskManagers() == count) {
                    return;
                }
            } catch (IOException notYet) {
                last = notYet.toString();
            }
            Thread.sleep(300);
        }
        throw new IllegalStateException(count + " TaskManagers did not register within " + timeout + " (" + last + "); see " + dir);
    }

    FlinkRest rest() {
        return new FlinkRest(restPort);
    }

    List<Member> members() {
        List<Member> all = new ArrayList<>();
        all.add(jobManager);
        all.addAll(taskManagers);
        return all;
    }

    Member taskManager(String resourceId) {
        return taskManagers.stream().filter(m -> m.name().equals(resourceId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no TaskManager " + resourceId));
    }

    /** SIGKILL: the TaskManager dies as a crashed pod's would, with no chance to clean up. */
    void kill(Member taskManager) throws InterruptedException {
        taskManager.process().destroyForcibly();
        taskManager.process().waitFor();
    }
}
