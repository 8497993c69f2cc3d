package io.smtreplay.ingest.parse;

/**
 * A physical line the parser did not take as (part of) an event.
 *
 * @param source     the file name ("-" for standard input)
 * @param lineNumber the line's number in the source, from 1
 * @param reason     why it was refused
 * @param detail     a human-readable explanation, e.g. which format a kvm_exit failed
 * @param text       the line as read, quote prefix included
 */
public record RefusedLine(String source, long lineNumber, RefusalReason reason, String detail, String text) {
}
