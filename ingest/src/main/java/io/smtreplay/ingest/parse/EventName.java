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
        int n = line.length();
        int i = PrefixRecognizer.skipSpaces(line, from);
        int nameStart = i;
        i = identEnd(line, i);
        if (i == nameStart || i >= n || line.charAt(i) != ':') {
            return null;
        }
        String system = null;
        String name = line.substring(nameStart, i);
        int afterColon = i + 1;
        if (afterColon < n && !PrefixRecognizer.isBlank(line.charAt(afterColon))) {
            // "system:name:"
            int j = identEnd(line, afterColon);
            if (j == afterColon || j >= n || line.charAt(j) != ':') {
                return null;
            }
            system = name;
            name = line.substring(afterColon, j);
            afterColon = j + 1;
            if (afterColon < n && !PrefixRecognizer.isBlank(line.charAt(afterColon))) {
                return null;
            }
        }
        int payload = PrefixRecognizer.skipSpaces(line, afterColon);
        return new EventName(system, name, payload, payload - afterColon >= 2);
    }

    private static int identEnd(String line, int i) {
        int n = line.length();
        while (i < n) {
            char c = line.charAt(i);
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
}
