package io.smtreplay.ingest.parse;

import java.util.ArrayList;
import java.util.List;

/** A payload split on white space, read front to back. */
final class Tokens {
    private final List<String> items;
    private int next;

    private Tokens(List<String> items) {
        this.items = items;
    }

    static Tokens of(String text) {
        List<String> items = new ArrayList<>(16);
        int n = text.length();
        int i = 0;
        while (i < n) {
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i > start) {
                items.add(text.substring(start, i));
            }
        }
        return new Tokens(items);
    }

    boolean hasNext() {
        return next < items.size();
    }

    String peek() {
        return items.get(next);
    }

    String take() {
        return items.get(next++);
    }

    int remaining() {
        return items.size() - next;
    }

    /** Parses a hex number printed with or without {@code 0x}; null if it is not one. */
    static Long hex(String token) {
        int start = token.startsWith("0x") || token.startsWith("0X") ? 2 : 0;
        int end = token.length();
        if (end > start && token.charAt(end - 1) == ',') {
            end--;
        }
        if (end <= start || end - start > 16) {
            return null;
        }
        long v = 0;
        for (int i = start; i < end; i++) {
            int d = Character.digit(token.charAt(i), 16);
            if (d < 0) {
                return null;
            }
            v = (v << 4) | d;
        }
        return v;
    }

    /** Parses a non-negative decimal, allowing a trailing comma ({@code vcpu 0, rip ...}); -1 if not one. */
    static int decimal(String token) {
        int end = token.length();
        if (end > 0 && token.charAt(end - 1) == ',') {
            end--;
        }
        if (end == 0 || end > 9) {
            return -1;
        }
        int v = 0;
        for (int i = 0; i < end; i++) {
            char c = token.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
