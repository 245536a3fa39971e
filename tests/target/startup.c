/*
 * Bare-metal startup for the unit tests on the emulated Arm MPS2 AN386 board
 * (Cortex-M4F; qemu-system-arm -M mps2-an386), memory map in mps2-an386.ld.
 *
 * - Vector table at 0x0 (VTOR resets to 0): initial SP, Reset_Handler, fault
 *   handlers. The CPU loads SP and PC from it at reset.
 * - Reset_Handler: FPU on (the code is built -mfloat-abi=hard), integer
 *   division by zero traps, separate fault handlers, .data copied from its
 *   load address, .bss zeroed, the stack painted (to report its high-water
 *   mark), then main() and exit() with its return value.
 * - The newlib system calls the tests need, over Arm semihosting (bkpt 0xAB;
 *   qemu -semihosting-config enable=on,target=native): _write to the host's
 *   console (SYS_WRITE0), _exit with the status (SYS_EXIT_EXTENDED), _sbrk
 *   over the 16 MB PSRAM; the others are inert stubs.
 * - A fault (bad address, unaligned LDRD/LDM, division by zero, ...) prints
 *   the fault registers and the running test and exits with status 3.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "target.h"

int main(void);

/* From mps2-an386.ld. */
extern uint32_t __data_load[], __data_start[], __data_end[], __bss_start[], __bss_end[];
extern uint32_t __stack_limit[], __stack_top[];
extern char __heap_start[], __heap_end[];

/* Semihosting operations (Arm "Semihosting for AArch32 and AArch64"). */
enum {
    SYS_WRITEC = 0x03,
    SYS_WRITE0 = 0x04,
    SYS_EXIT = 0x18,
    SYS_EXIT_EXTENDED = 0x20,
    ADP_Stopped_ApplicationExit = 0x20026,
};

static uintptr_t semihost(uintptr_t op, uintptr_t arg)
{
    register uintptr_t r0 __asm__("r0") = op;
    register uintptr_t r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

/* Writes n bytes to the host console (NUL bytes are sent one by one). */
static void console_write(const char *p, size_t n)
{
    char chunk[128];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\0') {
            continue;
        }
        chunk[k++] = p[i];
        if (k == sizeof chunk - 1 || i + 1 == n) {
            chunk[k] = '\0';
            semihost(SYS_WRITE0, (uintptr_t)chunk);
            k = 0;
        }
    }
    if (k > 0) {
        chunk[k] = '\0';
        semihost(SYS_WRITE0, (uintptr_t)chunk);
    }
}

static void console_str(const char *s)
{
    console_write(s, strlen(s));
}

static void console_hex(uint32_t v)
{
    char b[11] = "0x";
    for (int i = 0; i < 8; i++) {
        b[2 + i] = "0123456789abcdef"[(v >> (28 - 4 * i)) & 0xfu];
    }
    b[10] = '\0';
    console_str(b);
}

static void console_dec(uint32_t v)
{
    char b[12];
    size_t n = sizeof b - 1;
    b[n] = '\0';
    do {
        b[--n] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v != 0u);
    console_str(&b[n]);
}

#define STACK_PAINT 0xa5a5a5a5u

void target_exit(int status)
{
    /* Stack high-water mark: the lowest word that is no longer the paint. */
    const uint32_t *p = __stack_limit;
    while (p < __stack_top && *p == STACK_PAINT) {
        p++;
    }
    uint32_t used = (uint32_t)((uintptr_t)__stack_top - (uintptr_t)p);
    uint32_t size = (uint32_t)((uintptr_t)__stack_top - (uintptr_t)__stack_limit);
    console_str("[  TARGET  ] stack: ");
    console_dec(used);
    console_str(" of ");
    console_dec(size);
    console_str(" bytes used; exit status ");
    console_dec((uint32_t)status);
    console_str("\n");
    if (p == __stack_limit) {
        /* The whole stack was used: it may have overrun into nothing (the
         * memory below it is unmapped and reads as zero in qemu). */
        console_str("[  TARGET  ] stack exhausted: raise __stack_size in mps2-an386.ld\n");
        if (status == 0) {
            status = 4;
        }
    }
    uint32_t block[2] = {ADP_Stopped_ApplicationExit, (uint32_t)status};
    semihost(SYS_EXIT_EXTENDED, (uintptr_t)block);
    /* Hosts without the extended call: normal exit only for status 0. */
    semihost(SYS_EXIT, status == 0 ? ADP_Stopped_ApplicationExit : 0x20023u /* RunTimeError */);
    for (;;) {
    }
}

/* ---- newlib system calls ---- */

int _write(int fd, const char *buf, int len);
int _read(int fd, char *buf, int len);
int _close(int fd);
int _lseek(int fd, int off, int whence);
int _fstat(int fd, struct stat *st);
int _isatty(int fd);
int _kill(int pid, int sig);
int _getpid(void);
void *_sbrk(ptrdiff_t incr);
void _exit(int status) __attribute__((noreturn));

int _write(int fd, const char *buf, int len)
{
    if (fd != 1 && fd != 2) {
        errno = EBADF;
        return -1;
    }
    console_write(buf, (size_t)len);
    return len;
}

int _read(int fd, char *buf, int len)
{
    (void)fd, (void)buf, (void)len;
    return 0;
}

int _close(int fd)
{
    (void)fd;
    return -1;
}

