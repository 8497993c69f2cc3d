package io.smtreplay.ingest.parse;

import io.smtreplay.trace.Isa;
import io.smtreplay.trace.NestedEntry;
import io.smtreplay.trace.TraceEvent;
import java.util.Map;

/**
 * The print formats of the KVM tracepoints the model reads, one handler per family, accepting
 * every kernel era (OLD ≤ 5.9, MID, NEW) and libtraceevent's plugin text
 * (../shared/model/kvm-tracepoint-formats.md). Other kvm/kvmmmu tracepoints are kept as raw payload.
 *
 * <p>Handlers are strict about tokens (an unknown word is MALFORMED) but accept fields an author
 * elided, and report INCOMPLETE when the text stops where a known format goes on: that is how
 * the parser decides whether a wrapped continuation line belongs to the record.
 */
final class PayloadGrammar {

    private PayloadGrammar() {
    }

    static PayloadOutcome parse(String event, String payload, TraceEvent.Builder b, IsaInference isa) {
        return switch (event) {
            case "kvm_exit", "kvm_nested_vmexit", "kvm_nested_vmexit_inject" -> exitLike(payload, b, isa);
            case "kvm_entry" -> entry(payload, b);
            case "kvm_nested_vmenter", "kvm_nested_vmrun" -> nestedEntry(event, payload, b, isa);
            case "kvm_nested_intr_vmexit" -> ripOnly(payload, b);
            case "kvm_userspace_exit" -> userspaceExit(payload);
            case "kvm_page_fault" -> pageFault(payload, b);
            default -> payload.isEmpty() ? PayloadOutcome.incomplete("no payload") : PayloadOutcome.PARSED;
        };
    }

    /** Fields after the reason in kvm_exit-like events: key → number of values. */
    private static final Map<String, Integer> EXIT_KEYS = Map.ofEntries(
            Map.entry("rip", 1), Map.entry("rip:", 1), Map.entry("info", 2),
            Map.entry("info1", 1), Map.entry("info2", 1), Map.entry("intr_info", 1), Map.entry("error_code", 1),
            Map.entry("ext_inf1:", 1), Map.entry("ext_inf2:", 1), Map.entry("ext_int:", 1), Map.entry("ext_int_err:", 1),
            Map.entry("int_info", 1), Map.entry("int_info_err", 1));

    /**
     * kvm_exit, kvm_nested_vmexit and kvm_nested_vmexit_inject in all their prints:
     * <pre>
     * NEW/MID kernel: vcpu N reason R[ FAILED_VMENTRY] rip 0x.. info1 0x.. info2 0x.. intr_info 0x.. error_code 0x..
     * OLD kernel:     reason R rip 0x.. info A B        (2019 variant: vcpu N reason ...; 2.6 era: no info)
     * plugin:         reason R rip 0x.. info A B        (hex without 0x)
     * old nested:     rip: 0x.. reason: R ext_inf1: 0x.. ext_inf2: 0x.. ext_int: 0x.. ext_int_err: 0x..
     * plugin nested:  rip H reason R info1 H info2 H int_info H int_info_err H
     * inject:         reason: R ext_inf1: ... | reason R info1 H info2 H int_info H int_info_err H
     * </pre>
     * Old plugins print {@code CAN'T FIND FIELD "rip"<CANT FIND FIELD exit_code>} before the
     * kernel's own text for fields that moved in 5.10; the markers are dropped.
     */
    private static PayloadOutcome exitLike(String payload, TraceEvent.Builder b, IsaInference isa) {
        Tokens t = Tokens.of(withoutMissingFieldMarkers(payload));
        if (!t.hasNext()) {
            return PayloadOutcome.incomplete("no payload");
        }
        if (t.peek().equals("rip") || t.peek().equals("rip:")) {
            t.take();
            if (!t.hasNext()) {
                return PayloadOutcome.incomplete("rip without value");
            }
            Long rip = Tokens.hex(t.take());
            if (rip == null) {
                return PayloadOutcome.malformed("rip is not a hex number");
            }
            b.guestRip(rip);
        }
        if (t.hasNext() && t.peek().equals("vcpu")) {
            t.take();
            if (!t.hasNext()) {
                return PayloadOutcome.incomplete("vcpu without value");
            }
            int vcpu = Tokens.decimal(t.take());
            if (vcpu < 0) {
                return PayloadOutcome.malformed("vcpu is not a number");
            }
            b.vcpu(vcpu);
        }
        if (!t.hasNext()) {
            return PayloadOutcome.incomplete("no reason");
        }
        String key = t.take();
        if (!key.equals("reason") && !key.equals("reason:")) {
            return PayloadOutcome.malformed("expected 'reason', found '" + key + "'");
        }
        java.util.List<String> words = new java.util.ArrayList<>(4);
        while (t.hasNext() && !EXIT_KEYS.containsKey(t.peek())) {
            words.add(t.take());
        }
        if (words.isEmpty()) {
            return PayloadOutcome.incomplete("reason without name");
        }
        // a reason is one word unless more words name a known reason ("GP excp", "X FAILED_VMENTRY",
        // "UNKNOWN (74)"): words that follow are not part of the format (an author's note, say)
        int used = 1;
        for (int k = words.size(); k > 1; k--) {
            if (isa.isKnown(String.join(" ", words.subList(0, k)))) {
                used = k;
                break;
            }
        }
        if (used < words.size()) {
            return PayloadOutcome.malformed("unexpected '" + words.get(used) + "' after the reason");
        }
        String reason = String.join(" ", words);
        b.reason(isa.resolve(reason));
        while (t.hasNext()) {
            String field = t.take();
            int values = EXIT_KEYS.getOrDefault(field, 0);
            if (values == 0) {
                return PayloadOutcome.malformed("unexpected '" + field + "'");
            }
            if (t.remaining() < values) {
                return PayloadOutcome.incomplete(field + " without value");
            }
            Long first = Tokens.hex(t.take());
            Long second = values == 2 ? Tokens.hex(t.take()) : null;
            if (first == null || (values == 2 && second == null)) {
                return PayloadOutcome.malformed(field + " is not hex");
            }
            switch (field) {
                case "rip", "rip:" -> b.guestRip(first);
                case "info" -> b.info1(first).info2(second);
                case "info1", "ext_inf1:" -> b.info1(first);
                case "info2", "ext_inf2:" -> b.info2(first);
                case "intr_info", "ext_int:", "int_info" -> b.intrInfo(first);
                default -> b.errorCode(first); // error_code, ext_int_err:, int_info_err
            }
        }
        return PayloadOutcome.PARSED;
    }

