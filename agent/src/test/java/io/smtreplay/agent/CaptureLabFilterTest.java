package io.smtreplay.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The capture lab ({@code capture-lab/src/init}, a shell script) filters its scheduler events with
 * the agent's filter, so the lab's traces hold what a host under the agent records: its list of the
 * VM's thread names must give exactly {@link TracefsInstance#EVENT_FILTERS}' {@code sched_waking} filter.
 */
class CaptureLabFilterTest {

    private static final Pattern VM_COMMS = Pattern.compile("(?m)^VM_COMMS='(.*)'$");
    private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");

    @Test
    void theLabFiltersSchedWakingAsTheAgentDoes() throws IOException {
        Matcher line = VM_COMMS.matcher(Files.readString(labInit()));
        assertTrue(line.find(), "VM_COMMS='…' in capture-lab/src/init");
        List<String> clauses = new ArrayList<>();
        Matcher comm = QUOTED.matcher(line.group(1));
        while (comm.find()) {
            clauses.add("comm ~ \"" + comm.group(1) + "\"");
        }
        assertEquals(TracefsInstance.EVENT_FILTERS.get("sched:sched_waking"), String.join(" || ", clauses));
    }

    /** capture-lab/src/init of this checkout, found from the module's working directory upwards. */
    private static Path labInit() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("capture-lab").resolve("src").resolve("init");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("capture-lab/src/init not found above " + Path.of("").toAbsolutePath());
    }
}
