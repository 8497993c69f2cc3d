/*
 * tinyvmm: the smallest VMM that makes the real kvm/kvm_amd modules emit their tracepoints.
 *
 *   tinyvmm --workload single|nested|failed|doorbell [--iterations N] [--ops cpuid,io,mmio,msr,hlt]
 *           [--vcpus M] [--timeout S] [--linger S]
 *
 * single: the workload loop runs directly under L0 (KVM).
 * nested: the loop runs as L2 under our own L1 hypervisor (guest.S), on L1's nested page table,
 *         so each of its cpuid, io, mmio (nested page fault), msr and hlt exits is reflected to
 *         L1; L0 handles the faults that fill its shadow of that table, and host interrupts.
 * failed: L1 issues one VMRUN on a VMCB with ASID 0, which KVM refuses (kvm_nested_vmenter_failed).
 * doorbell: a guest with interrupts on an in-kernel irqchip (x2APIC): it rings a doorbell port,
 *         which the vCPU thread hands to an I/O thread pinned to the other host CPU, which answers
 *         with an MSI (KVM_SIGNAL_MSI); then it waits for its TSC-deadline timer. One vCPU. Run
 *         inside a KVM guest (the kvm-on-kvm lab workload), it is L2 under a real Linux KVM L1.
 *
 * Each vCPU runs in its own thread on its own region of guest memory. On success it prints one
 * "vcpu=I key=value ..." line per vCPU with what userspace saw, and exits 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdatomic.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "layout.h"

extern const unsigned char guest_payload_start[], guest_payload_end[];
extern const unsigned char guest_loop_entry[], guest_l1_entry[];
extern const unsigned char guest_doorbell_entry[], guest_msi_handler[], guest_timer_handler[];

#define MAX_VCPUS 16

enum workload { WL_SINGLE, WL_NESTED, WL_FAILED, WL_DOORBELL };

struct vcpu {
    int index;
    int fd;
    struct kvm_run *run;
    uint8_t *region;
    /* what userspace saw */
    unsigned long io_work, mmio, hlt, doorbells, other;
    int failed;
    char error[160];
};

static int kvm_fd, vm_fd;
static uint8_t *guest_mem;
static size_t run_size;
static enum workload workload = WL_SINGLE;
static uint32_t iterations = 100, ops = OP_CPUID | OP_IO | OP_MMIO | OP_MSR | OP_HLT;
static int vcpu_count = 1;
/* seconds each vCPU thread stays after its guest is done (capture --agent: labels are read from /proc) */
static unsigned linger;
/* doorbell workload: the vCPU thread writes one byte per doorbell, the I/O thread answers each */
static int doorbell_pipe[2];
static atomic_ulong msis_sent;

static void die(const char *what)
{
    fprintf(stderr, "tinyvmm: %s: %s\n", what, strerror(errno));
    exit(2);
}

static void usage(const char *why)
{
    fprintf(stderr, "tinyvmm: %s\nusage: tinyvmm --workload single|nested|failed|doorbell [--iterations N] "
                    "[--ops cpuid,io,mmio,msr,hlt] [--vcpus M] [--timeout S] [--linger S]\n", why);
    exit(64);
}

static void on_alarm(int sig)
{
    (void)sig;
    static const char msg[] = "tinyvmm: timed out\n";
    if (write(2, msg, sizeof msg - 1) < 0) { /* nothing more to do */ }
    _exit(3);
}

static uint32_t parse_ops(const char *list)
{
    uint32_t mask = 0;
    char *copy = strdup(list), *save = NULL;
    for (char *op = strtok_r(copy, ",", &save); op; op = strtok_r(NULL, ",", &save)) {
        if (!strcmp(op, "cpuid")) mask |= OP_CPUID;
        else if (!strcmp(op, "io")) mask |= OP_IO;
        else if (!strcmp(op, "mmio")) mask |= OP_MMIO;
        else if (!strcmp(op, "msr")) mask |= OP_MSR;
        else if (!strcmp(op, "hlt")) mask |= OP_HLT;
        else usage("unknown operation in --ops");
    }
    free(copy);
    return mask;
}

static void put32(uint8_t *p, uint32_t off, uint32_t v) { memcpy(p + off, &v, 4); }
static void put64(uint8_t *p, uint32_t off, uint64_t v) { memcpy(p + off, &v, 8); }
static void put16(uint8_t *p, uint32_t off, uint16_t v) { memcpy(p + off, &v, 2); }

