package io.smtreplay.episode;

/** A virtualization level: L0 the host hypervisor, L1 the guest hypervisor, L2 the nested guest. */
public enum Level {
    L0,
    L1,
    L2
}
