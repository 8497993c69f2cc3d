package io.smtreplay.bench;

import io.smtreplay.episode.EpisodeSink;
import io.smtreplay.episode.EpisodeTracker;
import io.smtreplay.profile.CostProfile;
import io.smtreplay.profile.CostProfiles;
import io.smtreplay.projection.ProjectionAccumulator;
import io.smtreplay.projection.Projector;
import io.smtreplay.smt.SmtConfiguration;
import io.smtreplay.synth.KernelEra;
import io.smtreplay.synth.SynthSpec;
import io.smtreplay.synth.TraceSynthesizer;
import io.smtreplay.synth.Workload;
import io.smtreplay.trace.Isa;
import io.smtreplay.trace.TraceFormat;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Java serialization of one vCPU's 10 ms window projection, the keyed state the replay job
 * checkpoints and ships between operators (Flink's {@code JavaSerializer}): the same window
 * {@code EndToEndBench} sizes (memcached, 16 vCPUs, the first vCPU thread's first 10 ms, the
 * named configurations, default profile; episodes still open at the window's end left out).
 * {@code serialize} writes it with an {@link ObjectOutputStream}, {@code deserialize} reads those
 * bytes back. The serialized size is printed once at set-up.
 * Run: {@code bin/smtreplay bench ProjectionSerializationBenchmark -f 1 -wi 3 -i 5}. The score is
 * µs per window.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ProjectionSerializationBenchmark {

    private static final long WINDOW_NS = 10_000_000L;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private ProjectionAccumulator window;
    private byte[] serialized;

    @Setup
    public void setUp() throws IOException {
        window = oneVcpuWindow();
        serialize();
        serialized = bytes.toByteArray();
        System.out.printf("%n one 10 ms window's projection: %d B serialized%n", serialized.length);
    }

    /** The first vCPU thread's first {@value #WINDOW_NS} ns of a synthesized memcached trace, projected. */
    private static ProjectionAccumulator oneVcpuWindow() {
        CostProfile profile = CostProfiles.defaultProfile();
        Projector projector = new Projector(SmtConfiguration.NAMED, profile);
        ProjectionAccumulator window = projector.newAccumulator();
        SynthSpec spec = new SynthSpec(Workload.MEMCACHED, TraceFormat.FTRACE, KernelEra.V6_12, Isa.VMX, 16,
                WINDOW_NS, 7, null, true);
        EpisodeSink sink = projector.sinkInto(window);
        EpisodeTracker[] tracker = {null};
        long[] firstTs = {0};
        new TraceSynthesizer(spec, profile).emit(e -> {
            if (tracker[0] == null) {
                tracker[0] = new EpisodeTracker(e.tid());
                firstTs[0] = e.timestampNs();
            }
            if (e.tid() == tracker[0].thread() && e.timestampNs() - firstTs[0] < WINDOW_NS) {
                tracker[0].accept(e, sink);
            }
        });
        return window;
    }

    /** Writes the window into a reused buffer; returns its size. */
    @Benchmark
    public int serialize() throws IOException {
        bytes.reset();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(window);
        }
        return bytes.size();
    }

    @Benchmark
    public Object deserialize() throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(serialized))) {
            return in.readObject();
        }
    }
}
