/**
 * @file rpc_ids.c
 * @brief Message ids and the one outstanding CALL (OCPP-J 1.6 §4.1.1, §4.1.4).
 */
#include <string.h>

#include "rpc/rpc.h"

void ocpp_rpc_ids_init(ocpp_rpc_ids_t *ids, uint32_t random_seed)
{
    if (ids != NULL) {
        ids->prefix = random_seed;
        ids->counter = 0;
    }
}

static void put_hex32(char *out, uint32_t v)
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 7; i >= 0; i--) {
        out[i] = hex[v & 0xFu];
        v >>= 4;
    }
}

/*
 * OCPP-J 1.6 errata §3.1 (2025-04): "A message ID for a CALL message MUST be
 * different from all message IDs previously used by the same sender for CALL
 * messages on any WebSocket connection using the same unique Charging Station
 * identifier." A counter alone restarts at every boot; a random per-boot
 * prefix makes a repeat across boots a 1 in 2^32 event per pair of boots.
 */
void ocpp_rpc_next_id(ocpp_rpc_ids_t *ids, char out[OCPP_RPC_ID_MAX + 1])
{
    if (ids == NULL || out == NULL) {
        return;
    }
    put_hex32(out, ids->prefix);
    out[8] = '-';
    put_hex32(out + 9, ids->counter);
    out[17] = '\0';
    ids->counter++;
}

ocpp_status_t ocpp_rpc_pending_start(ocpp_rpc_pending_t *p, const char *id,
                                     ocpp_rpc_action_t action, uint32_t now_ms)
{
    if (p == NULL || id == NULL) {
        return OCPP_ERR_PARAM;
    }
    size_t n = strlen(id);
    if (n > OCPP_RPC_ID_MAX) {
        return OCPP_ERR_PARAM;
    }
    if (p->active) {
        /* §4.1.1: "SHOULD NOT send a CALL message to the other party unless
         * all the CALL messages it sent before have been responded to or
         * have timed out." */
        return OCPP_ERR_BUSY;
    }
    memcpy(p->id, id, n + 1u);
    p->action = action;
    p->sent_at_ms = now_ms;
    p->active = true;
    return OCPP_OK;
}

bool ocpp_rpc_pending_match(const ocpp_rpc_pending_t *p, const char *id, size_t id_len)
{
    if (p == NULL || id == NULL || !p->active || id_len > OCPP_RPC_ID_MAX) {
        return false;
    }
    return strlen(p->id) == id_len && memcmp(p->id, id, id_len) == 0;
}

bool ocpp_rpc_pending_expired(const ocpp_rpc_pending_t *p, uint32_t now_ms, uint32_t timeout_ms)
{
    if (p == NULL || !p->active) {
        return false;
    }
    /* Unsigned difference: correct across the 2^32 ms (49.7 day) wrap. */
    return (uint32_t)(now_ms - p->sent_at_ms) >= timeout_ms;
}

void ocpp_rpc_pending_clear(ocpp_rpc_pending_t *p)
{
    if (p != NULL) {
        p->active = false;
        p->id[0] = '\0';
    }
}
