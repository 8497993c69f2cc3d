package io.smtreplay.ingest.parse;

import io.smtreplay.trace.TraceEvent;

/**
 * One event and where it came from.
 *
 * @param source     the file name ("-" for standard input)
 * @param lineNumber the first physical line of the record (wrapped records span several), from 1
 * @param sequence   the event's index among the source's events, from 0
 * @param event      the parsed event
 */
public record ParsedEvent(String source, long lineNumber, long sequence, TraceEvent event) {
}
