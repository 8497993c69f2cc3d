package io.smtreplay.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The FlinkDeployment the Helm chart renders (real Helm: helm/bin/helm), read back: its Flink
 * configuration, the job's jar, entry class, arguments and parallelism. The local cluster runs from
 * exactly these, as the operator would.
 */
record ChartRender(Map<String, String> flinkConfiguration, String jarUri, String entryClass, List<String> args,
                   int parallelism) {

    static ChartRender of(Path repo, Path valuesFile, Map<String, String> set) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(repo.resolve("helm/bin/helm").toString(), "template", "smtreplay",
                repo.resolve("helm/smtreplay").toString(), "--show-only", "templates/flinkdeployment.yaml",
                "-f", valuesFile.toString()));
        set.forEach((k, v) -> {
            command.add("--set-string");
            command.add(k + "=" + v);
        });
        // stderr apart: helm/bin/helm says there when it first installs helm, and stdout is the YAML
        Process helm = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(helm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!helm.waitFor(120, TimeUnit.SECONDS) || helm.exitValue() != 0) {
            throw new IllegalStateException("helm template failed (its errors are in the test output above): " + out);
        }
        JsonNode spec = new ObjectMapper(new YAMLFactory()).readTree(out).get("spec");
        Map<String, String> conf = new LinkedHashMap<>();
        spec.get("flinkConfiguration").fields().forEachRemaining(e -> conf.put(e.getKey(), e.getValue().asText()));
        List<String> args = new ArrayList<>();
        spec.get("job").get("args").forEach(a -> args.add(a.asText()));
        return new ChartRender(conf, spec.get("job").get("jarURI").asText(), spec.get("job").get("entryClass").asText(), args,
                spec.get("job").get("parallelism").asInt());
    }
}
