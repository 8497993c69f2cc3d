package io.smtreplay.projection;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smtreplay.episode.EpisodeType;
import io.smtreplay.episode.EventScript;
import io.smtreplay.episode.IncompleteReason;
import io.smtreplay.profile.CostProfile;
import io.smtreplay.episode.WorldSwitch;
import io.smtreplay.smt.SmtConfiguration;
import io.smtreplay.trace.Isa;
import io.smtreplay.trace.TraceEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

class TraceProjectorTest {

    private static final CostProfile PROFILE = CostProfile.builder("p").contextSwitch(WorldSwitch.L2_TO_L0, 100)
            .contextSwitch(WorldSwitch.L0_TO_L2, 100).contextSwitch(WorldSwitch.L0_TO_L1, 100)
            .contextSwitch(WorldSwitch.L1_TO_L0, 100).build();

    private static TraceProjector projector() {
        return new TraceProjector(new Projector(SmtConfiguration.NAMED, PROFILE));
    }

    private static List<TraceEvent> onCpu(List<TraceEvent> events, int pcpu) {
        return events.stream().map(e -> e.toBuilder().pcpu(pcpu).build()).toList();
    }

    @Test
    void interleavedThreadsAreTrackedApartAndAppsKeptApart() {
        List<TraceEvent> a = new EventScript(Isa.VMX, 1).entry(0).l2Exit(100, "CPUID").inject(150, "CPUID")
                .entry(200).exit(300, "VMRESUME").vmenter(350).entry(400).events();
        List<TraceEvent> b = new EventScript(Isa.VMX, 2).entry(50).exit(120, "HLT").entry(380).events();
        List<TraceEvent> all = new ArrayList<>(a);
        all.addAll(b);
        all.sort(Comparator.comparingLong(TraceEvent::timestampNs));
        TraceProjector p = projector();
        all.forEach(e -> p.accept(e.tid() == 1 ? "web" : "db", "host1", e));
        // the same thread id on another host is another vCPU
        new EventScript(Isa.VMX, 1).entry(0).exit(10, "CPUID").entry(20).events().forEach(e -> p.accept("web", "host2", e));
        p.finish();
        ProjectionAccumulator web = p.byApp().get("web");
        assertEquals(1, web.episodes().episodes(EpisodeType.L2_EXIT_REFLECTED));
        assertEquals(1, web.episodes().episodes(EpisodeType.L1_EXIT));
        assertEquals(0, web.episodes().incomplete());
        assertEquals(1, p.byApp().get("db").episodes().episodes(EpisodeType.L1_EXIT));
        assertEquals(3, p.vcpuThreads());
        assertEquals(2, p.vcpuThreadsByApp().get("web"));
    }

    @Test
    void lostEventsCloseOnlyTheThreadsOfThatCpu() {
        TraceProjector p = projector();
        onCpu(new EventScript(Isa.VMX, 1).entry(0).exit(100, "CPUID").nestedVmexit(100, "CPUID").events(), 0)
                .forEach(e -> p.accept("app", "h", e));
        onCpu(new EventScript(Isa.VMX, 2).entry(0).exit(100, "CPUID").nestedVmexit(100, "CPUID").events(), 1)
                .forEach(e -> p.accept("app", "h", e));
        p.eventsLost("h", 0);
        onCpu(new EventScript(Isa.VMX, 1).entry(200).events(), 0).forEach(e -> p.accept("app", "h", e));
        onCpu(new EventScript(Isa.VMX, 2).entry(200).events(), 1).forEach(e -> p.accept("app", "h", e));
        p.finish();
        var acc = p.byApp().get("app");
        assertEquals(1, acc.episodes().incomplete(IncompleteReason.EVENTS_LOST));
        assertEquals(1, acc.episodes().episodes(EpisodeType.L2_EXIT_HANDLED_BY_L0) - acc.episodes().incomplete());
    }
}