/* A VMCB segment: selector, attributes in the VMCB's packed form, limit, base. */
static void vmcb_segment(uint8_t *vmcb, uint32_t off, uint16_t sel, uint16_t attrib, uint64_t base)
{
    put16(vmcb, off, sel);
    put16(vmcb, off + 2, attrib);
    put32(vmcb, off + 4, 0xffffffff);
    put64(vmcb, off + 8, base);
}

/* L2's VMCB: flat 32-bit protected mode on the vCPU's region, intercepting the loop's exits. */
static void build_vmcb(uint8_t *vmcb, uint64_t base, uint32_t asid)
{
    memset(vmcb, 0, 4096);
    put32(vmcb, VMCB_INTERCEPT_VEC3, INTERCEPT3_CPUID | INTERCEPT3_HLT | INTERCEPT3_IOIO | INTERCEPT3_MSR);
    put32(vmcb, VMCB_INTERCEPT_VEC4, INTERCEPT4_VMRUN | INTERCEPT4_VMMCALL);
    put64(vmcb, VMCB_IOPM_BASE_PA, base + IOPM_OFFSET);
    put64(vmcb, VMCB_MSRPM_BASE_PA, base + MSRPM_OFFSET);
    put32(vmcb, VMCB_ASID, asid);
    /* L1 runs L2 on its own nested page table, so L2's MMIO faults are L1's to handle */
    put64(vmcb, VMCB_NP_ENABLE, 1);
    put64(vmcb, VMCB_N_CR3, base + NESTED_PAGE_DIR_OFFSET);
    vmcb_segment(vmcb, VMCB_CS, 0x08, 0xc9b, base);
    vmcb_segment(vmcb, VMCB_ES, 0x10, 0xc93, base);
    vmcb_segment(vmcb, VMCB_SS, 0x10, 0xc93, base);
    vmcb_segment(vmcb, VMCB_DS, 0x10, 0xc93, base);
    vmcb[VMCB_CPL] = 0;
    put64(vmcb, VMCB_EFER, EFER_SVME);
    put64(vmcb, VMCB_CR0, 0x11); /* PE | ET */
    put64(vmcb, VMCB_DR7, 0x400);
    put64(vmcb, VMCB_DR6, 0xffff0ff0);
    put64(vmcb, VMCB_RFLAGS, 0x2);
    put64(vmcb, VMCB_RIP, CODE_OFFSET + (uint32_t)(guest_loop_entry - guest_payload_start));
    put64(vmcb, VMCB_RSP, L2_STACK_TOP);
    put64(vmcb, VMCB_RAX, 1); /* tells the loop it runs as L2 */
    put64(vmcb, VMCB_G_PAT, 0x0007040600070406ULL);
}

static void prepare_region(struct vcpu *v)
{
    uint8_t *r = v->region;
    uint64_t base = (uint64_t)v->index * REGION_SIZE;
    memcpy(r + CODE_OFFSET, guest_payload_start, (size_t)(guest_payload_end - guest_payload_start));
    put32(r, PARAM_ITERATIONS, iterations);
    put32(r, PARAM_OPS, ops);
    put32(r, PARAM_FLAGS, workload == WL_NESTED ? FLAG_RUN_L2 : workload == WL_FAILED ? FLAG_FAILED_ENTRY : 0);
    put32(r, PARAM_VMCB_PA, (uint32_t)(base + VMCB_OFFSET));
    put32(r, PARAM_BAD_VMCB_PA, (uint32_t)(base + BAD_VMCB_OFFSET));
    put32(r, PARAM_HSAVE_PA, (uint32_t)(base + HSAVE_OFFSET));
    /* intercept every port and every MSR: L1 sees all of L2's I/O and MSR accesses */
    memset(r + IOPM_OFFSET, 0xff, 12 * 1024);
    memset(r + MSRPM_OFFSET, 0xff, 8 * 1024);
    build_vmcb(r + VMCB_OFFSET, base, 1);
    build_vmcb(r + BAD_VMCB_OFFSET, base, 0); /* ASID 0 is invalid: the failed nested entry */
    /* identity-map 4 GiB with 4 MiB pages (CR4.PSE): present, writable, user, large */
    for (uint32_t i = 0; i < 1024; i++) {
        put32(r, PAGE_DIR_OFFSET + 4 * i, (i << 22) | 0x87);
        put32(r, NESTED_PAGE_DIR_OFFSET + 4 * i, (i << 22) | 0x87);
    }
    /* L2's MMIO window is not in L1's nested page table: each access is a nested page fault */
    put32(r, NESTED_PAGE_DIR_OFFSET + 4 * (uint32_t)((base + MMIO_OFFSET) >> 22), 0);
}

