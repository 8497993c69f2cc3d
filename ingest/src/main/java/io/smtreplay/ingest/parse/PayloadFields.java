package io.smtreplay.ingest.parse;

import io.smtreplay.trace.RefusalReason;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * A payload split into {@code key value...} groups: every token that is one of the format's keys
 * (with or without a trailing colon) starts a group, the tokens up to the next key are its values.
 * Tolerant on purpose: fields an author elided are simply absent.
 */
final class PayloadFields {
    /** Keys found, in order; for key i its values are tokens[valueStart[i] .. valueEnd[i]). Linear search: formats have few fields. */
    private final String[] tokens;
    private final String[] foundKeys;
    private final int[] valueStart;
    private final int[] valueEnd;
    private int found;
    private final boolean lastIsKey;

    private PayloadFields(String[] tokens, boolean lastIsKey) {
        this.tokens = tokens;
        this.foundKeys = new String[tokens.length];
        this.valueStart = new int[tokens.length];
        this.valueEnd = new int[tokens.length];
        this.lastIsKey = lastIsKey;
    }

    private static final String[] NO_TOKENS = new String[0];

    /** Splits on blanks (space, tab); by hand, as this runs for every event. */
    static String[] tokens(String payload) {
        int n = payload.length();
        int count = 0;
        for (int i = 0; i < n; ) {
            while (i < n && PrefixRecognizer.isBlank(payload.charAt(i))) {
                i++;
            }
            if (i < n) {
                count++;
            }
            while (i < n && !PrefixRecognizer.isBlank(payload.charAt(i))) {
                i++;
            }
        }
        if (count == 0) {
            return NO_TOKENS;
        }
        String[] tokens = new String[count];
        int k = 0;
        for (int i = 0; i < n; ) {
            while (i < n && PrefixRecognizer.isBlank(payload.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !PrefixRecognizer.isBlank(payload.charAt(i))) {
                i++;
            }
            if (i > start) {
                tokens[k++] = payload.substring(start, i);
            }
        }
        return tokens;
    }

    static PayloadFields of(String[] tokens, Set<String> keys) {
        PayloadFields f = new PayloadFields(tokens,
                tokens.length > 0 && keys.contains(normalizeKey(tokens[tokens.length - 1])));
        for (int i = 0; i < tokens.length; i++) {
            String key = normalizeKey(tokens[i]);
            if (keys.contains(key) && f.indexOf(key) < 0) {
                if (f.found > 0) {
                    f.valueEnd[f.found - 1] = i;
                }
                f.foundKeys[f.found] = key;
                f.valueStart[f.found] = i + 1;
                f.found++;
            }
        }
        if (f.found > 0) {
            f.valueEnd[f.found - 1] = tokens.length;
        }
        return f;
    }

    private int indexOf(String key) {
        for (int i = 0; i < found; i++) {
            if (foundKeys[i].equals(key)) {
                return i;
            }
        }
        return -1;
    }

    static String normalizeKey(String token) {
        return token.endsWith(":") ? token.substring(0, token.length() - 1) : token;
    }

    boolean has(String key) {
        return indexOf(key) >= 0;
    }

    boolean hasValue(String key) {
        int i = indexOf(key);
        return i >= 0 && valueEnd[i] > valueStart[i];
    }

    List<String> get(String key) {
        int i = indexOf(key);
        return i < 0 ? List.of() : Arrays.asList(tokens).subList(valueStart[i], valueEnd[i]);
    }

    String first(String key) {
        int i = indexOf(key);
        return i < 0 || valueEnd[i] == valueStart[i] ? null : tokens[valueStart[i]];
    }

    /**
     * The other form of fields, the kernel's {@code key=value} tokens ({@code sched_*}'s
     * TP_printk): the leading digits of the first token that starts with {@code key=}, "" when it
     * has none, null when no token does.
     */
    static String assignedDigits(String[] tokens, int from, String key) {
        String prefix = key + "=";
        for (int i = from; i < tokens.length; i++) {
            if (tokens[i].startsWith(prefix)) {
                int end = prefix.length();
                while (end < tokens[i].length() && Character.isDigit(tokens[i].charAt(end))) {
                    end++;
                }
                return tokens[i].substring(prefix.length(), end);
            }
        }
        return null;
    }

    boolean lastIsKey() {
        return lastIsKey;
    }

    /** Hex with or without {@code 0x} (the kernel prints {@code 0x%llx}, libtraceevent's plugin {@code %llx}). */
    static Long hex(String text, String field) throws MalformedPayloadException {
        if (text == null) {
            return null;
        }
        int end = text.endsWith(",") ? text.length() - 1 : text.length();
        int start = text.startsWith("0x") || text.startsWith("0X") ? 2 : 0;
        if (end <= start || end - start > 16) {
            throw new MalformedPayloadException(RefusalReason.MALFORMED_KVM_EVENT, field + " is not a hex number: " + text);
        }
        long v = 0;
        for (int i = start; i < end; i++) {
            int d = Character.digit(text.charAt(i), 16);
            if (d < 0) {
                throw new MalformedPayloadException(RefusalReason.MALFORMED_KVM_EVENT, field + " is not a hex number: " + text);
            }
            v = (v << 4) | d;
        }
        return v;
    }

    static int decimal(String text, String field) throws MalformedPayloadException {
        String t = text;
        while (!t.isEmpty() && (t.endsWith(",") || t.endsWith(":"))) {
            t = t.substring(0, t.length() - 1);
        }
        try {
            return Integer.parseInt(t);
        } catch (NumberFormatException e) {
            throw new MalformedPayloadException(RefusalReason.MALFORMED_KVM_EVENT, field + " is not a number: " + text);
        }
    }
}
