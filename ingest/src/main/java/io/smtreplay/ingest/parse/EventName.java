package io.smtreplay.ingest.parse;

/**
 * {@code [system:]name:} at the start of an event's text, then the payload. {@code padded} is
 * true when the name is followed by two or more spaces: trace-cmd pads event names to a column.
 */
record EventName(String system, String name, int payloadStart, boolean padded) {

    /**
     * Reads {@code [system:]name:} at {@code from} (after spaces); null when the text there is not
     * of that form. The colon must be followed by a blank or the end of the line, which keeps
     * {@code rip:0x..}-like text and times ({@code 16:11:10}) out.
     */
    static EventName at(String line, int from) {
        Scan scan = new Scan();
        if (!scan(AsciiText.bytes(line), from, line.length(), scan)) {
            return null;
        }
        String system = scan.systemStart < 0 ? null : line.substring(scan.systemStart, scan.systemEnd);
        return new EventName(system, line.substring(scan.nameStart, scan.nameEnd), scan.payloadStart, scan.padded);
    }

    /** As {@link #at(String, int)}, on the line {@code b[..to)} from {@code from}, into {@code scan}. */
    static boolean scan(byte[] b, int from, int to, Scan scan) {
        int i = PrefixRecognizer.skipSpaces(b, from, to);
        int nameStart = i;
        i = identEnd(b, i, to);
        if (i == nameStart || i >= to || b[i] != ':') {
            return false;
        }
        scan.systemStart = -1;
        scan.systemEnd = -1;
        scan.nameStart = nameStart;
        scan.nameEnd = i;
        int afterColon = i + 1;
        if (afterColon < to && !PrefixRecognizer.isBlank(b[afterColon])) {
            // "system:name:"
            int j = identEnd(b, afterColon, to);
            if (j == afterColon || j >= to || b[j] != ':') {
                return false;
            }
            scan.systemStart = nameStart;
            scan.systemEnd = i;
            scan.nameStart = afterColon;
            scan.nameEnd = j;
            afterColon = j + 1;
            if (afterColon < to && !PrefixRecognizer.isBlank(b[afterColon])) {
                return false;
            }
        }
        int payload = PrefixRecognizer.skipSpaces(b, afterColon, to);
        scan.payloadStart = payload;
        scan.padded = payload - afterColon >= 2;
        return true;
    }

    private static int identEnd(byte[] b, int i, int to) {
        while (i < to) {
            byte c = b[i];
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '<' || c == '>') {
                i++;
            } else {
                break;
            }
        }
        return i;
    }

    boolean isKvm() {
        return KvmTracepoints.isKvm(system, name);
    }

    /** A kvm tracepoint or a sched wake-up/switch: read as an event. */
    boolean isModelled() {
        return KvmTracepoints.isModelled(system, name);
    }

    /** Where {@link #scan} found the parts: indices into the scanned bytes; {@code systemStart} -1 when none. */
    static final class Scan {
        int systemStart;
        int systemEnd;
        int nameStart;
        int nameEnd;
        int payloadStart;
        boolean padded;
    }
}