    /** {@code vcpu N} (≤ 5.9), {@code vcpu N, rip 0x..} (5.10+), {@code ...[immediate exit]} (6.x). */
    private static PayloadOutcome entry(String payload, TraceEvent.Builder b) {
        Tokens t = Tokens.of(payload);
        if (!t.hasNext()) {
            return PayloadOutcome.incomplete("no payload");
        }
        if (!t.take().equals("vcpu")) {
            return PayloadOutcome.malformed("expected 'vcpu'");
        }
        if (!t.hasNext()) {
            return PayloadOutcome.incomplete("vcpu without value");
        }
        int vcpu = Tokens.decimal(t.take());
        if (vcpu < 0) {
            return PayloadOutcome.malformed("vcpu is not a number");
        }
        b.vcpu(vcpu);
        if (!t.hasNext()) {
            return PayloadOutcome.PARSED;
        }
        if (!t.take().equals("rip")) {
            return PayloadOutcome.malformed("expected 'rip'");
        }
        if (!t.hasNext()) {
            return PayloadOutcome.incomplete("rip without value");
        }
        String rip = t.take();
        int bracket = rip.indexOf('[');
        Long value = Tokens.hex(bracket < 0 ? rip : rip.substring(0, bracket));
        if (value == null) {
            return PayloadOutcome.malformed("rip is not hex");
        }
        b.guestRip(value);
        if (bracket >= 0 || t.hasNext()) {
            String rest = (bracket >= 0 ? rip.substring(bracket) : "") + (t.hasNext() ? " " + t.take() : "");
            if (t.hasNext() || !rest.strip().equals("[immediate exit]")) {
                return rest.equals("[immediate") ? PayloadOutcome.incomplete("cut in [immediate exit]")
                        : PayloadOutcome.malformed("unexpected '" + rest.strip() + "'");
            }
        }
        return PayloadOutcome.PARSED;
    }

    /**
     * {@code kvm_nested_vmrun} (SVM, ≤ 6.x): {@code rip: vmcb: nrip: int_ctl: event_inj: npt: on|off};
     * {@code kvm_nested_vmenter} (VMX and SVM): {@code rip: vmcs|vmcb: nested_rip: int_ctl: event_inj:
     * nested_ept|nested_npt=y|n guest_cr3|nested_eptp|nested_cr3: 0x..}.
     */
    private static PayloadOutcome nestedEntry(String event, String payload, TraceEvent.Builder b, IsaInference isa) {
        Tokens t = Tokens.of(payload);
        Long rip = null;
        Long vmcb = null;
        Long nestedRip = null;
        Long intCtl = null;
        Long eventInj = null;
        Boolean tdp = null;
        Long pgd = null;
        while (t.hasNext()) {
            String key = t.take();
            if (key.startsWith("nested_npt=") || key.startsWith("nested_ept=")) {
                isa.learn(key.startsWith("nested_npt") ? Isa.SVM : Isa.VMX);
                tdp = key.endsWith("=y");
                if (!key.endsWith("=y") && !key.endsWith("=n")) {
                    return PayloadOutcome.malformed("bad " + key);
                }
                continue;
            }
            if (!t.hasNext()) {
                return PayloadOutcome.incomplete(key + " without value");
            }
            String value = t.take();
            if (key.equals("npt:")) {
                isa.learn(Isa.SVM);
                if (!value.equals("on") && !value.equals("off")) {
                    return PayloadOutcome.malformed("npt is neither on nor off");
                }
                tdp = value.equals("on");
                continue;
            }
            Long number = Tokens.hex(value);
            if (number == null) {
                return PayloadOutcome.malformed(key + " is not hex");
            }
            switch (key) {
                case "rip:" -> rip = number;
                case "vmcb:", "vmcs:" -> {
                    vmcb = number;
                    if (event.equals("kvm_nested_vmenter")) {
                        isa.learn(key.equals("vmcs:") ? Isa.VMX : Isa.SVM);
                    }
                }
                case "nested_rip:", "nrip:" -> nestedRip = number;
                case "int_ctl:" -> intCtl = number;
                case "event_inj:" -> eventInj = number;
                case "guest_cr3:", "nested_cr3:", "nested_eptp:" -> pgd = number;
                default -> {
                    return PayloadOutcome.malformed("unexpected '" + key + "'");
                }
            }
        }
        if (event.equals("kvm_nested_vmrun")) {
            isa.learn(Isa.SVM);
        }
        boolean needsPgd = event.equals("kvm_nested_vmenter");
        if (rip == null || vmcb == null || nestedRip == null || intCtl == null || eventInj == null || tdp == null
                || (needsPgd && pgd == null)) {
            return PayloadOutcome.incomplete("fields missing");
        }
        b.guestRip(rip).nestedEntry(new NestedEntry(rip, vmcb, nestedRip, intCtl, eventInj, tdp, pgd));
        return PayloadOutcome.PARSED;
    }

