package io.smtreplay.ingest.parse;

import io.smtreplay.trace.ParsedEvent;
import io.smtreplay.trace.RefusalReason;
import io.smtreplay.trace.RefusedLine;

import io.smtreplay.trace.EventKind;
import io.smtreplay.trace.TraceEvent;
import io.smtreplay.trace.TraceFormat;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the lines of one source into events and refused lines, in order. Stateful per source:
 * the ISA learnt so far, the format detected, and one record kept open while the next line may
 * continue it.
 *
 * <h2>A line is an event when</h2>
 * it starts with a tool's record prefix ({@link PrefixRecognizer}) followed by a kvm or kvmmmu
 * tracepoint and its payload (or a sched wake-up/switch, {@link SchedHandler}; those are read on
 * this slow path only and never re-joined across lines), or, in text whose prefix an author stripped, with the tracepoint
 * itself ({@code kvm_exit: reason ...}, also indented, also {@code kvm:kvm_exit:}): such events
 * have no thread, CPU or time.
 *
 * <h2>Text pasted from mail</h2>
 * A leading {@code >} quote marker (and the space after it), repeated, is stripped first. Wrapped
 * records are re-joined only where that is unambiguous:
 * <ol>
 *   <li>a record prefix with nothing after it (ftrace: ends after the timestamp; perf: ends
 *       after the event name) takes the next line as its event or payload, unless that line is
 *       blank or a record itself;</li>
 *   <li>a kvm record whose payload is incomplete by its tracepoint's print format (the last
 *       field of the format has no value yet, see {@link TracepointHandler#complete}) takes the
 *       next line when that line is neither blank nor a record and either the payload ends in a
 *       field name waiting for its value, the next line starts with one of the format's field
 *       names, or the line ended in a space (a format=flowed soft break).</li>
 * </ol>
 * Everything else stands alone. An author's shortened record ({@code kvm_exit: vcpu 0 reason HLT})
 * is an event with the fields it has; prose after it is not joined because it does not start
 * with a field name.
 *
 * <h2>Refused</h2>
 * Every line that is not part of an event is refused with a {@link RefusalReason}: records of other
 * trace systems ({@code tracing_mark_write}, kprobes, {@code <hack>}) are {@code not-kvm-event};
 * a kvm record without payload ({@code ... 83184.290416: kvm_exit}) is {@code truncated}; the rest
 * is classified by {@link NonRecordClassifier}; a record whose timestamp is beyond 2^63 ns is
 * {@code out-of-range}.
 *
 * <h2>Two paths, one behaviour</h2>
 * Lines arrive as bytes ({@link #accept(byte[], int, int, boolean)}). The common record (plain
 * ASCII, a prefix, a kvm tracepoint, a payload whole by its format) is decoded in the buffer by
 * {@link FastRecordDecoder}, with no String; every other line is decoded to a String and read by
 * {@link #accept(String)}, the slow path, which holds all the rules above. The fast path gives what
 * the slow path would, or declines the line.
 *
 * <h2>Counted</h2>
 * Every line is an event's first line, a line joined into an event ({@code joined}), or refused:
 * lines = events + joined + refused.
 */
final class TraceLineParser {
    private static final int MAX_CONTINUATION_LINES = 8;
    /**
     * {@code -Dsmtreplay.parser.slow=true} reads every line on the slow path: the reader as it was
     * before the fast decoder, to compare the two on a trace (the fast path must change nothing).
     */
    static final String SLOW_PATH_ONLY = "smtreplay.parser.slow";

    private final String source;
    private final TraceRecordSink sink;
    private final IsaContext isa = new IsaContext();
    private final Map<String, TracepointHandler> handlers = new HashMap<>();
    private final Map<RefusalReason, Long> refused = new EnumMap<>(RefusalReason.class);
    private long lines;
    private long events;
    private long joined;
    private final FastRecordDecoder fast = new FastRecordDecoder(isa);
    private final EventView view;
    private final boolean slowPathOnly = Boolean.getBoolean(SLOW_PATH_ONLY);
    private TraceFormat detectedFormat;
    private TraceFormat prefixFormat;
    private Pending pending;
    private String lastRecognizedText;
    private RecordPrefix lastRecognizedPrefix;

    TraceLineParser(String source, TraceRecordSink sink) {
        this.source = source;
        this.sink = sink;
        this.view = new EventView(source, new ByteKeyMap<>(4096));
    }

    /**
     * Feeds the next line: {@code b[from, to)} without its terminator. {@code plainAscii}: every
     * byte is printable ASCII or a tab (else the line is decoded as UTF-8 and read on the slow path).
     */
    void accept(byte[] b, int from, int to, boolean plainAscii) {
        if (plainAscii && !slowPathOnly && fast.recognizePrefix(b, from, to)) {
            flush(); // a line with a record prefix never continues the open record
            if (fast.decode(to, view)) {
                view.lineNumber = ++lines;
                view.sequence = events++;
                TraceFormat format = formatOf(fast.format, fast.padded, false);
                if (detectedFormat == null) {
                    detectedFormat = format;
                }
                sink.onDecoded(view);
                return;
            }
        }
        accept(new String(b, from, to - from, plainAscii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8));
    }

    /**
     * A line longer than the reader holds: refused whole as {@code truncated}, its first bytes
     * ({@code b[from, to)}) kept as its text; {@code length} is the line's full length in bytes.
     */
    void acceptOverlong(byte[] b, int from, int to, long length) {
        flush();
        long lineNumber = ++lines;
        refuse(lineNumber, new String(b, from, to - from, StandardCharsets.UTF_8), RefusalReason.TRUNCATED,
                "a line of " + length + " bytes, longer than the " + (to - from) + " bytes a line may have: refused, reading"
                        + " goes on at the next line");
    }

    /** The last line of an input that ended with an error (a truncated gzip): refused as {@code truncated}. */
    void acceptCut(byte[] b, int from, int to) {
        flush();
        long lineNumber = ++lines;
        refuse(lineNumber, new String(b, from, to - from, StandardCharsets.UTF_8), RefusalReason.TRUNCATED,
                "the input ended with an error inside this line");
    }

    /** Feeds the next line (without its line terminator). */
    void accept(String raw) {
        long lineNumber = ++lines;
        String text = stripQuotes(raw);
        if (pending != null && !isBlank(text) && pending.rawLines.size() <= MAX_CONTINUATION_LINES) {
            if (pending.event == null) {
                EventName name = eventAfterPrefixOnlyLine(text);
                if (name != null) {
                    pending.rawLines.add(raw);
                    pending.setEvent(name, text);
                    pending.lastRawEndsWithSpace = raw.endsWith(" ");
                    return;
                }
            } else if (continuesPayload(text)) {
                pending.appendPayload(raw, text);
                return;
            }
        }
        flush();
        start(raw, text, lineNumber);
    }

    ReadSummary finish() {
        flush();
        return new ReadSummary(source, detectedFormat, lines, events, joined, refused);
    }

    /** Rule 1, ftrace: a prefix ending after the timestamp, the event on the next line. */
    private EventName eventAfterPrefixOnlyLine(String text) {
        if (recognizePrefix(text) != null) {
            return null;
        }
        return EventName.at(text, 0);
    }

    private boolean continuesPayload(String text) {
        if (recognizePrefix(text) != null || isEventOnlyRecord(text)) {
            return false;
        }
        String[] tokens = PayloadFields.tokens(pending.payload);
        if (tokens.length == 0) {
            return true; // rule 1, perf: the header ends with the event name, the payload follows
        }
        if (!pending.event.isKvm()) {
            return false;
        }
        TracepointHandler handler = handler(pending.event.name());
        if (handler.complete(tokens)) {
            return false;
        }
        String last = tokens[tokens.length - 1];
        String[] next = PayloadFields.tokens(text);
        return handler.keys().contains(PayloadFields.normalizeKey(last)) || last.endsWith(":")
                || handler.keys().contains(PayloadFields.normalizeKey(next[0]))
                || pending.lastRawEndsWithSpace;
    }

    private void start(String raw, String text, long lineNumber) {
        if (isBlank(text)) {
            refuse(lineNumber, raw, RefusalReason.BLANK, "blank line");
            return;
        }
        RecordPrefix prefix = recognizePrefix(text);
        if (prefix != null && prefix.timestampOutOfRange()) {
            refuse(lineNumber, raw, RefusalReason.OUT_OF_RANGE, "a timestamp of 2^63 ns (9223372036.854775808 s) or more");
            return;
        }
        if (prefix != null) {
            EventName name = EventName.at(text, prefix.eventStart());
            if (name != null) {
                pending = new Pending(prefix, lineNumber, raw);
                pending.setEvent(name, text);
                return;
            }
            String rest = text.substring(prefix.eventStart()).strip();
            if (rest.isEmpty()) {
                pending = new Pending(prefix, lineNumber, raw);
            } else if (rest.matches("(kvm:)?[a-z_][a-z0-9_]*") && KvmTracepoints.isKvm(null, rest.replace("kvm:", ""))) {
                refuse(lineNumber, raw, RefusalReason.TRUNCATED, "kvm record cut after its event name");
            } else {
                refuse(lineNumber, raw, RefusalReason.UNRECOGNIZED, "record prefix followed by no event");
            }
            return;
        }
        if (isEventOnlyRecord(text)) {
            EventName name = EventName.at(text, 0);
            pending = new Pending(RecordPrefix.none(0), lineNumber, raw);
            pending.setEvent(name, text);
            return;
        }
        EventsLost lost = EventsLost.parse(source, lineNumber, text);
        if (lost != null) {
            refuse(lineNumber, raw, RefusalReason.EVENTS_LOST, lost.count() == EventsLost.TOO_MANY
                    ? "the tracer lost more events on CPU " + lost.pcpu() + " than a count holds (2^63 or more)"
                    : "the tracer lost " + lost.count() + " events on CPU " + lost.pcpu());
            sink.onEventsLost(lost);
            return;
        }
        NonRecordClassifier.RefusedLineKind kind = NonRecordClassifier.classify(text);
        refuse(lineNumber, raw, kind.reason(), kind.detail());
    }

    /** The prefix of {@code text}, recognized once per line (the continuation check and the start share it). */
    private RecordPrefix recognizePrefix(String text) {
        if (text != lastRecognizedText) {
            lastRecognizedText = text;
            lastRecognizedPrefix = PrefixRecognizer.recognize(text);
        }
        return lastRecognizedPrefix;
    }

    /** A kvm event whose prefix the author stripped: {@code kvm_exit: ...}. */
    private static boolean isEventOnlyRecord(String text) {
        EventName name = EventName.at(text, 0);
        return name != null && name.isKvm();
    }

    private void flush() {
        Pending p = pending;
        if (p == null) {
            return;
        }
        pending = null;
        if (p.event == null) {
            refuseAll(p, RefusalReason.TRUNCATED, "record prefix without its event");
            return;
        }
        if (!p.event.isModelled()) {
            refuseAll(p, RefusalReason.NOT_KVM_EVENT, "event " + (p.event.system() == null ? "" : p.event.system() + ":")
                    + p.event.name());
            return;
        }
        String name = p.event.name();
        String payload = p.payload.strip();
        TraceEvent.Builder b = TraceEvent.builder(name)
                .timestampNs(p.prefix.timestampNs())
                .tid(p.prefix.tid())
                .comm(p.prefix.comm())
                .pcpu(p.prefix.pcpu())
                .payload(payload);
        try {
            handler(name).decode(PayloadFields.tokens(payload), b, isa);
        } catch (MalformedPayloadException e) {
            refuseAll(p, e.reason(), e.getMessage());
            return;
        }
        TraceFormat format = formatOf(p.prefix.format(), p.event.padded(), p.event.system() != null);
        if (detectedFormat == null) {
            detectedFormat = format;
        }
        joined += p.rawLines.size() - 1;
        view.wrap(new ParsedEvent(source, p.firstLine, events++, b.build()));
        sink.onDecoded(view);
    }

    /**
     * perf prints the system name; ftrace and trace-cmd share a prefix and differ in trace-cmd's
     * padded event names; the first prefixed record decides for the file. {@code printedBy}: the
     * format of the record's prefix, null when it had none.
     */
    private TraceFormat formatOf(TraceFormat printedBy, boolean padded, boolean hasSystem) {
        if (printedBy != null) {
            if (prefixFormat == null) {
                TraceFormat f = printedBy;
                if (f == TraceFormat.FTRACE && padded) {
                    f = TraceFormat.TRACE_CMD;
                }
                prefixFormat = f;
                if (detectedFormat != null && detectedFormat != f) {
                    detectedFormat = f;
                }
            }
            return prefixFormat;
        }
        if (prefixFormat != null) {
            return prefixFormat;
        }
        return hasSystem ? TraceFormat.PERF_SCRIPT : padded ? TraceFormat.TRACE_CMD : TraceFormat.FTRACE;
    }

    private TracepointHandler handler(String tracepoint) {
        TracepointHandler h = handlers.get(tracepoint);
        if (h == null) {
            h = switch (EventKind.ofTracepoint(tracepoint)) {
                case EXIT, NESTED_VMEXIT, NESTED_VMEXIT_INJECT -> new ExitLikeHandler();
                case ENTRY -> new EntryHandler();
                case NESTED_VMENTER -> new NestedEntryHandler();
                case USERSPACE_EXIT -> new UserspaceExitHandler();
                case SCHED_WAKEUP, SCHED_WAKING, SCHED_SWITCH -> new SchedHandler(tracepoint);
                default -> new GenericKvmHandler(tracepoint);
            };
            handlers.put(tracepoint, h);
        }
        return h;
    }

    private void refuseAll(Pending p, RefusalReason reason, String detail) {
        for (int i = 0; i < p.rawLines.size(); i++) {
            refuse(p.firstLine + i, p.rawLines.get(i), reason, detail);
        }
    }

    private void refuse(long lineNumber, String raw, RefusalReason reason, String detail) {
        refused.merge(reason, 1L, Long::sum);
        sink.onRefused(new RefusedLine(source, lineNumber, reason, detail, raw));
    }

    /** Strips mail quote markers: {@code > }, {@code >> }, {@code > > } at the start of the line. */
    static String stripQuotes(String raw) {
        int i = 0;
        int n = raw.length();
        while (i < n && raw.charAt(i) == '>') {
            i++;
            if (i < n && raw.charAt(i) == ' ') {
                i++;
            }
        }
        return i == 0 ? raw : raw.substring(i);
    }

    private static boolean isBlank(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (!Character.isWhitespace(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** A record being read: its prefix, event name and payload so far, and the raw lines it spans. */
    private static final class Pending {
        final RecordPrefix prefix;
        final long firstLine;
        final List<String> rawLines = new ArrayList<>(2);
        EventName event;
        String payload = "";
        boolean lastRawEndsWithSpace;

        Pending(RecordPrefix prefix, long firstLine, String raw) {
            this.prefix = prefix;
            this.firstLine = firstLine;
            this.rawLines.add(raw);
            this.lastRawEndsWithSpace = raw.endsWith(" ");
        }

        void setEvent(EventName name, String text) {
            if (event != null) {
                throw new IllegalStateException("event already set");
            }
            event = name;
            payload = text.substring(name.payloadStart());
        }

        void appendPayload(String raw, String text) {
            String more = text.strip();
            payload = payload.isBlank() ? more : payload.stripTrailing() + " " + more;
            rawLines.add(raw);
            lastRawEndsWithSpace = raw.endsWith(" ");
        }
    }
}