int _lseek(int fd, int off, int whence)
{
    (void)fd, (void)off, (void)whence;
    errno = ESPIPE;
    return -1;
}

int _fstat(int fd, struct stat *st)
{
    (void)fd;
    memset(st, 0, sizeof *st);
    st->st_mode = S_IFCHR;
    return 0;
}

int _isatty(int fd)
{
    return fd >= 0 && fd <= 2;
}

int _kill(int pid, int sig)
{
    (void)pid;
    target_exit(128 + sig);
}

int _getpid(void)
{
    return 1;
}

void *_sbrk(ptrdiff_t incr)
{
    static char *brk = __heap_start;
    if (incr > __heap_end - brk || incr < __heap_start - brk) {
        errno = ENOMEM;
        return (void *)-1;
    }
    char *old = brk;
    brk += incr;
    return old;
}

void _exit(int status)
{
    target_exit(status);
}

/* ---- reset and faults ---- */

#define SCB_CCR   (*(volatile uint32_t *)0xe000ed14u)
#define SCB_SHCSR (*(volatile uint32_t *)0xe000ed24u)
#define SCB_CFSR  (*(volatile uint32_t *)0xe000ed28u)
#define SCB_HFSR  (*(volatile uint32_t *)0xe000ed2cu)
#define SCB_MMFAR (*(volatile uint32_t *)0xe000ed34u)
#define SCB_BFAR  (*(volatile uint32_t *)0xe000ed38u)
#define SCB_CPACR (*(volatile uint32_t *)0xe000ed88u)

/* Checks that .data was loaded and copied (its initial value arrives). */
static volatile uint32_t data_check = 0x600df00du;

void Reset_Handler(void) __attribute__((noreturn));
void fault_report(const uint32_t *frame, uint32_t ipsr, uint32_t exc_return)
    __attribute__((noreturn, used));
void Fault_Handler(void) __attribute__((naked));
void Default_Handler(void);

void Reset_Handler(void)
{
    /* CP10/CP11 full access: the FPU, before any floating-point instruction. */
    SCB_CPACR |= 0xfu << 20;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
    SCB_CCR |= 1u << 4;                                /* DIV_0_TRP */
    SCB_SHCSR |= (1u << 16) | (1u << 17) | (1u << 18); /* MemManage, BusFault, UsageFault */

    uint32_t *dst = __data_start;
    const uint32_t *src = __data_load;
    while (dst < __data_end) {
        *dst++ = *src++;
    }
    for (dst = __bss_start; dst < __bss_end; dst++) {
        *dst = 0;
    }
    /* Paint the stack below what this function uses. */
    uint32_t *sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    for (dst = __stack_limit; dst < sp - 16; dst++) {
        *dst = STACK_PAINT;
    }
    if (data_check != 0x600df00du) {
        console_str("[  TARGET  ] .data was not loaded/copied: check mps2-an386.ld\n");
        target_exit(5);
    }
    exit(main());
}

/* Which stack holds the exception frame: bit 2 of EXC_RETURN. */
void Fault_Handler(void)
{
    __asm__ volatile("tst lr, #4\n\t"
                     "ite eq\n\t"
                     "mrseq r0, msp\n\t"
                     "mrsne r0, psp\n\t"
                     "mrs r1, ipsr\n\t"
                     "mov r2, lr\n\t"
                     "b fault_report\n\t");
}

void fault_report(const uint32_t *frame, uint32_t ipsr, uint32_t exc_return)
{
    static const char *const names[] = {"?",         "?",        "NMI",       "HardFault",
                                        "MemManage", "BusFault", "UsageFault"};
    uint32_t n = ipsr & 0x1ffu;
    const char *test = target_current_test();
    console_str("\nfault: ");
    console_str(n < sizeof names / sizeof names[0] ? names[n] : "exception");
    console_str(" (exception ");
    console_dec(n);
    console_str(") in test ");
    console_str(test != NULL ? test : "(none)");
    console_str("\nfault: PC ");
    console_hex(frame[6]);
    console_str(" LR ");
    console_hex(frame[5]);
    console_str(" SP ");
    console_hex((uint32_t)(uintptr_t)frame);
    console_str(" EXC_RETURN ");
    console_hex(exc_return);
    console_str("\nfault: CFSR ");
    console_hex(SCB_CFSR);
    console_str(" HFSR ");
    console_hex(SCB_HFSR);
    console_str(" MMFAR ");
    console_hex(SCB_MMFAR);
    console_str(" BFAR ");
    console_hex(SCB_BFAR);
    console_str("\n");
    target_exit(3);
}

void Default_Handler(void)
{
    console_str("\nfault: unexpected interrupt\n");
    target_exit(3);
}

typedef void (*vector_t)(void);

/* Cortex-M4 system exceptions; no interrupt is enabled, so no IRQ entries. */
__attribute__((section(".vectors"), used)) const vector_t vector_table[16] = {
    (vector_t)(uintptr_t)__stack_top, /* initial SP */
    Reset_Handler,
    Fault_Handler, /* NMI */
    Fault_Handler, /* HardFault */
    Fault_Handler, /* MemManage */
    Fault_Handler, /* BusFault */
    Fault_Handler, /* UsageFault */
    0,
    0,
    0,
    0,
    Default_Handler, /* SVCall */
    Default_Handler, /* DebugMonitor */
    0,
    Default_Handler, /* PendSV */
    Default_Handler, /* SysTick */
};
