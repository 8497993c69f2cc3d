package io.smtreplay.ingest.parse;

/** Receives, in file order, every event and every refused line of a source. */
public interface TraceRecordSink {
    void onEvent(ParsedEvent event);

    void onRefused(RefusedLine refused);
}
