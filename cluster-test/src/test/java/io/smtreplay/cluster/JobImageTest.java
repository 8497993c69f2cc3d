package io.smtreplay.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.cluster.DockerfileCopies.Copy;
import io.smtreplay.replay.JobParameter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What can be checked of the job image without a container engine: the files its Dockerfile
 * copies exist after {@code mvn package} and are the application jar; the chart's FlinkDeployment
 * names the jar where the image puts it and an entry class that starts from it on Flink's jars and
 * knows every argument the chart passes;
 * the reporter the chart configures is a service of the jar the image installs as a plugin.
 */
class JobImageTest {

    private final Path repo = Path.of(System.getProperty("smtreplay.root", "..")).toAbsolutePath().normalize();
    private final Path appJar = Path.of(System.getProperty("smtreplay.appJar"));

    @Test
    void everyFileTheJobImageCopiesIsTheApplicationJarMavenBuilt() throws Exception {
        List<Copy> copies = DockerfileCopies.of(repo.resolve("helm/images/job/Dockerfile"), repo);
        assertEquals(List.of("/opt/flink/usrlib/smtreplay-replay-job.jar", "/opt/flink/plugins/smtreplay-metrics/smtreplay-replay-job.jar"),
                copies.stream().map(Copy::destination).toList());
        for (Copy c : copies) {
            assertTrue(Files.isRegularFile(c.source()), c.source() + " exists after mvn package");
            assertEquals(appJar.toRealPath(), c.source().toRealPath(), "the image holds the shaded application jar");
        }
    }

    @Test
    void theChartsEntryClassStartsFromTheImagesJarOnFlinksJars(@TempDir Path work) throws Exception {
        ChartRender chart = ChartRender.of(repo, writeValues(work), Map.of());
        List<Copy> copies = DockerfileCopies.of(repo.resolve("helm/images/job/Dockerfile"), repo);
        assertTrue(copies.stream().anyMatch(c -> ("local://" + c.destination()).equals(chart.jarUri())),
                "the FlinkDeployment's jarURI is where the image puts the jar");

        for (String arg : chart.args()) {
            if (arg.startsWith("--") && !arg.equals("--bounded")) {
                assertTrue(JobParameter.ofOption(arg).isPresent(), "the job knows the chart's " + arg);
            }
        }
        // the entry class loads from the image's jar on Flink's jars and reads its arguments: without
        // a bootstrap it stops at the first check of them
        String flinkLib = Files.readString(Path.of(System.getProperty("smtreplay.flinkLibClasspath"))).trim();
        Process main = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", appJar + java.io.File.pathSeparator + flinkLib, chart.entryClass(), "--window", "10s")
                .redirectErrorStream(true).start();
        String out = new String(main.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(main.waitFor(120, TimeUnit.SECONDS), "the entry class returns");
        assertTrue(out.contains("--bootstrap is required"), "the entry class ran and checked its arguments:\n" + out);
    }

    @Test
    void theReporterTheChartConfiguresIsAServiceOfThePluginJar(@TempDir Path work) throws Exception {
        ChartRender chart = ChartRender.of(repo, writeValues(work), Map.of());
        String factory = chart.flinkConfiguration().get("metrics.reporter.prom.factory.class");
        assertFalse(factory == null || factory.isBlank(), "the chart configures a reporter");
        try (JarFile jar = new JarFile(appJar.toFile())) {
            String services = new String(jar.getInputStream(jar.getEntry(
                    "META-INF/services/org.apache.flink.metrics.reporter.MetricReporterFactory")).readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(services.lines().anyMatch(factory::equals), factory + " in the jar's reporter services:\n" + services);
            assertTrue(jar.getEntry(factory.replace('.', '/') + ".class") != null, factory + " is in the jar");
        }
    }

    private static Path writeValues(Path work) throws Exception {
        return Files.writeString(work.resolve("values.yaml"), "kafka: {mode: external, bootstrap: 'kafka:9092'}\n");
    }
}
