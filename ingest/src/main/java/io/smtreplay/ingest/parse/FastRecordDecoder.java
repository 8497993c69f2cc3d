package io.smtreplay.ingest.parse;

import io.smtreplay.trace.EventKind;
import io.smtreplay.trace.ExitReason;
import io.smtreplay.trace.Isa;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The common record, decoded from the read buffer in place: a plain-ASCII line with a tool's
 * prefix, a kvm tracepoint and a payload that is whole by its print format. Field names are
 * matched as bytes, numbers parsed from the bytes, the reason looked up by its bytes once the
 * source's ISA is known; no String is made. Anything else (a wrapped or partial record, a quoted
 * line, an unknown ISA, a field that does not parse, a reason of several words, a repeated field
 * name) is declined, and the caller reads the line on the slow path
 * ({@link TraceLineParser#accept(String)}), which is the authority: this decoder gives exactly
 * what that path would give, or nothing (pinned by the differential test).
 */
final class FastRecordDecoder {
    private static final int MAX_TOKENS = 64;

    /** What the decoder knows of a tracepoint name. */
    private record Tracepoint(String name, EventKind kind, boolean kvmByName, byte[] lastFieldKey, int lastFieldValues) {
    }

    private static final ByteKeyMap<Integer> EXIT_KEYS = new ByteKeyMap<>(64);
    private static final String[] EXIT_KEY_NAMES = {"vcpu", "reason", "rip", "info", "info1", "info2", "intr_info",
        "error_code", "ext_inf1", "ext_inf2", "ext_int", "ext_int_err", "int_info", "int_info_err"};
    private static final int VCPU = 0;
    private static final int REASON = 1;
    private static final int RIP = 2;
    private static final int INFO = 3;
    private static final int INFO1 = 4;
    private static final int INFO2 = 5;
    private static final int INTR_INFO = 6;
    private static final int ERROR_CODE = 7;
    private static final int EXT_INF1 = 8;
    private static final int EXT_INF2 = 9;
    private static final int EXT_INT = 10;
    private static final int EXT_INT_ERR = 11;
    private static final int INT_INFO = 12;
    private static final int INT_INFO_ERR = 13;
    private static final ByteKeyMap<Boolean> GENERIC_KEYS = new ByteKeyMap<>(256);
    private static final ByteKeyMap<Integer> NESTED_KEYS = new ByteKeyMap<>(64);
    private static final String[] NESTED_KEY_NAMES = {"rip", "vmcb", "vmcs", "nrip", "nested_rip", "int_ctl",
        "event_inj", "npt", "guest_cr3", "nested_eptp", "nested_cr3"};
    private static final int N_RIP = 0;
    private static final int N_VMCB = 1;
    private static final int N_VMCS = 2;
    private static final int N_NRIP = 3;
    private static final int N_NESTED_RIP = 4;
    private static final int N_INT_CTL = 5;
    private static final int N_EVENT_INJ = 6;
    private static final int N_NPT = 7;
    private static final int N_GUEST_CR3 = 8;
    private static final int N_NESTED_EPTP = 9;
    private static final int N_NESTED_CR3 = 10;

    static {
        for (int i = 0; i < EXIT_KEY_NAMES.length; i++) {
            EXIT_KEYS.put(EXIT_KEY_NAMES[i], i);
        }
        for (int i = 0; i < NESTED_KEY_NAMES.length; i++) {
            NESTED_KEYS.put(NESTED_KEY_NAMES[i], i);
        }
        for (String k : GenericKvmHandler.KEYS) {
            GENERIC_KEYS.put(k, Boolean.TRUE);
        }
    }

    private final IsaContext isa;
    private final PrefixRecognizer.PrefixScan prefix = new PrefixRecognizer.PrefixScan();
    private final EventName.Scan name = new EventName.Scan();
    private final ByteKeyMap<Tracepoint> tracepoints = new ByteKeyMap<>(1024);
    private final Map<Isa, ByteKeyMap<ExitReason>> reasons = new EnumMap<>(Isa.class);
    private final int[] tokenStart = new int[MAX_TOKENS];
    private final int[] tokenEnd = new int[MAX_TOKENS];
    private final int[] groupStart = new int[Math.max(EXIT_KEY_NAMES.length, NESTED_KEY_NAMES.length)];
    private final int[] groupEnd = new int[groupStart.length];
    /** A nested entry's rip, vmcb, nested rip, int_ctl, event_inj and guest pgd, as parsed. */
    private final long[] nestedValues = new long[6];
    private int tokens;
    private byte[] b;

    /** The tool that printed the last decoded record, and whether its event name was padded. */
    io.smtreplay.trace.TraceFormat format;
    boolean padded;

    FastRecordDecoder(IsaContext isa) {
        this.isa = isa;
    }

    /**
     * Recognizes a tool's record prefix on the line {@code buf[from, to)} (plain ASCII, tabs
     * allowed, no other control character). A line with a prefix never continues an open record.
     */
    boolean recognizePrefix(byte[] buf, int from, int to) {
        b = buf;
        return to > from && buf[from] != '>' && PrefixRecognizer.recognize(buf, from, to, prefix);
    }

    /**
     * Decodes the rest of the line {@link #recognizePrefix} recognized; false when the line must
     * take the slow path.
     */
    boolean decode(int to, EventView view) {
        byte[] buf = b;
        if (prefix.timestampOutOfRange || !EventName.scan(buf, prefix.eventStart, to, name)) {
            return false;
        }
        if (name.systemStart >= 0 && !isKvmSystem(name.systemStart, name.systemEnd)) {
            return false;
        }
        Tracepoint tp = tracepoint(name.nameStart, name.nameEnd);
        if (name.systemStart < 0 && !tp.kvmByName()) {
            return false;
        }
        if (!tokenize(name.payloadStart, to)) {
            return false;
        }
        view.reset(buf);
        view.payloadStart = tokens == 0 ? name.payloadStart : tokenStart[0];
        view.payloadEnd = tokens == 0 ? name.payloadStart : tokenEnd[tokens - 1];
        boolean ok = switch (tp.kind()) {
            case EXIT, NESTED_VMEXIT, NESTED_VMEXIT_INJECT -> exitLike(view);
            case ENTRY -> entry(view);
            case USERSPACE_EXIT -> userspaceExit(view);
            case NESTED_VMENTER -> nestedEntry(view);
            default -> generic(tp, view);
        };
        if (!ok) {
            return false;
        }
        view.tracepoint = tp.name();
        view.kind = tp.kind();
        view.timestampNs = prefix.timestampNs;
        view.tid = prefix.tid;
        view.pcpu = prefix.pcpu;
        view.commStart = prefix.commStart;
        view.commEnd = prefix.commEnd;
        format = prefix.format;
        padded = name.padded;
        return true;
    }

    private boolean isKvmSystem(int from, int to) {
        int n = to - from;
        return (n == 3 || n == 6) && b[from] == 'k' && b[from + 1] == 'v' && b[from + 2] == 'm'
                && (n == 3 || (b[from + 3] == 'm' && b[from + 4] == 'm' && b[from + 5] == 'u'));
    }

    private Tracepoint tracepoint(int from, int to) {
        Tracepoint tp = tracepoints.get(b, from, to);
        if (tp == null) {
            String n = new String(b, from, to - from, java.nio.charset.StandardCharsets.ISO_8859_1);
            Map.Entry<String, Integer> last = GenericKvmHandler.lastField(n);
            tp = new Tracepoint(n, EventKind.ofTracepoint(n), KvmTracepoints.isKvm(null, n),
                    last == null ? null : last.getKey().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
                    last == null ? 0 : last.getValue());
            tracepoints.put(b, from, to, tp);
        }
        return tp;
    }

    private boolean tokenize(int from, int to) {
        int n = 0;
        int i = from;
        while (true) {
            while (i < to && PrefixRecognizer.isBlank(b[i])) {
                i++;
            }
            if (i >= to) {
                break;
            }
            if (n == MAX_TOKENS) {
                return false;
            }
            tokenStart[n] = i;
            while (i < to && !PrefixRecognizer.isBlank(b[i])) {
                i++;
            }
            tokenEnd[n++] = i;
        }
        tokens = n;
        return true;
    }

    /** The token's end without one trailing colon: where a field name would end. */
    private int keyEnd(int t) {
        int e = tokenEnd[t];
        return e > tokenStart[t] && b[e - 1] == ':' ? e - 1 : e;
    }

    private boolean tokenIs(int t, String text) {
        return bytesAre(tokenStart[t], tokenEnd[t], text);
    }

    /** {@code kvm_exit}, {@code kvm_nested_vmexit}, {@code kvm_nested_vmexit_inject}: see {@link ExitLikeHandler}. */
    private boolean exitLike(EventView view) {
        if (tokens == 0 || !withoutCantFindField() || !groupExitFields()) {
            return false;
        }
        // complete by the format, else the record may go on on the next line
        boolean lastIsKey = EXIT_KEYS.get(b, tokenStart[tokens - 1], keyEnd(tokens - 1)) != null;
        if (lastIsKey || values(REASON) != 1 || isa.current() == Isa.UNKNOWN) {
            return false;
        }
        boolean complete;
        if (has(VCPU) || has(INTR_INFO)) {
            complete = values(ERROR_CODE) > 0;
        } else if (has(EXT_INF1)) {
            complete = values(EXT_INT_ERR) > 0;
        } else if (has(INFO1) || has(INT_INFO)) {
            complete = values(INT_INFO_ERR) > 0;
        } else if (has(INFO)) {
            complete = values(INFO) >= 2;
        } else {
            complete = true;
        }
        if (!complete) {
            return false;
        }
        ExitReason reason = reason(groupStart[REASON]);
        if (values(VCPU) > 0) {
            int v = decimal(groupStart[VCPU]);
            if (v < 0) {
                return false;
            }
            view.vcpu = v;
        }
        view.reason = reason;
        view.isa = isa.current();
        return hex(RIP, 0, EventView.GUEST_RIP, view)
                && firstHex(EventView.INFO1, view, INFO1, EXT_INF1, INFO, 0)
                && firstHex(EventView.INFO2, view, INFO2, EXT_INF2, INFO, 1)
                && firstHex(EventView.INTR_INFO, view, INTR_INFO, EXT_INT, INT_INFO, 0)
                && firstHex(EventView.ERROR_CODE, view, ERROR_CODE, EXT_INT_ERR, INT_INFO_ERR, 0);
    }

    private static final String CANT_FIND_QUOTED = "CAN'T FIND FIELD \"";
    private static final String CANT_FIND_ANGLED = "<CANT FIND FIELD ";

    /**
     * Drops libtraceevent's {@code CAN'T FIND FIELD "rip"} and {@code <CANT FIND FIELD exit_code>}
     * markers (an old plugin on a 5.10+ kernel) from the front of the payload, as
     * {@link ExitLikeHandler#withoutCantFindField} does: the tokens start after them. False (slow
     * path) for any shape but markers of plain field names at the front and none after.
     */
    private boolean withoutCantFindField() {
        byte first = b[tokenStart[0]];
        if (!(first == 'C' && tokenStartsWith(0, "CAN'T") || first == '<' && tokenStartsWith(0, "<CANT"))) {
            return true;
        }
        int to = tokenEnd[tokens - 1];
        int i = tokenStart[0];
        while (true) {
            int close;
            if (startsWith(i, to, CANT_FIND_QUOTED)) {
                close = fieldNameEnd(i + CANT_FIND_QUOTED.length(), to);
                if (close >= to || b[close] != '"') {
                    return false;
                }
            } else if (startsWith(i, to, CANT_FIND_ANGLED)) {
                close = fieldNameEnd(i + CANT_FIND_ANGLED.length(), to);
                if (close >= to || b[close] != '>') {
                    return false;
                }
            } else {
                break;
            }
            i = close + 1;
            int next = PrefixRecognizer.skipSpaces(b, i, to);
            if (startsWith(next, to, CANT_FIND_QUOTED) || startsWith(next, to, CANT_FIND_ANGLED)) {
                i = next;
            }
        }
        tokenize(i, to);
        for (int t = 0; t < tokens; t++) {
            for (int k = tokenStart[t]; k < tokenEnd[t]; k++) {
                if (b[k] == '\'' || b[k] == '"' || b[k] == '<' || b[k] == '>') {
                    return false;
                }
            }
        }
        return tokens > 0;
    }

    private int fieldNameEnd(int i, int to) {
        while (i < to && (b[i] == '_' || PrefixRecognizer.isDigit(b[i]) || (b[i] | 0x20) >= 'a' && (b[i] | 0x20) <= 'z')) {
            i++;
        }
        return i;
    }

    private boolean startsWith(int i, int to, String text) {
        if (to - i < text.length()) {
            return false;
        }
        for (int k = 0; k < text.length(); k++) {
            if (b[i + k] != text.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private boolean groupExitFields() {
        return groupFields(EXIT_KEYS);
    }

    /** Groups the tokens by field name (see {@link PayloadFields}); false on a repeated name. */
    private boolean groupFields(ByteKeyMap<Integer> keys) {
        java.util.Arrays.fill(groupStart, -1);
        int open = -1;
        for (int t = 0; t < tokens; t++) {
            if (PrefixRecognizer.isDigit(b[tokenStart[t]])) {
                continue; // a number, the most common value, is never a field name: no lookup
            }
            Integer k = keys.get(b, tokenStart[t], keyEnd(t));
            if (k != null) {
                if (groupStart[k] >= 0) {
                    return false;
                }
                if (open >= 0) {
                    groupEnd[open] = t;
                }
                groupStart[k] = t + 1;
                open = k;
            }
        }
        if (open >= 0) {
            groupEnd[open] = tokens;
        }
        return true;
    }

    private boolean tokenStartsWith(int t, String text) {
        return startsWith(tokenStart[t], tokenEnd[t], text);
    }

    private boolean has(int key) {
        return groupStart[key] >= 0;
    }

    private int values(int key) {
        return groupStart[key] < 0 ? -1 : groupEnd[key] - groupStart[key];
    }

    /** The reason of one word under the source's (known) ISA, resolved once per name and ISA. */
    private ExitReason reason(int t) {
        ByteKeyMap<ExitReason> byName = reasons.computeIfAbsent(isa.current(), k -> new ByteKeyMap<>(4096));
        ExitReason r = byName.get(b, tokenStart[t], tokenEnd[t]);
        if (r == null) {
            String word = new String(b, tokenStart[t], tokenEnd[t] - tokenStart[t], java.nio.charset.StandardCharsets.ISO_8859_1);
            r = ExitLikeHandler.reason(List.of(word), isa);
            byName.put(b, tokenStart[t], tokenEnd[t], r);
        }
        return r;
    }

    private static final int ABSENT = 0;
    private static final int PARSED = 1;
    private static final int MALFORMED = -1;
    private long hexValue;

    /** Hex of value {@code index} of field {@code key} into {@link #hexValue}: PARSED, ABSENT or MALFORMED. */
    private int hex(int key, int index) {
        if (values(key) <= index) {
            return ABSENT;
        }
        return parseHex(groupStart[key] + index) ? PARSED : MALFORMED;
    }

    private boolean hex(int key, int index, int which, EventView view) {
        int r = hex(key, index);
        if (r == PARSED) {
            view.number(which, hexValue);
        }
        return r != MALFORMED;
    }

    /**
     * The first printed of three fields into {@code which}; every one printed is parsed (a
     * malformed one declines the line even after an earlier one, as the slow path refuses it).
     */
    private boolean firstHex(int which, EventView view, int a, int c, int d, int dIndex) {
        boolean set = false;
        for (int i = 0; i < 3; i++) {
            // no array of the three keys: it was allocated per call, four times per exit
            int r = hex(i == 0 ? a : i == 1 ? c : d, i == 2 ? dIndex : 0);
            if (r == MALFORMED) {
                return false;
            }
            if (r == PARSED && !set) {
                view.number(which, hexValue);
                set = true;
            }
        }
        return true;
    }

    /** {@link PayloadFields#hex} of token {@code t} into {@link #hexValue}: one trailing comma, optional 0x, 1 to 16 hex digits. */
    private boolean parseHex(int t) {
        return parseHex(tokenStart[t], tokenEnd[t]);
    }

    private boolean parseHex(int s, int e) {
        if (b[e - 1] == ',') {
            e--;
        }
        if (e - s >= 2 && b[s] == '0' && (b[s + 1] == 'x' || b[s + 1] == 'X')) {
            s += 2;
        }
        if (e <= s || e - s > 16) {
            return false;
        }
        long v = 0;
        for (int i = s; i < e; i++) {
            int d = hexDigit(b[i]);
            if (d < 0) {
                return false;
            }
            v = (v << 4) | d;
        }
        hexValue = v;
        return true;
    }

    private static int hexDigit(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** {@link PayloadFields#decimal} for plain digits (trailing commas and colons dropped); -1 for anything else. */
    private int decimal(int t) {
        int s = tokenStart[t];
        int e = tokenEnd[t];
        while (e > s && (b[e - 1] == ',' || b[e - 1] == ':')) {
            e--;
        }
        if (e == s || e - s > 9) {
            return -1;
        }
        int v = 0;
        for (int i = s; i < e; i++) {
            if (!PrefixRecognizer.isDigit(b[i])) {
                return -1;
            }
            v = v * 10 + (b[i] - '0');
        }
        return v;
    }

    /** {@code kvm_entry}: see {@link EntryHandler}. */
    private boolean entry(EventView view) {
        int vcpu = -1;
        int rip = -1;
        for (int t = 0; t < tokens; t++) {
            if (tokenKeyIs(t, "vcpu")) {
                if (vcpu >= 0) {
                    return false;
                }
                vcpu = t;
            } else if (tokenKeyIs(t, "rip")) {
                if (rip >= 0) {
                    return false;
                }
                rip = t;
            }
        }
        // complete: vcpu has a value (the token after it is no key) and the last token is no key
        if (vcpu < 0 || vcpu + 1 >= tokens || vcpu + 1 == rip || rip == tokens - 1) {
            return false;
        }
        int v = decimal(vcpu + 1);
        if (v < 0) {
            return false;
        }
        view.vcpu = v;
        if (rip >= 0 && rip + 1 != vcpu) {
            int s = tokenStart[rip + 1];
            int e = tokenEnd[rip + 1];
            for (int i = s + 1; i < e; i++) {
                if (b[i] == '[') {
                    e = i;
                    break;
                }
            }
            if (!parseHex(s, e)) {
                return false;
            }
            view.number(EventView.GUEST_RIP, hexValue);
        }
        view.isa = isa.current();
        return true;
    }

    private boolean tokenKeyIs(int t, String key) {
        return bytesAre(tokenStart[t], keyEnd(t), key);
    }

    private boolean bytesAre(int s, int e, String text) {
        return e - s == text.length() && startsWith(s, e, text);
    }

    /**
     * {@code kvm_nested_vmenter} and {@code kvm_nested_vmrun}: see {@link NestedEntryHandler}, whose
     * rules this follows (complete when a last field has a value; the {@code nested_ept=}/{@code
     * nested_npt=} flag and {@code vmcs}/{@code vmcb} teach the ISA). Declines what that handler
     * would refuse (a field missing or not hex), so the refusal keeps its slow-path wording.
     */
    private boolean nestedEntry(EventView view) {
        if (tokens == 0 || !groupFields(NESTED_KEYS)
                || NESTED_KEYS.get(b, tokenStart[tokens - 1], keyEnd(tokens - 1)) != null) {
            return false;
        }
        if (values(N_NPT) <= 0 && values(N_GUEST_CR3) <= 0 && values(N_NESTED_EPTP) <= 0 && values(N_NESTED_CR3) <= 0) {
            return false; // not complete by the format: the record may go on on the next line
        }
        int vmcb = values(N_VMCS) > 0 ? N_VMCS : N_VMCB;
        int nestedRip = values(N_NESTED_RIP) > 0 ? N_NESTED_RIP : N_NRIP;
        int pgd = values(N_NESTED_EPTP) > 0 ? N_NESTED_EPTP : values(N_NESTED_CR3) > 0 ? N_NESTED_CR3 : N_GUEST_CR3;
        if (values(N_RIP) <= 0 || values(vmcb) <= 0 || values(nestedRip) <= 0 || values(N_INT_CTL) <= 0
                || values(N_EVENT_INJ) <= 0) {
            return false;
        }
        boolean tdp = values(N_NPT) > 0 && tokenIs(groupStart[N_NPT], "on");
        Isa learnt = Isa.UNKNOWN;
        for (int t = 0; t < tokens; t++) {
            boolean ept = tokenStartsWith(t, "nested_ept=");
            if (ept || tokenStartsWith(t, "nested_npt=")) {
                tdp = b[tokenEnd[t] - 2] == '=' && b[tokenEnd[t] - 1] == 'y';
                if (learnt == Isa.UNKNOWN) {
                    learnt = ept ? Isa.VMX : Isa.SVM;
                }
            }
        }
        if (!firstValueHex(N_RIP, 0) || !firstValueHex(vmcb, 1) || !firstValueHex(nestedRip, 2)
                || !firstValueHex(N_INT_CTL, 3) || !firstValueHex(N_EVENT_INJ, 4)) {
            return false;
        }
        boolean hasPgd = values(pgd) > 0;
        if (hasPgd && !firstValueHex(pgd, 5)) {
            return false;
        }
        long[] v = nestedValues;
        view.number(EventView.GUEST_RIP, v[0]);
        view.nestedEntry(v[1], v[2], v[3], v[4], tdp, hasPgd, v[5]);
        // the ISA is learnt only once the line is sure to be decoded here (a declined line teaches it on the slow path)
        isa.learn(learnt);
        isa.learn(has(N_VMCS) ? Isa.VMX : has(N_VMCB) ? Isa.SVM : Isa.UNKNOWN);
        view.isa = isa.current();
        return true;
    }

    /** The first value of field {@code key} as hex into {@code nestedValues[slot]}; false when it is no hex number. */
    private boolean firstValueHex(int key, int slot) {
        if (!parseHex(groupStart[key])) {
            return false;
        }
        nestedValues[slot] = hexValue;
        return true;
    }

    /** {@code kvm_userspace_exit}: see {@link UserspaceExitHandler}. */
    private boolean userspaceExit(EventView view) {
        if (tokens == 0 || b[tokenStart[tokens - 1]] != '(' || b[tokenEnd[tokens - 1] - 1] != ')') {
            return false;
        }
        for (int t = 0; t < tokens - 1; t++) {
            if (tokenKeyIs(t, "reason")) {
                view.isa = isa.current();
                return true;
            }
        }
        return false;
    }

    /** Every other kvm tracepoint: see {@link GenericKvmHandler}. */
    private boolean generic(Tracepoint tp, EventView view) {
        if (tokens == 0) {
            return false;
        }
        int last = tokens - 1;
        byte lastByte = b[tokenEnd[last] - 1];
        if (lastByte == ':' || lastByte == '=' || GENERIC_KEYS.get(b, tokenStart[last], keyEnd(last)) != null) {
            return false;
        }
        if (tp.lastFieldKey() != null && !lastFieldComplete(tp)) {
            return false;
        }
        if (tokens >= 2 && (tokenIs(0, "vcpu") || tokenIs(0, "vcpu_id"))) {
            int v = decimal(1);
            if (v < 0) {
                return false; // a sign, a non-number: the slow path decides
            }
            view.vcpu = v;
        }
        if (tp.kind() == EventKind.NESTED_INTR_VMEXIT && tokens >= 2 && tokenIs(0, "rip:")) {
            if (!parseHex(1)) {
                return false;
            }
            view.number(EventView.GUEST_RIP, hexValue);
        }
        view.isa = isa.current();
        return true;
    }

    private boolean lastFieldComplete(Tracepoint tp) {
        String key = new String(tp.lastFieldKey(), java.nio.charset.StandardCharsets.ISO_8859_1);
        int at = -1;
        for (int t = 0; t < tokens && at < 0; t++) {
            if (tokenKeyIs(t, key)) {
                at = t;
            }
        }
        if (tp.name().equals("kvm_cpuid")) {
            if (at >= 0) {
                return true;
            }
            for (int t = 0; t < tokens; t++) {
                if (tokenIs(t, "func")) {
                    return false;
                }
            }
            return true;
        }
        return at >= 0 && tokens - at - 1 >= tp.lastFieldValues();
    }
}
