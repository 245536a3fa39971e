/*
 * Shared by the startup code (startup.c) and the cmocka subset
 * (cmocka_shim.c) of the unit tests on the target.
 */
#ifndef OCPP_TARGET_H
#define OCPP_TARGET_H

/* The test now running (NULL between tests), named by the fault handler. */
const char *target_current_test(void);

/* Ends the program: reports stack use, then semihosting SYS_EXIT_EXTENDED
 * with this status (qemu exits with it). */
void target_exit(int status) __attribute__((noreturn));

#endif /* OCPP_TARGET_H */
