package io.smtreplay.ingest.parse;

/**
 * A String as bytes for the byte-level scanners, one byte per char: ASCII chars as themselves,
 * every other char as {@code 0xFF}, which no scanner treats as part of a shape (digits, blanks,
 * brackets, names are all ASCII). Indices in the bytes are indices in the String, so the slow path
 * (lines that are not plain ASCII) runs the same scanners as the fast one.
 */
final class AsciiText {
    private AsciiText() {
    }

    static byte[] bytes(String s) {
        int n = s.length();
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            b[i] = c < 0x80 ? (byte) c : (byte) 0xFF;
        }
        return b;
    }
}