/* A 32-bit interrupt gate to a handler of the payload, in code segment 0x08. */
static void idt_gate(uint8_t *r, int vector, const unsigned char *handler)
{
    uint32_t off = CODE_OFFSET + (uint32_t)(handler - guest_payload_start);
    uint8_t *g = r + IDT_OFFSET + 8 * vector;
    put16(g, 0, (uint16_t)off);
    put16(g, 2, 0x08);
    put16(g, 4, 0x8e00); /* present, DPL 0, 32-bit interrupt gate */
    put16(g, 6, (uint16_t)(off >> 16));
}

/* The doorbell guest takes interrupts: its GDT (flat code 0x08, data 0x10) and IDT. */
static void prepare_interrupts(uint8_t *r)
{
    put64(r, GDT_OFFSET + 0x08, 0x00cf9b000000ffffULL);
    put64(r, GDT_OFFSET + 0x10, 0x00cf93000000ffffULL);
    idt_gate(r, VECTOR_MSI, guest_msi_handler);
    idt_gate(r, VECTOR_TIMER, guest_timer_handler);
}

static void flat_segment(struct kvm_segment *s, uint16_t sel, uint8_t type, uint64_t base)
{
    memset(s, 0, sizeof *s);
    s->base = base;
    s->limit = 0xffffffff;
    s->selector = sel;
    s->type = type;
    s->present = 1;
    s->db = 1;
    s->s = 1;
    s->g = 1;
}

static void setup_vcpu(struct vcpu *v, struct kvm_cpuid2 *cpuid)
{
    v->fd = ioctl(vm_fd, KVM_CREATE_VCPU, v->index);
    if (v->fd < 0) die("KVM_CREATE_VCPU");
    /* the guest must see SVM in CPUID for KVM to let L1 set EFER.SVME */
    if (ioctl(v->fd, KVM_SET_CPUID2, cpuid) < 0) die("KVM_SET_CPUID2");
    v->run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
    if (v->run == MAP_FAILED) die("mmap kvm_run");

    uint64_t base = (uint64_t)v->index * REGION_SIZE;
    struct kvm_sregs sregs;
    if (ioctl(v->fd, KVM_GET_SREGS, &sregs) < 0) die("KVM_GET_SREGS");
    flat_segment(&sregs.cs, 0x08, 0xb, base);
    flat_segment(&sregs.ds, 0x10, 0x3, base);
    sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
    /* KVM's VMRUN raises #UD unless L1 has paging on: PE | ET | PG, 4 MiB pages */
    sregs.cr0 = 0x80000011;
    sregs.cr4 = 0x10;
    sregs.cr3 = base + PAGE_DIR_OFFSET;
    sregs.efer = 0;
    if (workload == WL_DOORBELL) {
        /* no paging needed; descriptor tables for interrupt delivery */
        sregs.cr0 = 0x11;
        sregs.cr4 = 0;
        sregs.gdt.base = GDT_OFFSET;
        sregs.gdt.limit = 0x17;
        sregs.idt.base = IDT_OFFSET;
        sregs.idt.limit = 256 * 8 - 1;
    }
    if (ioctl(v->fd, KVM_SET_SREGS, &sregs) < 0) die("KVM_SET_SREGS");

    struct kvm_regs regs;
    memset(&regs, 0, sizeof regs);
    regs.rflags = 0x2;
    regs.rsp = L1_STACK_TOP;
    const unsigned char *entry = workload == WL_SINGLE ? guest_loop_entry
                               : workload == WL_DOORBELL ? guest_doorbell_entry : guest_l1_entry;
    regs.rip = CODE_OFFSET + (uint64_t)(entry - guest_payload_start);
    regs.rax = 0;
    if (ioctl(v->fd, KVM_SET_REGS, &regs) < 0) die("KVM_SET_REGS");
}

