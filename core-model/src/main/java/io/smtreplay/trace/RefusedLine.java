package io.smtreplay.trace;

/**
 * A line that is not an event, with why. {@code text} is the raw line as read (before quote
 * stripping), {@code lineNumber} counts from 1.
 */
public record RefusedLine(String source, long lineNumber, RefusalReason reason, String detail, String text) {
}
