package io.smtreplay.trace;


/**
 * An event with where it came from: {@code lineNumber} is the first line of the record (from 1;
 * a wrapped record spans more), {@code sequence} the event's index in the source from 0.
 */
public record ParsedEvent(String source, long lineNumber, long sequence, TraceEvent event) {
}