    private static PayloadOutcome ripOnly(String payload, TraceEvent.Builder b) {
        Tokens t = Tokens.of(payload);
        if (!t.hasNext()) {
            return PayloadOutcome.incomplete("no payload");
        }
        if (!t.take().equals("rip:")) {
            return PayloadOutcome.malformed("expected 'rip:'");
        }
        if (!t.hasNext()) {
            return PayloadOutcome.incomplete("rip without value");
        }
        Long rip = Tokens.hex(t.take());
        if (rip == null || t.hasNext()) {
            return PayloadOutcome.malformed("expected one hex rip");
        }
        b.guestRip(rip);
        return PayloadOutcome.PARSED;
    }

    /** {@code reason KVM_EXIT_IO (2)}, {@code reason restart (4)}, {@code reason error (14)}. */
    private static PayloadOutcome userspaceExit(String payload) {
        Tokens t = Tokens.of(payload);
        if (!t.hasNext()) {
            return PayloadOutcome.incomplete("no payload");
        }
        if (!t.take().equals("reason")) {
            return PayloadOutcome.malformed("expected 'reason'");
        }
        if (!t.hasNext()) {
            return PayloadOutcome.incomplete("reason without name");
        }
        t.take();
        if (!t.hasNext()) {
            return PayloadOutcome.incomplete("reason without code");
        }
        String code = t.take();
        if (t.hasNext() || code.length() < 3 || code.charAt(0) != '(' || code.charAt(code.length() - 1) != ')'
                || Tokens.decimal(code.substring(1, code.length() - 1)) < 0) {
            return PayloadOutcome.malformed("expected '(code)' after the reason");
        }
        return PayloadOutcome.PARSED;
    }

    /** {@code address H error_code H} (≤ 6.x) or {@code vcpu N rip 0x.. address 0x.. error_code 0x..}. */
    private static PayloadOutcome pageFault(String payload, TraceEvent.Builder b) {
        Tokens t = Tokens.of(payload);
        boolean address = false;
        boolean errorCode = false;
        if (!t.hasNext()) {
            return PayloadOutcome.incomplete("no payload");
        }
        while (t.hasNext()) {
            String key = t.take();
            if (!key.equals("vcpu") && !key.equals("rip") && !key.equals("address") && !key.equals("error_code")) {
                return PayloadOutcome.malformed("unexpected '" + key + "'");
            }
            if (!t.hasNext()) {
                return PayloadOutcome.incomplete(key + " without value");
            }
            String value = t.take();
            if (key.equals("vcpu")) {
                int vcpu = Tokens.decimal(value);
                if (vcpu < 0) {
                    return PayloadOutcome.malformed("vcpu is not a number");
                }
                b.vcpu(vcpu);
                continue;
            }
            Long number = Tokens.hex(value);
            if (number == null) {
                return PayloadOutcome.malformed(key + " is not hex");
            }
            switch (key) {
                case "rip" -> b.guestRip(number);
                case "address" -> { address = true; b.info2(number); }
                default -> { errorCode = true; b.errorCode(number); }
            }
        }
        return address && errorCode ? PayloadOutcome.PARSED : PayloadOutcome.incomplete("fields missing");
    }

    /** Drops libtraceevent's {@code CAN'T FIND FIELD "rip"} and {@code <CANT FIND FIELD exit_code>} markers. */
    static String withoutMissingFieldMarkers(String payload) {
        if (payload.indexOf("FIND FIELD") < 0) {
            return payload;
        }
        String s = payload.replaceAll("CAN'T FIND FIELD \"[^\"]*\"", " ");
        return s.replaceAll("<CANT FIND FIELD [^>]*>", " ");
    }
}