static void *run_vcpu(void *arg)
{
    struct vcpu *v = arg;
    /* QEMU's name for a vCPU thread: the scheduler events' filter (as smtreplay agent sets it) keeps it */
    char name[16];
    snprintf(name, sizeof name, "CPU %d/KVM", v->index);
    pthread_setname_np(pthread_self(), name);
    for (;;) {
        if (ioctl(v->fd, KVM_RUN, 0) < 0) {
            if (errno == EINTR) continue;
            snprintf(v->error, sizeof v->error, "KVM_RUN: %s", strerror(errno));
            v->failed = 1;
            return NULL;
        }
        struct kvm_run *r = v->run;
        switch (r->exit_reason) {
        case KVM_EXIT_IO:
            if (r->io.port == PORT_DONE) {
                /* --linger: an agent labelling threads from /proc while it catches up still finds this one */
                if (linger) sleep(linger);
                return NULL;
            }
            if (r->io.port == PORT_FAIL) {
                uint32_t status;
                memcpy(&status, v->region + PARAM_STATUS, 4);
                snprintf(v->error, sizeof v->error, "guest reported unexpected exit code 0x%x", status);
                v->failed = 1;
                return NULL;
            }
            if (r->io.port == PORT_DOORBELL) {
                /* hand the doorbell to the I/O thread, as a VMM's device model does */
                char b = 1;
                if (write(doorbell_pipe[1], &b, 1) != 1) die("write doorbell");
                v->doorbells++;
                break;
            }
            v->io_work++;
            break;
        case KVM_EXIT_MMIO:
            if (!r->mmio.is_write) memset(r->mmio.data, 0, sizeof r->mmio.data);
            v->mmio++;
            break;
        case KVM_EXIT_HLT:
            v->hlt++;
            break;
        default:
            snprintf(v->error, sizeof v->error, "unexpected KVM exit reason %u (hardware reason 0x%llx)",
                     r->exit_reason, (unsigned long long)r->fail_entry.hardware_entry_failure_reason);
            v->failed = 1;
            return NULL;
        }
    }
}

/* The I/O thread: answers each doorbell with an MSI to vCPU 0 (fixed, edge, vector VECTOR_MSI). */
static void *io_thread(void *arg)
{
    (void)arg;
    pthread_setname_np(pthread_self(), "IO doorbell");
    char b;
    while (read(doorbell_pipe[0], &b, 1) == 1) {
        struct kvm_msi msi = { .address_lo = 0xfee00000, .data = VECTOR_MSI };
        if (ioctl(vm_fd, KVM_SIGNAL_MSI, &msi) < 0) die("KVM_SIGNAL_MSI");
        atomic_fetch_add(&msis_sent, 1);
    }
    return NULL;
}

/* x2APIC and the TSC-deadline timer are emulated by KVM's LAPIC; the guest must see them in CPUID. */
static void advertise_apic_features(struct kvm_cpuid2 *cpuid)
{
    for (uint32_t i = 0; i < cpuid->nent; i++) {
        if (cpuid->entries[i].function == 1) cpuid->entries[i].ecx |= (1u << 21) | (1u << 24);
    }
}

static pthread_t start_pinned(void *(*fn)(void *), void *arg, int cpu)
{
    long host_cpus = sysconf(_SC_NPROCESSORS_ONLN);
    cpu_set_t cpus;
    CPU_ZERO(&cpus);
    CPU_SET((int)(cpu % (host_cpus > 0 ? host_cpus : 1)), &cpus);
    pthread_attr_t attr;
    pthread_t thread;
    pthread_attr_init(&attr);
    if (pthread_attr_setaffinity_np(&attr, sizeof cpus, &cpus) != 0) die("pthread_attr_setaffinity_np");
    if (pthread_create(&thread, &attr, fn, arg) != 0) die("pthread_create");
    pthread_attr_destroy(&attr);
    return thread;
}

