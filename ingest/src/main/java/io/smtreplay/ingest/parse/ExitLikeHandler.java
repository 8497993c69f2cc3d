package io.smtreplay.ingest.parse;

import io.smtreplay.trace.RefusalReason;

import io.smtreplay.trace.ExitReason;
import io.smtreplay.trace.ExitReasons;
import io.smtreplay.trace.Isa;
import io.smtreplay.trace.TraceEvent;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code kvm_exit}, {@code kvm_nested_vmexit} and {@code kvm_nested_vmexit_inject}: the events
 * that carry an exit reason. Their print formats, all read here by field name:
 * <ul>
 *   <li>kernel, v5.10+: {@code vcpu N reason NAME[ FAILED_VMENTRY] rip 0x.. info1 0x.. info2 0x.. intr_info 0x.. error_code 0x..}</li>
 *   <li>kernel, older kvm_exit: {@code [vcpu N ]reason NAME rip 0x.. info A B}; 2.6-era: {@code reason apic_access rip 0x..}</li>
 *   <li>kernel, older kvm_nested_vmexit: {@code rip: 0x.. reason: NAME ext_inf1: .. ext_inf2: .. ext_int: .. ext_int_err: ..};
 *       kvm_nested_vmexit_inject the same without {@code rip:}</li>
 *   <li>libtraceevent plugin (trace-cmd, perf): {@code reason NAME rip 0x.. info A B},
 *       {@code [rip HEX ]reason NAME info1 HEX info2 HEX int_info HEX int_info_err HEX},
 *       {@code reason UNKNOWN (N)}; and an old plugin on a new kernel prefixes
 *       {@code CAN'T FIND FIELD "rip"<CANT FIND FIELD exit_code>} to the kernel's own text.</li>
 * </ul>
 * Hex values print with or without {@code 0x}; both are read as hex. The reason may be several
 * words ({@code GP excp}, {@code INVALID_STATE FAILED_VMENTRY}, {@code UNKNOWN (74)}).
 */
final class ExitLikeHandler implements TracepointHandler {

    private static final Set<String> KEYS = Set.of("vcpu", "reason", "rip", "info", "info1", "info2",
            "intr_info", "error_code", "ext_inf1", "ext_inf2", "ext_int", "ext_int_err", "int_info", "int_info_err");

    @Override
    public Set<String> keys() {
        return KEYS;
    }

    @Override
    public void decode(String[] tokens, TraceEvent.Builder event, IsaContext isa) throws MalformedPayloadException {
        PayloadFields f = PayloadFields.of(withoutCantFindField(tokens), KEYS);
        List<String> reasonWords = f.get("reason");
        if (reasonWords.isEmpty()) {
            throw new MalformedPayloadException(f.has("reason") || tokens.length == 0
                    ? RefusalReason.TRUNCATED : RefusalReason.MALFORMED_KVM_EVENT,
                    f.has("reason") ? "reason without a value" : "no exit reason");
        }
        if (isa.current() == Isa.UNKNOWN && (f.has("intr_info") || f.has("ext_inf1")) && isLowerCase(reasonWords.get(0))) {
            // a name both tables hold (hypercall, cpuid...) printed by a kernel format newer than
            // 2.6: the lower-case VMX names died with 2.6, lower case is SVM's kernel naming
            isa.learn(Isa.SVM);
        }
        event.reason(reason(reasonWords, isa));
        event.isa(isa.current());
        if (f.hasValue("vcpu")) {
            event.vcpu(PayloadFields.decimal(f.first("vcpu"), "vcpu"));
        }
        event.guestRip(PayloadFields.hex(f.first("rip"), "rip"));
        List<String> info = f.get("info");
        event.info1(firstNonNull(PayloadFields.hex(f.first("info1"), "info1"), PayloadFields.hex(f.first("ext_inf1"), "ext_inf1"),
                info.size() > 0 ? PayloadFields.hex(info.get(0), "info") : null));
        event.info2(firstNonNull(PayloadFields.hex(f.first("info2"), "info2"), PayloadFields.hex(f.first("ext_inf2"), "ext_inf2"),
                info.size() > 1 ? PayloadFields.hex(info.get(1), "info") : null));
        event.intrInfo(firstNonNull(PayloadFields.hex(f.first("intr_info"), "intr_info"),
                PayloadFields.hex(f.first("ext_int"), "ext_int"), PayloadFields.hex(f.first("int_info"), "int_info")));
        event.errorCode(firstNonNull(PayloadFields.hex(f.first("error_code"), "error_code"),
                PayloadFields.hex(f.first("ext_int_err"), "ext_int_err"), PayloadFields.hex(f.first("int_info_err"), "int_info_err")));
    }

    /** Resolves the printed reason under the source's ISA; a name in no table is kept, never dropped. */
    static ExitReason reason(List<String> words, IsaContext isa) {
        long flags = 0;
        int n = words.size();
        if (n > 1 && words.get(n - 1).equals("FAILED_VMENTRY")) {
            flags = ExitReason.VMX_FAILED_VMENTRY;
            n--;
        }
        String printed = String.join(" ", words.subList(0, n));
        if (n == 2 && words.get(0).equals("UNKNOWN") && words.get(1).startsWith("(") && words.get(1).endsWith(")")) {
            // libtraceevent's "reason UNKNOWN (74)": the decimal code
            printed = words.get(1).substring(1, words.get(1).length() - 1);
        }
        String name = printed;
        if (flags != 0) {
            isa.learn(Isa.VMX);
        }
        isa.learnFromReasonName(name);
        Optional<ExitReason> known = ExitReasons.byName(name, isa.current());
        ExitReason reason = known.orElseGet(() -> new ExitReason(isa.current(), -1, name, 0, false));
        if (reason.isa() != isa.current()) {
            // keep the reason and the event on one ISA (a name both ISAs print, read under the source's)
            reason = new ExitReason(isa.current(), reason.code(), reason.name(), reason.flags(), reason.known());
        }
        return flags == 0 ? reason : reason.withFlags(flags);
    }

    @Override
    public boolean complete(String[] tokens) {
        if (tokens.length == 0) {
            return false;
        }
        PayloadFields f = PayloadFields.of(withoutCantFindField(tokens), KEYS);
        if (f.lastIsKey() || !f.hasValue("reason")) {
            return false;
        }
        if (f.has("vcpu") || f.has("intr_info")) {
            return f.hasValue("error_code");
        }
        if (f.has("ext_inf1")) {
            return f.hasValue("ext_int_err");
        }
        if (f.has("info1") || f.has("int_info")) {
            return f.hasValue("int_info_err");
        }
        if (f.has("info")) {
            return f.get("info").size() >= 2;
        }
        return true;
    }

    /** Drops libtraceevent's {@code CAN'T FIND FIELD "rip"} and {@code <CANT FIND FIELD exit_code>} markers. */
    static String[] withoutCantFindField(String[] tokens) {
        if (tokens.length == 0 || !(tokens[0].startsWith("CAN'T") || tokens[0].startsWith("<CANT"))) {
            return tokens;
        }
        String joined = String.join(" ", tokens);
        String cleaned = joined.replaceAll("CAN'T FIND FIELD \"[^\"]*\"", " ").replaceAll("<CANT FIND FIELD [^>]*>", " ");
        return PayloadFields.tokens(cleaned);
    }

    private static boolean isLowerCase(String word) {
        return word.equals(word.toLowerCase(java.util.Locale.ROOT)) && !word.equals(word.toUpperCase(java.util.Locale.ROOT));
    }

    @SafeVarargs
    private static <T> T firstNonNull(T... values) {
        for (T v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
