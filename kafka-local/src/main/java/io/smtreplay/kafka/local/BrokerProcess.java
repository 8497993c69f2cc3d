package io.smtreplay.kafka.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A one-node KRaft Kafka broker as its own process ({@code kafka.Kafka} from the kafka_2.13 jars
 * on this JVM's classpath), so that a fault test can {@link #kill()} it as the kernel would
 * (SIGKILL, no clean shutdown) and {@link #restart()} it on the same ports and log directory,
 * where it recovers its log before it serves. Ports are chosen free on 127.0.0.1 once, at
 * {@link #start}, and kept across restarts so clients reconnect to the same address.
 * {@link #startAdvertisedAs} adds a second listener for clients that reach this machine's loopback
 * under another address (a QEMU guest on its user network sees it as 10.0.2.2).
 */
public final class BrokerProcess implements AutoCloseable {

    private final Path dir;
    private final int port;
    private final int controllerPort;
    /** The second listener's advertised host (null: none) and port. */
    private final String advertisedHost;
    private final int advertisedPort;
    private Process process;

    private BrokerProcess(Path dir, int port, int controllerPort, String advertisedHost, int advertisedPort) {
        this.dir = dir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.advertisedHost = advertisedHost;
        this.advertisedPort = advertisedPort;
    }

    /** Formats a new log directory under a temporary folder and starts the broker; returns when it serves. */
    public static BrokerProcess start(Duration readyWithin) throws IOException, InterruptedException {
        return start(readyWithin, null);
    }

    /**
     * {@link #start}, plus a listener on another free port of 127.0.0.1 that the broker advertises
     * as {@code advertisedHost}: a client connecting through it gets metadata naming
     * {@link #advertisedBootstrapServers()}, the address it can reach (Kafka clients connect to the
     * advertised address, not the one they bootstrapped from). Clients on this machine keep
     * {@link #bootstrapServers()}.
     */
    public static BrokerProcess startAdvertisedAs(String advertisedHost, Duration readyWithin) throws IOException, InterruptedException {
        return start(readyWithin, advertisedHost);
    }

    private static BrokerProcess start(Duration readyWithin, String advertisedHost) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("smtreplay-broker-");
        BrokerProcess broker = new BrokerProcess(dir, freePort(), freePort(), advertisedHost,
                advertisedHost == null ? 0 : freePort());
        try {
            broker.writeConfig();
            broker.format();
            broker.launch(readyWithin);
            return broker;
        } catch (IOException | InterruptedException | RuntimeException e) {
            broker.close();
            throw e;
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The second listener as its clients reach it (see {@link #startAdvertisedAs}). */
    public String advertisedBootstrapServers() {
        if (advertisedHost == null) {
            throw new IllegalStateException("the broker has no advertised listener: start it with startAdvertisedAs");
        }
        return advertisedHost + ":" + advertisedPort;
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** SIGKILL: the broker gets no chance to flush or close its log. */
    public void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor();
        }
    }

    /** Starts the broker again on the same ports and log directory; returns when it serves. */
    public void restart(Duration readyWithin) throws IOException, InterruptedException {
        if (isAlive()) {
            throw new IllegalStateException("the broker is still running");
        }
        launch(readyWithin);
    }

    /** The broker's own output, for a test's failure message. */
    public Path log() {
        return dir.resolve("broker.log");
    }

    @Override
    public void close() {
        try {
            kill();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            InProcessKafka.deleteTree(dir);
        }
    }

    private void writeConfig() throws IOException {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        String listeners = "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort;
        String advertised = "PLAINTEXT://127.0.0.1:" + port;
        String protocols = "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT";
        if (advertisedHost != null) {
            listeners += ",ADVERTISED://127.0.0.1:" + advertisedPort;
            advertised += ",ADVERTISED://" + advertisedHost + ":" + advertisedPort;
            protocols += ",ADVERTISED:PLAINTEXT";
        }
        p.put("listeners", listeners);
        p.put("advertised.listeners", advertised);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("listener.security.protocol.map", protocols);
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", dir.resolve("data").toString());
        // one node: every internal topic with one replica
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("min.insync.replicas", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        try (var out = Files.newBufferedWriter(config())) {
            p.store(out, "smtreplay BrokerProcess");
        }
    }

    private void format() throws IOException, InterruptedException {
        Process f = java("kafka.tools.StorageTool", "format", "-t", UUID.randomUUID().toString().replace("-", "").substring(0, 22),
                "-c", config().toString(), "--ignore-formatted").start();
        if (!f.waitFor(60, TimeUnit.SECONDS) || f.exitValue() != 0) {
            f.destroyForcibly();
            throw new IOException("formatting the broker's log directory failed; see " + log() + ": "
                    + Files.readString(log()).lines().reduce((a, b) -> b).orElse(""));
        }
    }

    private void launch(Duration readyWithin) throws IOException, InterruptedException {
        process = java("kafka.Kafka", config().toString()).start();
        long deadline = System.nanoTime() + readyWithin.toNanos();
        while (!serves()) {
            if (!process.isAlive()) {
                throw new IOException("the broker exited with " + process.exitValue() + "; see " + log());
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("the broker did not serve within " + readyWithin.toSeconds() + " s; see " + log());
            }
            Thread.sleep(200);
        }
    }

    private boolean serves() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        } catch (IOException notYet) {
            return false;
        }
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        try (Admin admin = Admin.create(p)) {
            return !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty();
        } catch (Exception notYet) {
            return false;
        }
    }

    /** A JVM running {@code mainClass} on this JVM's classpath, its output appended to {@link #log()}. */
    private ProcessBuilder java(String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // C1 only and the serial collector: a test broker needs little speed, and on a loaded
                // 2-core machine C2 compilation and parallel GC threads delayed its start past 2 min
                "-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                // its temporary files (lz4's native library, extracted on first use) in its folder:
                // a SIGKILLed broker left liblz4-java-*.so in /tmp, and the folder is removed on close
                "-Djava.io.tmpdir=" + dir,
                "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
    }

    private Path config() {
        return dir.resolve("server.properties");
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
