package io.smtreplay.synth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smtreplay.trace.Isa;
import io.smtreplay.trace.TraceFormat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Synthesized 6.12 SVM lines have the same shape as the real ones the capture lab recorded with
 * ftrace and trace-cmd 3.1.6 on kernel 6.1 (capture-lab/fixtures, in this repository): the same
 * columns, flags, event-name padding and payload text once numbers are masked. Compared per
 * tracepoint, and for exit-like events per exit reason both traces have.
 */
class LooksLikeTheLabsRealTraceTest {

    private static final Path FIXTURE = Path.of("..", "capture-lab", "fixtures", "svm-k6.1-n10-v2", "nested");
    /** comm, pid, cpu, optional flags, timestamp, event name and its padding, payload. */
    private static final Pattern LINE = Pattern.compile("^ *\\S.*?(-\\d+ +\\[\\d{3}\\] (?:[.dNhHs0-9]{5} )?) *\\d+\\.\\d{6}: (\\w+):( +)(.*)$");
    private static final Pattern NUMBER = Pattern.compile("\\b(0x)?[0-9a-f]+\\b");
    private static final Pattern REASON = Pattern.compile("reason:? (\\S+)");

    private static List<String> lines(Path gz) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines().toList();
        }
    }

    /** tracepoint (+ reason) → shapes: the column layout and the payload with numbers masked. */
    private static Map<String, Set<String>> shapes(List<String> lines) {
        Map<String, Set<String>> shapes = new HashMap<>();
        for (String line : lines) {
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            // the width of "-pid [cpu] flags " (pid padded to 5 or 7), and the flags
            String columns = m.group(1).length() + "|" + m.group(1).replaceAll("[\\d\\s\\[\\]-]", "");
            // the lab's L1 runs L2 without nested paging (nested_npt=n, guest_cr3); ours with it
            String payload = NUMBER.matcher(m.group(4)).replaceAll("N").replaceAll("nested_npt=[yn] (guest|nested)_cr3", "nested_npt=? cr3");
            Matcher r = REASON.matcher(m.group(4));
            String key = m.group(2) + (r.find() ? " " + r.group(1) : "");
            shapes.computeIfAbsent(key, k -> new HashSet<>()).add(columns + "|" + m.group(3).length() + "|" + payload);
        }
        return shapes;
    }

    @ParameterizedTest
    @CsvSource({"ftrace, ftrace.txt.gz", "trace-cmd, trace-cmd-report.txt.gz"})
    void synthesizedLinesHaveTheRealToolsShape(String format, String fixture) throws IOException {
        Map<String, Set<String>> real = shapes(lines(FIXTURE.resolve(fixture)));
        assertFalse(real.isEmpty(), "the lab fixture is read");
        Map<String, Set<String>> synthesized = new HashMap<>();
        for (Workload w : Workload.values()) {
            SynthRuns.Run run = SynthRuns.run(SynthRuns.spec(w, TraceFormat.ofCliName(format), KernelEra.V6_12, Isa.SVM, 1, 3_000, 1));
            shapes(run.lines()).forEach((k, v) -> synthesized.computeIfAbsent(k, x -> new HashSet<>()).addAll(v));
        }
        int compared = 0;
        for (Map.Entry<String, Set<String>> e : synthesized.entrySet()) {
            Set<String> realShapes = real.get(e.getKey());
            if (realShapes == null) {
                continue; // a tracepoint or reason the lab's tiny VMM never made
            }
            for (String shape : e.getValue()) {
                assertTrue(realShapes.contains(shape), () -> e.getKey() + ": synthesized " + shape + " not among real " + realShapes);
                compared++;
            }
        }
        // libtraceevent's plugin names SVM reasons EXIT_*; kvm_nested_vmexit falls back to the kernel's text
        List<String> mustCompare = format.equals("trace-cmd")
                ? List.of("kvm_entry", "kvm_exit EXIT_NPF", "kvm_exit EXIT_MSR", "kvm_exit EXIT_VMRUN", "kvm_nested_vmexit npf",
                        "kvm_nested_vmexit_inject EXIT_CPUID", "kvm_nested_vmenter", "kvm_nested_intercepts", "kvm_page_fault")
                : List.of("kvm_entry", "kvm_exit npf", "kvm_exit msr", "kvm_exit vmrun", "kvm_nested_vmexit npf",
                        "kvm_nested_vmexit_inject cpuid", "kvm_nested_vmenter", "kvm_nested_intercepts", "kvm_page_fault");
        for (String key : mustCompare) {
            assertTrue(synthesized.containsKey(key) && real.containsKey(key), () -> "compared: " + key);
        }
        assertTrue(compared >= 8);
    }
}
