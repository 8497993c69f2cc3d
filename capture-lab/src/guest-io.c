/*
 * guest-io: runs inside the Linux guest of the "linux" workload. A request/response exchange over
 * an I/O port, like a paravirtual NIC's doorbell and status read in a netperf TCP_RR loop: each
 * out and each in exits to the VMM (QEMU) in userspace.  Usage: guest-io ITERATIONS
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/io.h>

#define REQUEST_PORT 0x510 /* fw_cfg selector on microvm: a device QEMU emulates in userspace */
#define RESPONSE_PORT 0x511

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 1000;
    if (ioperm(REQUEST_PORT, 2, 1) != 0) {
        perror("guest-io: ioperm");
        return 1;
    }
    unsigned sum = 0;
    for (long i = 0; i < n; i++) {
        outw(0x0000, REQUEST_PORT);  /* select the fw_cfg signature */
        sum += inb(RESPONSE_PORT);   /* read one byte of it back */
    }
    printf("guest-io: %ld request/response pairs (checksum %u)\n", n, sum);
    return 0;
}
