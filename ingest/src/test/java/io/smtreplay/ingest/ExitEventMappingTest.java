package io.smtreplay.ingest;

import io.smtreplay.schemas.ExitEventMapping;
import io.smtreplay.trace.Labels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.smtreplay.ingest.parse.CollectingSink;
import io.smtreplay.trace.ParsedEvent;
import io.smtreplay.ingest.parse.TraceFileReader;
import io.smtreplay.ingest.testing.SharedTraces;
import io.smtreplay.schemas.ExitEvent;
import io.smtreplay.schemas.WireCodec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every event of every real trace survives TraceEvent -> Avro -> bytes -> Avro -> TraceEvent unchanged. */
class ExitEventMappingTest {

    /**
     * toAvro fills the record through its plain setters (the Builder was most of the agent's
     * mapping cost), which apply no schema defaults: a field added to ExitEvent must be set there.
     */
    @Test
    void toAvroSetsEveryFieldOfTheSchema() {
        assertEquals(List.of("host", "vm", "app", "threadId", "comm", "pcpu", "vcpu", "timestampNs", "tracepoint", "kind", "isa",
                        "exitReasonName", "exitReasonCode", "exitReasonFlags", "exitReasonKnown", "guestRip", "info1", "info2",
                        "intrInfo", "errorCode", "nestedEntry", "payload", "source", "sequence", "lineNumber", "wokenThread"),
                ExitEvent.getClassSchema().getFields().stream().map(org.apache.avro.Schema.Field::name).toList(),
                "the fields ExitEventMapping.toAvro sets, one by one");
    }

    @Test
    void everyEventOfEveryTraceRoundTripsThroughTheWire() throws IOException {
        WireCodec<ExitEvent> codec = WireCodec.exitEvents();
        Labels labels = new Labels("host-a", null, "app-1");
        long checked = 0;
        for (Path file : SharedTraces.all()) {
            CollectingSink sink = new CollectingSink();
            TraceFileReader.read(file.toString(), sink);
            for (ParsedEvent e : sink.events) {
                ExitEvent decoded = codec.decode(codec.encode(ExitEventMapping.toAvro(e, labels)));
                assertEquals(e.event(), ExitEventMapping.fromAvro(decoded), () -> file + ":" + e.lineNumber());
                assertEquals(e.sequence(), decoded.getSequence());
                assertEquals(e.lineNumber(), decoded.getLineNumber());
                assertEquals("host-a/" + e.event().tid(), ExitEventMapping.partitionKey(decoded));
                checked++;
            }
        }
        assertEquals(true, checked > 100_000, "events checked: " + checked);
    }

    @Test
    void schedEventsKeepTheirKindAndWokenThreadOnTheWire() {
        WireCodec<ExitEvent> codec = WireCodec.exitEvents();
        CollectingSink sink = CollectingSink.parse("""
                     vhost-4410  [003] 2925.640963: sched_wakeup: comm=CPU 0/KVM pid=7289 prio=120 target_cpu=023
                     vhost-4410  [003] 2925.640964: sched_waking: comm=CPU 1/KVM pid=7290 prio=120 target_cpu=022
                     vhost-4410  [003] 2925.640965: sched_switch: prev_comm=vhost-4410 prev_pid=4410 prev_prio=120 prev_state=S ==> next_comm=swapper/3 next_pid=0 next_prio=120
                """);
        assertEquals(3, sink.events.size());
        for (ParsedEvent e : sink.events) {
            ExitEvent decoded = codec.decode(codec.encode(ExitEventMapping.toAvro(e, new Labels("h", null, "a"))));
            assertEquals(e.event(), ExitEventMapping.fromAvro(decoded));
        }
        assertEquals(7290, ExitEventMapping.fromAvro(codec.decode(codec.encode(
                ExitEventMapping.toAvro(sink.events.get(1), new Labels("h", null, "a"))))).wokenThread());
    }
}
