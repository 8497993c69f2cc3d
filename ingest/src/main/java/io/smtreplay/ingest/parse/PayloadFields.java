package io.smtreplay.ingest.parse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A payload split into {@code key value...} groups: every token that is one of the format's keys
 * (with or without a trailing colon) starts a group, the tokens up to the next key are its values.
 * Tolerant on purpose: fields an author elided are simply absent.
 */
final class PayloadFields {
    private final Map<String, List<String>> values = new HashMap<>();
    private final String lastToken;
    private final boolean lastIsKey;

    private PayloadFields(String lastToken, boolean lastIsKey) {
        this.lastToken = lastToken;
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
        PayloadFields f = new PayloadFields(tokens.length == 0 ? null : tokens[tokens.length - 1],
                tokens.length > 0 && keys.contains(normalizeKey(tokens[tokens.length - 1])));
        List<String> current = null;
        for (String token : tokens) {
            String key = normalizeKey(token);
            if (keys.contains(key) && !f.values.containsKey(key)) {
                current = new ArrayList<>(2);
                f.values.put(key, current);
            } else if (current != null) {
                current.add(token);
            }
        }
        return f;
    }

    static String normalizeKey(String token) {
        return token.endsWith(":") ? token.substring(0, token.length() - 1) : token;
    }

    boolean has(String key) {
        return values.containsKey(key);
    }

    boolean hasValue(String key) {
        List<String> v = values.get(key);
        return v != null && !v.isEmpty();
    }

    List<String> get(String key) {
        return values.getOrDefault(key, List.of());
    }

    String first(String key) {
        List<String> v = values.get(key);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    boolean lastIsKey() {
        return lastIsKey;
    }

    String lastToken() {
        return lastToken;
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
