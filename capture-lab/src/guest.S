/*
 * Guest payloads run by tinyvmm, in 32-bit protected mode with flat segments whose base is the
 * vCPU's own region of guest memory. Every address below is an offset inside that region, so one
 * copy of this code serves every vCPU; physical addresses (for VMRUN and inside the VMCB) are
 * region base + offset and are prepared by the VMM in the parameter block.
 *
 * The same loop body runs as a single-level guest (under L0 directly) and as L2 (under our own
 * L1 hypervisor below): the exits it causes are identical, only who handles them differs.
 * Layout constants are shared with tinyvmm.c through layout.h.
 */
#include "layout.h"

        .section .rodata
        .code32
        .globl guest_payload_start, guest_payload_end, guest_loop_entry, guest_l1_entry
        .globl guest_doorbell_entry, guest_msi_handler, guest_timer_handler
guest_payload_start:

/*
 * The workload loop. In: eax = 0 when run by L0 directly, 1 when run as L2.
 * esi counts iterations, edi holds the operation mask, ebp the level; cpuid and wrmsr clobber the
 * others.
 */
guest_loop_entry:
        mov     %eax, %ebp
        mov     PARAM_ITERATIONS, %esi
        mov     PARAM_OPS, %edi
        test    %esi, %esi
        jz      loop_done
loop_top:
        test    $OP_CPUID, %edi
        jz      1f
        xor     %eax, %eax
        cpuid
1:      test    $OP_IO, %edi
        jz      1f
        mov     $0x5a, %al
        out     %al, $PORT_WORK
1:      test    $OP_MMIO, %edi
        jz      1f
        movl    %esi, MMIO_OFFSET
1:      test    $OP_MSR, %edi
        jz      1f
        /* arm a TSC-deadline timer far in the future, as a guest kernel does on every tick */
        rdtsc
        add     $0x10000000, %eax
        adc     $0, %edx
        mov     $MSR_TSC_DEADLINE, %ecx
        wrmsr
1:      test    $OP_HLT, %edi
        jz      1f
        hlt
1:      dec     %esi
        jnz     loop_top
loop_done:
        xor     %eax, %eax              /* not the TSC read last: keep the done write deterministic */
        test    %ebp, %ebp
        jnz     1f
        out     %al, $PORT_DONE         /* single level: tell the VMM we are done */
        hlt
        jmp     loop_done
1:      vmmcall                         /* as L2: tell our L1 we are done */
        jmp     loop_done

/*
 * L1: a minimal SVM hypervisor. It enables SVM, optionally tries one VMRUN on an invalid VMCB
 * (ASID 0), then runs L2 on a nested page table that leaves L2's MMIO window unmapped, and handles
 * each #VMEXIT by skipping the trapped instruction (no NRIPS under emulation, so it knows the
 * lengths) until L2 says it is done with VMMCALL.
 */
guest_l1_entry:
        mov     $MSR_VM_HSAVE_PA, %ecx
        mov     PARAM_HSAVE_PA, %eax
        xor     %edx, %edx
        wrmsr
        mov     $MSR_EFER, %ecx
        rdmsr
        or      $EFER_SVME, %eax
        wrmsr

        testl   $FLAG_FAILED_ENTRY, PARAM_FLAGS
        jz      1f
        mov     PARAM_BAD_VMCB_PA, %eax
        vmrun
        cmpl    $VMEXIT_INVALID, BAD_VMCB_OFFSET + VMCB_EXITCODE
        je      1f
        mov     BAD_VMCB_OFFSET + VMCB_EXITCODE, %eax
        mov     %eax, PARAM_STATUS
        out     %al, $PORT_FAIL
        hlt
1:      testl   $FLAG_RUN_L2, PARAM_FLAGS
        jz      l1_done