int main(int argc, char **argv)
{
    unsigned timeout = 120;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (i + 1 >= argc) usage("missing value");
        const char *val = argv[++i];
        if (!strcmp(a, "--workload")) {
            if (!strcmp(val, "single")) workload = WL_SINGLE;
            else if (!strcmp(val, "nested")) workload = WL_NESTED;
            else if (!strcmp(val, "failed")) workload = WL_FAILED;
            else if (!strcmp(val, "doorbell")) workload = WL_DOORBELL;
            else usage("unknown workload");
        } else if (!strcmp(a, "--iterations")) iterations = (uint32_t)strtoul(val, NULL, 0);
        else if (!strcmp(a, "--ops")) ops = parse_ops(val);
        else if (!strcmp(a, "--vcpus")) vcpu_count = atoi(val);
        else if (!strcmp(a, "--timeout")) timeout = (unsigned)atoi(val);
        else if (!strcmp(a, "--linger")) linger = (unsigned)atoi(val);
        else usage("unknown option");
    }
    if (vcpu_count < 1 || vcpu_count > MAX_VCPUS) usage("--vcpus out of range");
    if (workload == WL_DOORBELL && vcpu_count != 1) usage("the doorbell workload has one vCPU");
    signal(SIGALRM, on_alarm);
    alarm(timeout);

    kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm_fd < 0) die("open /dev/kvm");
    vm_fd = ioctl(kvm_fd, KVM_CREATE_VM, 0);
    if (vm_fd < 0) die("KVM_CREATE_VM");
    /* the doorbell guest's LAPIC, MSIs and timer live in the kernel: before any vCPU exists */
    if (workload == WL_DOORBELL && ioctl(vm_fd, KVM_CREATE_IRQCHIP, 0) < 0) die("KVM_CREATE_IRQCHIP");
    int size = ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (size < 0) die("KVM_GET_VCPU_MMAP_SIZE");
    run_size = (size_t)size;

    size_t mem_size = (size_t)vcpu_count * REGION_SIZE;
    guest_mem = mmap(NULL, mem_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (guest_mem == MAP_FAILED) die("mmap guest memory");
    struct kvm_userspace_memory_region slot = {
        .slot = 0, .guest_phys_addr = 0, .memory_size = mem_size, .userspace_addr = (uint64_t)guest_mem,
    };
    if (ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, &slot) < 0) die("KVM_SET_USER_MEMORY_REGION");

    struct kvm_cpuid2 *cpuid = calloc(1, sizeof *cpuid + 128 * sizeof(struct kvm_cpuid_entry2));
    cpuid->nent = 128;
    if (ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid) < 0) die("KVM_GET_SUPPORTED_CPUID");
    if (workload == WL_DOORBELL) advertise_apic_features(cpuid);

    struct vcpu vcpus[MAX_VCPUS];
    pthread_t threads[MAX_VCPUS];
    memset(vcpus, 0, sizeof vcpus);
    for (int i = 0; i < vcpu_count; i++) {
        vcpus[i].index = i;
        vcpus[i].region = guest_mem + (size_t)i * REGION_SIZE;
        prepare_region(&vcpus[i]);
        if (workload == WL_DOORBELL) prepare_interrupts(vcpus[i].region);
        setup_vcpu(&vcpus[i], cpuid);
    }
    /*
     * Pin vCPU i to host CPU i (mod CPUs), as VMMs usually do: a thread that migrates would have
     * its events stamped by two CPUs' clocks, which the emulated host does not keep in step.
     */
    /* the I/O thread on the next host CPU: its MSI wakes the vCPU from another CPU */
    pthread_t io = 0;
    if (workload == WL_DOORBELL) {
        if (pipe(doorbell_pipe) < 0) die("pipe");
        io = start_pinned(io_thread, NULL, 1);
    }
    for (int i = 0; i < vcpu_count; i++) threads[i] = start_pinned(run_vcpu, &vcpus[i], i);
    int failed = 0;
    for (int i = 0; i < vcpu_count; i++) {
        pthread_join(threads[i], NULL);
        struct vcpu *v = &vcpus[i];
        if (workload == WL_DOORBELL) {
            uint32_t msi_irqs, timer_irqs;
            memcpy(&msi_irqs, v->region + PARAM_MSI_IRQS, 4);
            memcpy(&timer_irqs, v->region + PARAM_TIMER_IRQS, 4);
            printf("vcpu=%d doorbells=%lu msis_sent=%lu msi_irqs=%u timer_irqs=%u status=%s\n", i, v->doorbells,
                   (unsigned long)atomic_load(&msis_sent), msi_irqs, timer_irqs, v->failed ? v->error : "ok");
        } else {
            printf("vcpu=%d io=%lu mmio=%lu hlt=%lu status=%s\n", i, v->io_work, v->mmio, v->hlt,
                   v->failed ? v->error : "ok");
        }
        failed |= v->failed;
    }
    if (workload == WL_DOORBELL) {
        close(doorbell_pipe[1]);
        pthread_join(io, NULL);
    }
    return failed ? 1 : 0;
}
