package io.smtreplay.synth;

/** The host thread of one L1 vCPU as tools print it: QEMU names it {@code CPU n/KVM}. */
record VcpuThread(int index, int vcpuId, int tid, int pcpu, String comm) {
}
