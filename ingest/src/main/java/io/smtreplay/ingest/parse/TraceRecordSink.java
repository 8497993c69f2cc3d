package io.smtreplay.ingest.parse;

/** Receives a trace file's events and refused lines, in file order. */
public interface TraceRecordSink {
    void onEvent(ParsedEvent event);

    void onRefused(RefusedLine refused);
}
