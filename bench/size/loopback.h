/**
 * @file loopback.h
 * @brief A message port (ocpp_msg_port_t) that answers like a CSMS, in RAM.
 *
 * Used by the application firmware of the size report (firmware_app.c), so
 * that the library and the EVSE application run a whole charging session
 * with no network, and by its host test (ctest unit.size_firmware_app),
 * which proves that the firmware really runs the stack.
 *
 * Every CALL the charge point sends is answered with a CALLRESULT carrying
 * the same message id and a valid payload for its action (BootNotification
 * Accepted, Authorize/StartTransaction Accepted with a transactionId, ...).
 * A CALL of the "CSMS" given with fw_loop_call() is delivered when no answer
 * is pending; the charge point's answer to it is counted.
 */
#ifndef FW_LOOPBACK_H
#define FW_LOOPBACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ocpp/ocpp_port.h"

/** Actions the loopback CSMS knows (others are answered with {}). */
typedef enum {
    FW_BOOT = 0,
    FW_HEARTBEAT,
    FW_STATUS,
    FW_AUTHORIZE,
    FW_START,
    FW_STOP,
    FW_METER,
    FW_DATA_TRANSFER,
    FW_OTHER,
    FW_ACTIONS
} fw_action_t;

typedef struct {
    char out[256];             /**< The answer (or CSMS CALL) waiting for recv(). */
    char in[256];              /**< What recv() returned last (valid until the next recv). */
    size_t out_len;            /**< 0: none. */
    const char *call;          /**< A CSMS CALL to deliver next (NULL: none). */
    bool open;                 /**< Between open() and close(). */
    uint32_t seen[FW_ACTIONS]; /**< CALLs received, per action. */
    uint32_t results;          /**< CALLRESULTs received (answers to our CALLs). */
    uint32_t errors;           /**< CALLERRORs and messages that are no OCPP-J. */
    int32_t next_tx_id;        /**< transactionId of the next StartTransaction. */
} fw_loop_t;

/** Start empty, closed. */
void fw_loop_init(fw_loop_t *l);

/** The message port of `l`. */
void fw_loop_port(fw_loop_t *l, ocpp_msg_port_t *out);

/** Deliver this CALL (e.g. "[2,\"c1\",\"RemoteStartTransaction\",{...}]", kept
 *  by pointer) once the pending answer is taken. */
void fw_loop_call(fw_loop_t *l, const char *call);

#endif /* FW_LOOPBACK_H */
