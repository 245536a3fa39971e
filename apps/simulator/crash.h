/**
 * @file crash.h
 * @brief ocpp-sim fault injection: a simulated power cut (SIGKILL on itself)
 *        at a named point, for the persistence tests (--crash-at POINT or
 *        the environment variable OCPP_SIM_CRASH_AT).
 *
 * The library needs no test hooks: the simulator wraps the two ports it
 * hands to the library, the storage port and the message port, and watches
 * what goes through them.
 *
 * POINT is one of
 *   write:PREFIX   right after a successful storage write of a record whose
 *                  key starts with PREFIX (empty PREFIX: any record);
 *   send:ACTION    just before a CALL of ACTION goes to the transport;
 *   sent:ACTION    just after the transport took the whole CALL of ACTION;
 *   result:ACTION  when the CALLRESULT answering our CALL of ACTION arrives,
 *                  before the library sees it (the answer is lost);
 * with an optional suffix @N: the N-th occurrence (default 1), counted from
 * process start over all stations. ACTION is a charge point to central
 * system action (OCPP 1.6 §6, security whitepaper §8), e.g. StartTransaction.
 */
#ifndef SIM_CRASH_H
#define SIM_CRASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ocpp/ocpp_port.h"

/** Longest PREFIX or ACTION. */
#define SIM_CRASH_ARG_MAX 40u
/** CALLs remembered per station to recognise their CALLRESULTs. */
#define SIM_CRASH_CALLS 4u

typedef enum {
    SIM_CRASH_NONE = 0,
    SIM_CRASH_WRITE,
    SIM_CRASH_SEND,
    SIM_CRASH_SENT,
    SIM_CRASH_RESULT
} sim_crash_kind_t;

/** The crash point of the process (one for all stations). */
typedef struct {
    sim_crash_kind_t kind;
    char arg[SIM_CRASH_ARG_MAX + 1];   /**< PREFIX or ACTION. */
    uint32_t nth;                      /**< Crash at this occurrence (1..). */
    uint32_t seen;                     /**< Occurrences so far. */
    char text[SIM_CRASH_ARG_MAX + 24]; /**< The POINT as given, for the message. */
} sim_crash_t;

/** One station's wrapped ports. */
typedef struct {
    sim_crash_t *crash;
    const char *station; /**< Its id, for the message. */
    ocpp_storage_port_t inner_store;
    ocpp_msg_port_t inner_msg;
    bool send_partial; /**< The last send() was OCPP_PENDING: the next continues it. */
    char sending[SIM_CRASH_ARG_MAX + 1]; /**< Action of the CALL being sent, or "". */
    struct {
        char id[40];
        char action[SIM_CRASH_ARG_MAX + 1];
    } calls[SIM_CRASH_CALLS]; /**< Our last CALLs (ring). */
    unsigned next_call;
} sim_crash_ports_t;

/**
 * Parse POINT into `c`.
 * @return 0, or -1 with a one-line explanation in err[0..cap).
 */
int sim_crash_parse(const char *point, sim_crash_t *c, char *err, size_t cap);

/**
 * Wrap `store` and `msg` (either may be NULL: not wrapped) of station
 * `station` with crash point `c`; the wrapped ports are written to
 * store_out / msg_out and use `p` (which must outlive them) as context.
 */
void sim_crash_wrap(sim_crash_ports_t *p, sim_crash_t *c, const char *station,
                    const ocpp_storage_port_t *store, ocpp_storage_port_t *store_out,
                    const ocpp_msg_port_t *msg, ocpp_msg_port_t *msg_out);

/** Text for --help: the POINT syntax. */
extern const char sim_crash_help[];

#endif /* SIM_CRASH_H */
