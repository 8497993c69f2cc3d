package io.smtreplay.trace;

/**
 * The instruction-set extension a kvm_exit came from. The numeric values are the kernel's
 * {@code KVM_ISA_VMX}/{@code KVM_ISA_SVM}, the {@code isa} field of kvm_exit and friends.
 */
public enum Isa {
    UNKNOWN(0),
    VMX(1),
    SVM(2);

    private final int kernelValue;

    Isa(int kernelValue) {
        this.kernelValue = kernelValue;
    }

    public int kernelValue() {
        return kernelValue;
    }

    /** values() copies its array on every call; this is read per decoded record. */
    private static final Isa[] VALUES = values();

    public static Isa fromKernelValue(int value) {
        for (Isa isa : VALUES) {
            if (isa.kernelValue == value) {
                return isa;
            }
        }
        return UNKNOWN;
    }
}
