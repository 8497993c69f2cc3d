/*
 * Guest memory layout and constants shared by tinyvmm.c and guest.S (so: #defines only).
 * Each vCPU owns REGION_SIZE bytes of guest memory at vcpu_index * REGION_SIZE; its segments are
 * based there, so all offsets below are relative to that base.
 */
#ifndef CAPTURE_LAB_LAYOUT_H
#define CAPTURE_LAB_LAYOUT_H

#define REGION_SIZE          0x100000

/* parameter block, written by the VMM before the vCPU starts */
#define PARAM_ITERATIONS     0x00
#define PARAM_OPS            0x04
#define PARAM_FLAGS          0x08
#define PARAM_STATUS         0x0c
#define PARAM_VMCB_PA        0x10
#define PARAM_BAD_VMCB_PA    0x14
#define PARAM_HSAVE_PA       0x18
/* doorbell workload: interrupts L2 has taken, counted by its handlers */
#define PARAM_MSI_IRQS       0x1c
#define PARAM_TIMER_IRQS     0x20

#define CODE_OFFSET          0x1000
#define GDT_OFFSET           0x6000    /* doorbell workload: interrupt delivery and iret load CS */
#define IDT_OFFSET           0x6800    /* 256 gates */
#define PAGE_DIR_OFFSET      0x8000    /* L1 pages: KVM refuses VMRUN without paging */
#define NESTED_PAGE_DIR_OFFSET 0x9000  /* L1's nested page table for L2: MMIO left unmapped */
#define VMCB_OFFSET          0x10000
#define BAD_VMCB_OFFSET      0x11000
#define HSAVE_OFFSET         0x12000
#define IOPM_OFFSET          0x14000   /* 12 KiB */
#define MSRPM_OFFSET         0x18000   /* 8 KiB */
#define L1_STACK_TOP         0x20000
#define L2_STACK_TOP         0x30000
/* far above guest memory: every access exits as MMIO */
#define MMIO_OFFSET          0x0f000000

/* operations of the workload loop */
#define OP_CPUID             0x01
#define OP_IO                0x02
#define OP_MMIO              0x04
#define OP_MSR               0x08
#define OP_HLT               0x10

/* what L1 does */
#define FLAG_FAILED_ENTRY    0x01
#define FLAG_RUN_L2          0x02

/* ports the guests write to */
#define PORT_WORK            0x10
#define PORT_DOORBELL        0x18      /* doorbell workload, answered by an MSI from the I/O thread (not 0x20: the in-kernel PIC) */
#define PORT_DONE            0xe0
#define PORT_FAIL            0xe1

#define MSR_EFER             0xc0000080
#define MSR_VM_HSAVE_PA      0xc0010117
#define MSR_TSC_DEADLINE     0x6e0
#define MSR_APIC_BASE        0x1b
#define APIC_BASE_ENABLE_X2  0xc00     /* xAPIC global enable | x2APIC mode */
#define MSR_X2APIC_EOI       0x80b
#define MSR_X2APIC_SVR       0x80f
#define MSR_X2APIC_LVTT      0x832
#define APIC_SVR_ENABLE      0x1ff     /* software enable, spurious vector 0xff */
#define LVTT_TSC_DEADLINE    0x40000   /* timer mode bits 18:17 = 10b */
#define VECTOR_MSI           0x20
#define VECTOR_TIMER         0x21
/* doorbell workload: TSC cycles from arming the deadline to its interrupt (well after the hlt) */
#define TIMER_DELTA          0x200000
#define EFER_SVME            0x1000

/* VMCB offsets (AMD APM vol. 2, appendix B) */
#define VMCB_INTERCEPT_VEC3  0x00c
#define VMCB_INTERCEPT_VEC4  0x010
#define VMCB_IOPM_BASE_PA    0x040
#define VMCB_MSRPM_BASE_PA   0x048
#define VMCB_ASID            0x058
#define VMCB_EXITCODE        0x070
#define VMCB_NP_ENABLE       0x090
#define VMCB_N_CR3           0x0b0
#define VMCB_SAVE            0x400
#define VMCB_ES              0x400
#define VMCB_CS              0x410
#define VMCB_SS              0x420
#define VMCB_DS              0x430
#define VMCB_GDTR            0x460
#define VMCB_IDTR            0x480
#define VMCB_CPL             0x4cb
#define VMCB_EFER            0x4d0
#define VMCB_CR4             0x548
#define VMCB_CR3             0x550
#define VMCB_CR0             0x558
#define VMCB_DR7             0x560
#define VMCB_DR6             0x568
#define VMCB_RFLAGS          0x570
#define VMCB_RIP             0x578
#define VMCB_RSP             0x5d8
#define VMCB_RAX             0x5f8
#define VMCB_G_PAT           0x668

#define INTERCEPT3_CPUID     (1u << 18)
#define INTERCEPT3_HLT       (1u << 24)
#define INTERCEPT3_IOIO      (1u << 27)
#define INTERCEPT3_MSR       (1u << 28)
#define INTERCEPT4_VMRUN     (1u << 0)
#define INTERCEPT4_VMMCALL   (1u << 1)

#define SVM_EXIT_CPUID       0x72
#define SVM_EXIT_HLT         0x78
#define SVM_EXIT_IOIO        0x7b
#define SVM_EXIT_MSR         0x7c
#define SVM_EXIT_VMMCALL     0x81
#define SVM_EXIT_NPF         0x400
#define MMIO_INSN_LENGTH     6         /* movl %esi, MMIO_OFFSET */
#define VMEXIT_INVALID       0xffffffff

#endif
