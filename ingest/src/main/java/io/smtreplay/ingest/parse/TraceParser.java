package io.smtreplay.ingest.parse;

import io.smtreplay.trace.TraceEvent;
import io.smtreplay.trace.TraceFormat;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the lines of one source, in order, into events and refused lines. One instance per source:
 * it holds the source's ISA and at most one record being assembled.
 *
 * <p>Wrapped records are re-joined only where that is unambiguous: a record head is followed by
 * continuation lines (lines that start no record, are not blank and not {@code #} comments), and
 * the record takes the longest run of them with which its tracepoint's print format parses
 * completely. So perf script's header-then-payload layout, ftrace lines broken after the
 * timestamp, mail clients' hard wraps and format=flowed soft breaks all re-join, while an author's
 * note after a complete record stays a refused line of its own. Tracepoints without a grammar
 * take a continuation only when their head had no payload at all.
 *
 * <p>Mail quote prefixes ({@code > }) are stripped first.
 */
public final class TraceParser {

    /** A record wraps over at most this many extra lines (perf's kvm_nested_vmenter takes 3). */
    private static final int MAX_CONTINUATIONS = 4;

    private final String source;
    private final TraceRecordSink sink;
    private final IsaInference isa = new IsaInference();
    private final Map<RefusalReason, Long> refused = new EnumMap<>(RefusalReason.class);
    private long lineNumber;
    private long events;
    private TraceFormat detectedFormat;

    private RecordHead pendingHead;
    private long pendingLineNumber;
    private String pendingRaw;
    private final List<String> continuationRaw = new ArrayList<>(MAX_CONTINUATIONS);
    private final List<String> continuationText = new ArrayList<>(MAX_CONTINUATIONS);

    public TraceParser(String source, TraceRecordSink sink) {
        this.source = source;
        this.sink = sink;
    }

    /** Feeds the next physical line (without its line terminator). */
    public void accept(String rawLine) {
        lineNumber++;
        String text = withoutQuotePrefix(rawLine);
        boolean blankOrComment = text.isBlank() || text.stripLeading().startsWith("#");
        RecordHead head = blankOrComment ? null : RecordHeadScanner.scan(text);
        if (pendingHead != null) {
            // a record broken right after its timestamp continues with "event: payload", which
            // alone would look like a record whose prefix the author stripped
            boolean eventOfWrappedHead = pendingHead.event() == null && continuationRaw.isEmpty()
                    && head != null && !head.hasPrefix();
            if (!blankOrComment && (head == null || eventOfWrappedHead)) {
                continuationRaw.add(rawLine);
                continuationText.add(text);
                if (continuationRaw.size() == MAX_CONTINUATIONS) {
                    resolvePending();
                }
                return;
            }
            resolvePending();
        }
        if (head == null) {
            refuse(lineNumber, rawLine, LineClassifier.classify(text), null);
            return;
        }
        pendingHead = head;
        pendingLineNumber = lineNumber;
        pendingRaw = rawLine;
    }

    /** Ends the source: resolves the last record and returns what was read. */
    public ReadSummary finish() {
        if (pendingHead != null) {
            resolvePending();
        }
        return new ReadSummary(source, detectedFormat, lineNumber, events, refused);
    }

    private void resolvePending() {
        RecordHead head = pendingHead;
        long headLine = pendingLineNumber;
        int firstContinuation = 0;
        pendingHead = null;
        try {
            if (head.event() == null) {
                // wrapped right after the timestamp: the event name opens the next line
                RecordHead joined = continuationText.isEmpty() ? null
                        : RecordHeadScanner.continueAfterTimestamp(head, continuationText.get(0));
                if (joined == null) {
                    refuse(headLine, pendingRaw, RefusalReason.TRUNCATED, "the record ends after its timestamp");
                    refuseContinuations(headLine, 0);
                    return;
                }
                head = joined;
                firstContinuation = 1;
            }
            if (!head.complete()) {
                RefusalReason reason = KvmTracepoints.isKvm(head.system(), head.event())
                        ? RefusalReason.TRUNCATED : RefusalReason.NOT_KVM_EVENT;
                refuseRecordLines(headLine, firstContinuation, reason, "cut off after '" + head.event() + "'");
                refuseContinuations(headLine, firstContinuation);
                return;
            }
            if (!KvmTracepoints.isKvm(head.system(), head.event())) {
                int lines = firstContinuation;
                if (head.payload().isEmpty() && continuationText.size() > lines) {
                    lines++; // perf's header-then-payload layout: the payload is part of the record
                }
                refuseRecordLines(headLine, lines, RefusalReason.NOT_KVM_EVENT, "event '" + head.event() + "'");
                refuseContinuations(headLine, lines);
                return;
            }
            assemble(head, headLine, firstContinuation);
        } finally {
            continuationRaw.clear();
            continuationText.clear();
        }
    }

    private void assemble(RecordHead head, long headLine, int firstContinuation) {
        PayloadOutcome firstFailure = null;
        for (int last = continuationText.size(); last >= firstContinuation; last--) {
            String payload = joinPayload(head.payload(), firstContinuation, last);
            TraceEvent.Builder b = TraceEvent.builder(head.event())
                    .timestampNs(head.timestampNs()).tid(head.tid()).comm(head.comm()).pcpu(head.cpu())
                    .payload(payload);
            PayloadOutcome outcome = PayloadGrammar.parse(head.event(), payload, b, isa);
            if (outcome.parsed()) {
                TraceEvent event = b.isa(isa.current()).build();
                TraceEvent withReasonIsa = event.reason() != null && event.reason().isa() != event.isa()
                        ? event.toBuilder().isa(event.reason().isa()).build() : event;
                if (detectedFormat == null && head.hasPrefix()) {
                    detectedFormat = head.format();
                }
                sink.onEvent(new ParsedEvent(source, headLine, events++, withReasonIsa));
                refuseContinuations(headLine, last);
                return;
            }
            firstFailure = outcome;
        }
        RefusalReason reason = firstFailure.status() == PayloadOutcome.Status.INCOMPLETE
                ? RefusalReason.TRUNCATED : RefusalReason.MALFORMED_KVM_EVENT;
        refuseRecordLines(headLine, firstContinuation, reason, head.event() + ": " + firstFailure.detail());
        refuseContinuations(headLine, firstContinuation);
    }

    private String joinPayload(String headPayload, int from, int to) {
        if (from == to) {
            return headPayload;
        }
        StringBuilder sb = new StringBuilder(headPayload);
        for (int i = from; i < to; i++) {
            String part = continuationText.get(i).strip();
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(part);
        }
        return sb.toString();
    }

    /** Refuses the head line and the first {@code continuations} continuation lines with one reason. */
    private void refuseRecordLines(long headLine, int continuations, RefusalReason reason, String detail) {
        refuse(headLine, pendingRaw, reason, detail);
        for (int i = 0; i < continuations && i < continuationRaw.size(); i++) {
            refuse(headLine + 1 + i, continuationRaw.get(i), reason, detail + " (continued)");
        }
    }

    /** Continuation lines from {@code from} on that no record took: refused on their own merits. */
    private void refuseContinuations(long headLine, int from) {
        for (int i = from; i < continuationRaw.size(); i++) {
            refuse(headLine + 1 + i, continuationRaw.get(i), LineClassifier.classify(continuationText.get(i)), null);
        }
    }

    private void refuse(long line, String raw, RefusalReason reason, String detail) {
        refused.merge(reason, 1L, Long::sum);
        sink.onRefused(new RefusedLine(source, line, reason, detail == null ? reason.description() : detail, raw));
    }

    /** Strips mail quote prefixes: {@code > }, {@code >> } and a bare {@code >}. */
    static String withoutQuotePrefix(String line) {
        int i = 0;
        int n = line.length();
        while (i < n && line.charAt(i) == '>') {
            if (i + 1 == n) {
                return "";
            }
            if (line.charAt(i + 1) == ' ') {
                i += 2;
            } else if (line.charAt(i + 1) == '>' && (i + 2 == n || line.charAt(i + 2) == ' ' || line.charAt(i + 2) == '>')) {
                if (i + 2 == n) {
                    return line; // a bare ">>" is a prompt marker, not a quote
                }
                i += 1;
            } else {
                break;
            }
        }
        return i == 0 ? line : line.substring(i);
    }
}
