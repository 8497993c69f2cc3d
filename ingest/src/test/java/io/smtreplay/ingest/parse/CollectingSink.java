package io.smtreplay.ingest.parse;

import io.smtreplay.trace.ParsedEvent;
import io.smtreplay.trace.RefusedLine;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Keeps everything a reader emits, for assertions. */
public final class CollectingSink implements TraceRecordSink {
    public final List<ParsedEvent> events = new ArrayList<>();
    public final List<RefusedLine> refused = new ArrayList<>();
    public final List<EventsLost> lost = new ArrayList<>();
    public ReadSummary summary;

    @Override
    public void onEvent(ParsedEvent event) {
        events.add(event);
    }

    @Override
    public void onRefused(RefusedLine refused) {
        this.refused.add(refused);
    }

    @Override
    public void onEventsLost(EventsLost lost) {
        this.lost.add(lost);
    }

    /** The one event of a one-record text, asserting nothing else came of it. */
    public static io.smtreplay.trace.TraceEvent onlyEvent(String text) {
        CollectingSink s = parse(text);
        org.junit.jupiter.api.Assertions.assertEquals(1, s.events.size(), () -> "events of: " + text + " refused: " + s.refused);
        return s.events.get(0).event();
    }

    /** The one refused line of a one-line text that is no event. */
    public static RefusedLine onlyRefused(String text) {
        CollectingSink s = parse(text);
        org.junit.jupiter.api.Assertions.assertEquals(0, s.events.size(), () -> "events of: " + text);
        org.junit.jupiter.api.Assertions.assertEquals(1, s.refused.size());
        return s.refused.get(0);
    }

    /** Parses text given in a test. */
    public static CollectingSink parse(String text) {
        CollectingSink sink = new CollectingSink();
        try {
            sink.summary = TraceFileReader.read("test", new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), sink);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sink;
    }
}
