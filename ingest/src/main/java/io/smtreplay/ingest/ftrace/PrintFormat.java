package io.smtreplay.ingest.ftrace;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a format's {@code print fmt:} says that the decoder uses: which argument each printf
 * conversion prints, so that a field the kernel prints in hex is rendered in hex, and whether the
 * text starts with the vCPU ({@code "vcpu %u ..."}), as the text parsers read it. It is not a
 * printf interpreter: symbolic names come from the typed fields, not from {@code __print_symbolic}.
 */
final class PrintFormat {
    private static final Pattern CONVERSION = Pattern.compile(
            "%[-+ #0]*(\\d+|\\*)?(?:\\.\\d+)?(?:hh|h|ll|l|z|j|t|L)?([diouxXcspn%])");
    private static final Pattern FIELD_ARG = Pattern.compile("REC->(\\w+)");
    /** A field, maybe shifted and cast: {@code REC->vec}, {@code (u8)REC->data}, {@code (u8)(REC->address >> 12)}. */
    private static final Pattern CAST_FIELD_ARG = Pattern.compile(
            "(?:\\(((?:__)?u(?:8|16|32|64)|unsigned (?:char|short|int|long long|long)|unsigned|int|long)\\)\\s*)?"
                    + "(\\()?\\s*REC->(\\w+)\\s*(?:>>\\s*(\\d+))?\\s*(\\))?");

    private final String text;
    private final List<Character> conversions = new ArrayList<>();
    private final List<String> args = new ArrayList<>();

    private PrintFormat(String text) {
        this.text = text;
    }

    static PrintFormat parse(String printFmt) {
        String fmt = printFmt.strip();
        if (!fmt.startsWith("\"")) {
            return new PrintFormat("");
        }
        int close = 1;
        while (close < fmt.length() && fmt.charAt(close) != '"') {
            close += fmt.charAt(close) == '\\' ? 2 : 1;
        }
        PrintFormat p = new PrintFormat(fmt.substring(1, Math.min(close, fmt.length())));
        Matcher m = CONVERSION.matcher(p.text);
        while (m.find()) {
            if (m.group(2).charAt(0) != '%') {
                p.conversions.add(m.group(2).charAt(0));
            }
        }
        if (close < fmt.length()) {
            p.args.addAll(topLevelArgs(fmt.substring(close + 1)));
        }
        return p;
    }

    /** Whether the conversion printing exactly {@code REC->field} is hexadecimal ({@code %x}, {@code %llx}, {@code %p}). */
    boolean printsInHex(String field) {
        for (int i = 0; i < args.size() && i < conversions.size(); i++) {
            Matcher m = FIELD_ARG.matcher(args.get(i));
            if (m.matches() && m.group(1).equals(field)) {
                char c = conversions.get(i);
                return c == 'x' || c == 'X' || c == 'p';
            }
        }
        return false;
    }

    /** The field printed first when the text starts {@code vcpu N} or {@code vcpu_id N}, else null. */
    String leadingVcpuField() {
        if (!(text.startsWith("vcpu %") || text.startsWith("vcpu_id %")) || args.isEmpty()) {
            return null;
        }
        Matcher m = FIELD_ARG.matcher(args.get(0));
        return m.matches() ? m.group(1) : null;
    }

