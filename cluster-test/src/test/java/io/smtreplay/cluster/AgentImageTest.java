package io.smtreplay.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What can be checked of the agent image without a container engine: the command its
 * ENTRYPOINT names starts on the CLI's runtime classpath (what the image's build stage copies)
 * and is the agent, so renaming the class or the subcommand fails here, not on a host.
 */
class AgentImageTest {

    private final Path repo = Path.of(System.getProperty("smtreplay.root", "..")).toAbsolutePath().normalize();

    @Test
    void theEntryPointTheDaemonSetRunsIsTheAgentCommand() throws Exception {
        assertTrue(agentHelp().startsWith("Usage: smtreplay agent"));
    }

    /**
     * Every option the DaemonSet passes is one {@code smtreplay agent} knows (the chart once passed
     * {@code --labels}, which the agent refuses as a usage error: no pod would have started).
     */
    @Test
    void everyOptionTheDaemonSetPassesIsAnAgentOption() throws Exception {
        String help = agentHelp();
        List<String> passed = Files.readAllLines(repo.resolve("helm/smtreplay/templates/agent.yaml")).stream()
                .map(String::strip).filter(l -> l.matches("- --[a-z-]+")).map(l -> l.substring(2)).toList();
        assertTrue(passed.size() >= 5, "the DaemonSet's options: " + passed);
        for (String option : passed) {
            assertTrue(help.contains(" " + option + "=") || help.contains(" " + option + " ") || help.contains(" " + option + "\n"),
                    option + " is an option of smtreplay agent:\n" + help);
        }
    }

    /** {@code --help} of the command the image's ENTRYPOINT runs. */
    private String agentHelp() throws Exception {
        List<String> entrypoint = entrypoint(repo.resolve("helm/images/agent/Dockerfile"));
        int cp = entrypoint.indexOf("-cp");
        assertTrue(cp > 0 && cp + 2 < entrypoint.size(), "java -cp LIB MAIN ARGS: " + entrypoint);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path")));
        command.addAll(entrypoint.subList(cp + 2, entrypoint.size()));
        command.add("--help");
        Process agent = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(agent.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(agent.waitFor(60, TimeUnit.SECONDS), "the entry point returns");
        assertEquals(0, agent.exitValue(), out);
        return out;
    }

    /** The exec form of the Dockerfile's ENTRYPOINT, a JSON array. */
    private static List<String> entrypoint(Path dockerfile) throws Exception {
        String line = Files.readAllLines(dockerfile).stream().filter(l -> l.startsWith("ENTRYPOINT "))
                .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no ENTRYPOINT in " + dockerfile));
        return Arrays.asList(new ObjectMapper().readValue(line.substring("ENTRYPOINT ".length()), String[].class));
    }
}
