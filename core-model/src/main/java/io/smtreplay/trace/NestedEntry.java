package io.smtreplay.trace;

/**
 * The fields of {@code kvm_nested_vmenter} (or the older {@code kvm_nested_vmrun}): L0 is about to
 * run L2 on L1's behalf. {@code vmcb} is the vmcb12/vmcs12 address; {@code tdpEnabled} is the
 * {@code nested_npt=}/{@code nested_ept=}/{@code npt: on} flag; {@code guestPgd} is null when the
 * format has none (old kvm_nested_vmrun).
 */
public record NestedEntry(long rip, long vmcb, long nestedRip, long intCtl, long eventInj,
                          boolean tdpEnabled, Long guestPgd) {
}