l1_run:
        mov     PARAM_VMCB_PA, %eax
        vmrun
        mov     VMCB_OFFSET + VMCB_EXITCODE, %eax
        cmp     $SVM_EXIT_CPUID, %eax
        je      skip2
        cmp     $SVM_EXIT_IOIO, %eax
        je      skip2
        cmp     $SVM_EXIT_MSR, %eax
        je      skip2
        cmp     $SVM_EXIT_HLT, %eax
        je      skip1
        cmp     $SVM_EXIT_NPF, %eax
        je      skip_mmio
        cmp     $SVM_EXIT_VMMCALL, %eax
        je      l1_done
        mov     %eax, PARAM_STATUS      /* an exit we did not ask for: report it */
        out     %al, $PORT_FAIL
        hlt
skip2:  addl    $2, VMCB_OFFSET + VMCB_RIP
        jmp     l1_run
skip1:  addl    $1, VMCB_OFFSET + VMCB_RIP
        jmp     l1_run
skip_mmio:                              /* a device model would decode and emulate the write */
        addl    $MMIO_INSN_LENGTH, VMCB_OFFSET + VMCB_RIP
        jmp     l1_run
l1_done:
        xor     %eax, %eax
        out     %al, $PORT_DONE
        hlt
        jmp     l1_done

/*
 * The doorbell workload, a guest with interrupts under a VMM that has an in-kernel irqchip (run as
 * L2 when that VMM runs inside a KVM guest). Each iteration rings a doorbell port, which the VMM's
 * vCPU thread hands to its I/O thread, and halts until the I/O thread's MSI arrives; then it arms
 * the x2APIC TSC-deadline timer and halts until that fires. ebx counts MSIs awaited, edi timers.
 * Flat segments with base 0 (one vCPU): the GDT and IDT are at GDT_OFFSET and IDT_OFFSET.
 */
guest_doorbell_entry:
        mov     $MSR_APIC_BASE, %ecx
        rdmsr
        or      $APIC_BASE_ENABLE_X2, %eax
        wrmsr
        xor     %edx, %edx
        mov     $MSR_X2APIC_SVR, %ecx
        mov     $APIC_SVR_ENABLE, %eax
        wrmsr
        mov     $MSR_X2APIC_LVTT, %ecx
        mov     $(LVTT_TSC_DEADLINE | VECTOR_TIMER), %eax
        wrmsr
        mov     PARAM_ITERATIONS, %esi
        xor     %ebx, %ebx
        xor     %edi, %edi
        test    %esi, %esi
        jz      doorbell_done
doorbell_top:
        inc     %ebx
        mov     $0x5a, %al
        out     %al, $PORT_DOORBELL
1:      cli                             /* check, then sti; hlt: no wake-up lost in between */
        cmp     PARAM_MSI_IRQS, %ebx
        jbe     2f
        sti
        hlt
        jmp     1b
2:      sti
        inc     %edi
        rdtsc
        add     $TIMER_DELTA, %eax
        adc     $0, %edx
        mov     $MSR_TSC_DEADLINE, %ecx
        wrmsr
1:      cli
        cmp     PARAM_TIMER_IRQS, %edi
        jbe     2f
        sti
        hlt
        jmp     1b
2:      sti
        dec     %esi
        jnz     doorbell_top
doorbell_done:
        xor     %eax, %eax
        out     %al, $PORT_DONE
        hlt
        jmp     doorbell_done

/* interrupt handlers: count, end of interrupt through the x2APIC EOI MSR, return */
guest_msi_handler:
        push    %eax
        push    %ecx
        push    %edx
        incl    PARAM_MSI_IRQS
        jmp     eoi_return
guest_timer_handler:
        push    %eax
        push    %ecx
        push    %edx
        incl    PARAM_TIMER_IRQS
eoi_return:
        xor     %eax, %eax
        xor     %edx, %edx
        mov     $MSR_X2APIC_EOI, %ecx
        wrmsr
        pop     %edx
        pop     %ecx
        pop     %eax
        iret
guest_payload_end:

        .section .note.GNU-stack,"",@progbits