    /**
     * The kernel's text compiled against the record's fields, as far as it prints plain fields:
     * up to the last conversion before the first that prints anything else (an expression, a
     * {@code __print_symbolic} name, a width; a field shifted or cast is plain):
     * {@code "apicid %x vec %u (%s|%s)"} renders {@code apicid 1 vec 236}. Enough for a reader of the leading values; not a printf interpreter.
     */
    Compiled compile(java.util.function.Function<String, FieldLayout> fieldByName) {
        List<byte[]> literals = new ArrayList<>();
        List<FieldLayout> fields = new ArrayList<>();
        StringBuilder conversionChars = new StringBuilder();
        List<Boolean> alternate = new ArrayList<>();
        List<Integer> shifts = new ArrayList<>();
        List<Long> masks = new ArrayList<>();
        Matcher m = CONVERSION.matcher(text);
        int at = 0;
        int arg = 0;
        while (m.find() && arg < args.size()) {
            char c = m.group(2).charAt(0);
            Matcher plain = CAST_FIELD_ARG.matcher(args.get(arg++));
            boolean balanced = plain.matches() && (plain.group(2) == null) == (plain.group(5) == null);
            FieldLayout f = balanced ? fieldByName.apply(plain.group(3)) : null;
            boolean simple = m.group().matches("%#?(hh|h|ll|l|z)?[diuxXps]");
            boolean shiftedOrCast = balanced && (plain.group(1) != null || plain.group(4) != null);
            if (f == null || !simple || (c == 's' ? !f.isText() || shiftedOrCast : !f.isNumber())) {
                break;
            }
            literals.add(text.substring(at, m.start()).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            fields.add(f);
            shifts.add(plain.group(4) == null ? 0 : Integer.parseInt(plain.group(4)));
            masks.add(castMask(plain.group(1)));
            conversionChars.append(c);
            alternate.add(m.group().startsWith("%#"));
            at = m.end();
        }
        boolean[] alt = new boolean[alternate.size()];
        for (int i = 0; i < alt.length; i++) {
            alt[i] = alternate.get(i);
        }
        return new Compiled(literals.toArray(new byte[0][]), fields.toArray(new FieldLayout[0]),
                conversionChars.toString().toCharArray(), alt, shifts.stream().mapToInt(Integer::intValue).toArray(),
                masks.stream().mapToLong(Long::longValue).toArray());
    }

    /** The bits a C cast keeps ({@code (u8)} 0xff), -1 without a cast. */
    private static long castMask(String type) {
        if (type == null) {
            return -1;
        }
        return switch (type.replace("__", "")) {
            case "u8", "unsigned char" -> 0xffL;
            case "u16", "unsigned short" -> 0xffffL;
            case "u32", "unsigned int", "unsigned", "int" -> 0xffff_ffffL;
            default -> -1;
        };
    }

    /**
     * A compiled prefix of the print format: literal i, then field i by conversion i, its value
     * shifted right by {@code shifts[i]} and cut to {@code masks[i]} (-1: as read).
     */
    static final class Compiled {
        final byte[][] literals;
        final FieldLayout[] fields;
        final char[] conversions;
        final boolean[] alternate;
        final int[] shifts;
        final long[] masks;

        Compiled(byte[][] literals, FieldLayout[] fields, char[] conversions, boolean[] alternate, int[] shifts,
                 long[] masks) {
            this.literals = literals;
            this.fields = fields;
            this.conversions = conversions;
            this.alternate = alternate;
            this.shifts = shifts;
            this.masks = masks;
        }
    }

    /** Whether a quoted name occurs among the arguments (a {@code __print_symbolic} table entry). */
    boolean mentions(String quotedName) {
        for (String a : args) {
            if (a.contains("\"" + quotedName + "\"")) {
                return true;
            }
        }
        return false;
    }

    /** Splits {@code , a, f(b, c), "x,y"} at the commas outside brackets and quotes. */
    private static List<String> topLevelArgs(String rest) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        boolean quoted = false;
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < rest.length(); i++) {
            char c = rest.charAt(i);
            if (quoted) {
                current.append(c);
                if (c == '\\' && i + 1 < rest.length()) {
                    current.append(rest.charAt(++i));
                } else if (c == '"') {
                    quoted = false;
                }
                continue;
            }
            switch (c) {
                case '"' -> { quoted = true; current.append(c); }
                case '(', '{', '[' -> { depth++; current.append(c); }
                case ')', '}', ']' -> { depth--; current.append(c); }
                case ',' -> {
                    if (depth == 0) {
                        if (!current.toString().isBlank()) {
                            out.add(current.toString().strip());
                        }
                        current.setLength(0);
                    } else {
                        current.append(c);
                    }
                }
                default -> current.append(c);
            }
        }
        if (!current.toString().isBlank()) {
            out.add(current.toString().strip());
        }
        return out;
    }
}
