/**
 * @file ops.c
 * @brief OCPP 1.6 operations initiated by the Central System (§5):
 *        RemoteStartTransaction, RemoteStopTransaction, Reset,
 *        UnlockConnector, ChangeAvailability, ClearCache, DataTransfer and
 *        TriggerMessage (Remote Trigger profile).
 *
 * Payloads are checked with the rpc field helpers, so that bad input is
 * answered with the CALLERROR of src/rpc/rpc.h; valid requests that cannot
 * be carried out get the operation's own negative status.
 */
#include <string.h>

#include "cp/cp_internal.h"
#include "model/authcache.h"

static void answer_status(ocpp_jw_t *w, const char *status)
{
    ocpp_jw_obj_open(w);
    ocpp_jw_kv_str(w, "status", status);
    ocpp_jw_obj_close(w);
}

/* ------------------------------------------------------------------------ */
/* Remote start / stop (§5.11, §5.12)                                        */
/* ------------------------------------------------------------------------ */

static bool remote_start(ocpp_cp_t *cp, int64_t connector, const char *tag)
{
    /* §4.2: "While in pending state, the following Central System initiated
     * messages are not allowed: RemoteStartTransaction.req and
     * RemoteStopTransaction.req" */
    if (cp->conn != OCPP_CP_ACCEPTED) {
        return false;
    }
    uint8_t c = connector > 0 ? (uint8_t)connector : ocpp_cp_pick_connector(cp, NULL);
    if (c == 0u || connector > (int64_t)cp->config.connectors || !ocpp_cp_can_start(cp, c) ||
        cp->conns[c].finishing) {
        return false;
    }
    if (cp->cfg.authorize_remote_tx_requests) {
        /* §5.11: "the Charge Point SHALL behave as if in response to a local
         * action at the Charge Point to start a transaction" */
        return ocpp_cp_authorize_start(cp, c, tag) == OCPP_OK;
    }
    /* §5.11: "If the value of AuthorizeRemoteTxRequests is false, the Charge
     * Point SHALL immediately try to start a transaction" */
    ocpp_cp_set_authorized(cp, c, tag, "");
    return true;
}

ocpp_rpc_err_t ocpp_v16_on_remote_start(void *ctx, const ocpp_json_value_t *p, ocpp_jw_t *w,
                                        const char **desc)
{
    ocpp_cp_t *cp = ctx;
    char tag[OCPP_ID_TAG_MAX + 1];
    int64_t connector = 0;
    ocpp_json_value_t profile;
    ocpp_rpc_err_t e =
        ocpp_rpc_get_string(p, "idTag", true, OCPP_ID_TAG_MAX, tag, sizeof tag, desc);
    if (e == OCPP_RPC_OK) {
        e = ocpp_rpc_get_int(p, "connectorId", false, 1, INT32_MAX, &connector, desc);
    }
    if (e == OCPP_RPC_OK) {
        /* §5.11: "If a Charge Point without support for Smart Charging
         * receives a RemoteStartTransaction.req with a Charging Profile, this
         * parameter SHOULD be ignored." (type-checked, then ignored) */
        e = ocpp_rpc_get_container(p, "chargingProfile", false, OCPP_JSON_OBJECT, &profile, desc);
    }
    if (e != OCPP_RPC_OK) {
        return e;
    }
    answer_status(w, remote_start(cp, connector, tag) ? "Accepted" : "Rejected");
    return OCPP_RPC_OK;
}

ocpp_rpc_err_t ocpp_v16_on_remote_stop(void *ctx, const ocpp_json_value_t *p, ocpp_jw_t *w,
                                       const char **desc)
{
    ocpp_cp_t *cp = ctx;
    int64_t id = 0;
    ocpp_rpc_err_t e = ocpp_rpc_get_int(p, "transactionId", true, INT32_MIN, INT32_MAX, &id, desc);
    if (e != OCPP_RPC_OK) {
        return e;
    }
    uint8_t found = 0;
    for (uint8_t c = 1; c <= cp->config.connectors && cp->conn == OCPP_CP_ACCEPTED; c++) {
        if (cp->conns[c].tx && cp->conns[c].tx_id != -1 && cp->conns[c].tx_id == id) {
            found = c;
        }
    }
    /* errata 3.33: Accepted means "a transaction with the given
     * transactionId is ongoing and will be stopped". */
    answer_status(w, found != 0u ? "Accepted" : "Rejected");
    if (found != 0u) {
        ocpp_cp_tx_stop(cp, found, OCPP_STOP_REMOTE, NULL);
    }
    return OCPP_RPC_OK;
}

/* ------------------------------------------------------------------------ */
/* Reset (§5.14), UnlockConnector (§5.18)                                    */
/* ------------------------------------------------------------------------ */

ocpp_rpc_err_t ocpp_v16_on_reset(void *ctx, const ocpp_json_value_t *p, ocpp_jw_t *w,
                                 const char **desc)
{
    static const char *const types[] = {"Hard", "Soft"};
    ocpp_cp_t *cp = ctx;
    size_t t = 0;
    ocpp_rpc_err_t e = ocpp_rpc_get_enum(p, "type", true, types, 2u, &t, desc);
    if (e != OCPP_RPC_OK) {
        return e;
    }
    if (cp->cb.reset == NULL) {
        answer_status(w, "Rejected");
        return OCPP_RPC_OK;
    }
    answer_status(w, "Accepted");
    /* §5.14: "After receipt of a Reset.req, The Charge Point SHALL send a
     * StopTransaction.req for any ongoing transaction before performing the
     * reset." The reset callback runs once they are sent (ocpp_cp_tick). */
    cp->reset_hard = t == 0u;
    cp->reset_pending = true;
    for (uint8_t c = 1; c <= cp->config.connectors; c++) {
        ocpp_cp_tx_stop(cp, c, t == 0u ? OCPP_STOP_HARD_RESET : OCPP_STOP_SOFT_RESET, NULL);
    }
    return OCPP_RPC_OK;
}

ocpp_rpc_err_t ocpp_v16_on_unlock(void *ctx, const ocpp_json_value_t *p, ocpp_jw_t *w,
                                  const char **desc)
{
    static const char *const names[] = {"Unlocked", "UnlockFailed", "NotSupported"};
    ocpp_cp_t *cp = ctx;
    int64_t c = 0;
    ocpp_rpc_err_t e = ocpp_rpc_get_int(p, "connectorId", true, 0, INT32_MAX, &c, desc);
    if (e != OCPP_RPC_OK) {
        return e;
    }
    ocpp_unlock_result_t r = OCPP_UNLOCK_NOT_SUPPORTED;
    /* errata 3.87: NotSupported: "Charge Point has no connector lock, or
     * ConnectorId is unknown." */
    if (c >= 1 && c <= (int64_t)cp->config.connectors && cp->cb.unlock != NULL) {
        /* §5.18: "If there was a transaction in progress on the specific
         * connector, then Charge Point SHALL finish the transaction first" */
        ocpp_cp_tx_stop(cp, (uint8_t)c, OCPP_STOP_UNLOCK_COMMAND, NULL);
        r = cp->cb.unlock(cp->cb.ctx, (uint8_t)c);
        if ((unsigned)r > (unsigned)OCPP_UNLOCK_NOT_SUPPORTED) {
            r = OCPP_UNLOCK_FAILED;
        }
    }
    answer_status(w, names[r]);
    return OCPP_RPC_OK;
}

/* ------------------------------------------------------------------------ */
/* ChangeAvailability (§5.2), ClearCache (§5.4)                              */
/* ------------------------------------------------------------------------ */

ocpp_rpc_err_t ocpp_v16_on_change_availability(void *ctx, const ocpp_json_value_t *p, ocpp_jw_t *w,
                                               const char **desc)
{
    static const char *const types[] = {"Inoperative", "Operative"};
    ocpp_cp_t *cp = ctx;
    int64_t c = 0;
    size_t t = 0;
    ocpp_rpc_err_t e = ocpp_rpc_get_int(p, "connectorId", true, 0, INT32_MAX, &c, desc);
    if (e == OCPP_RPC_OK) {
        e = ocpp_rpc_get_enum(p, "type", true, types, 2u, &t, desc);
    }
    if (e != OCPP_RPC_OK) {
        return e;
    }
    if (c > (int64_t)cp->config.connectors) {
        answer_status(w, "Rejected");
        return OCPP_RPC_OK;
    }
    /* §5.2: "In the case the ChangeAvailability.req contains ConnectorId = 0,
     * the status change applies to the Charge Point and all Connectors." */
    bool scheduled = false;
    uint8_t first = (uint8_t)c, last = c == 0 ? cp->config.connectors : (uint8_t)c;
    for (uint8_t i = first; i <= last; i++) {
        scheduled = ocpp_cp_set_operative(cp, i, t == 1u) || scheduled;
    }
    answer_status(w, scheduled ? "Scheduled" : "Accepted");
    return OCPP_RPC_OK;
}

ocpp_rpc_err_t ocpp_v16_on_clear_cache(void *ctx, const ocpp_json_value_t *p, ocpp_jw_t *w,
                                       const char **desc)
{
    ocpp_cp_t *cp = ctx;
    (void)p;
    (void)desc;
    /* errata 3.23: "When the Authorization Cache is not implemented and the
     * Charge Point receives a ClearCache.req message. The Charge Point SHALL
     * response with ClearCache.conf with the status: Rejected." */
    if (OCPP_CONFIG_AUTH_CACHE_SIZE == 0) {
        answer_status(w, "Rejected");
        return OCPP_RPC_OK;
    }
    ocpp_auth_cache_clear(&cp->cache);
    answer_status(w, "Accepted");
    return OCPP_RPC_OK;
}

/* ------------------------------------------------------------------------ */
/* DataTransfer (§5.6)                                                       */
/* ------------------------------------------------------------------------ */

ocpp_rpc_err_t ocpp_v16_on_data_transfer(void *ctx, const ocpp_json_value_t *p, ocpp_jw_t *w,
                                         const char **desc)
{
    static const char *const names[] = {"Accepted", "Rejected", "UnknownMessageId",
                                        "UnknownVendorId"};
    ocpp_cp_t *cp = ctx;
    /* The strings are decoded into the upper half of the transmit buffer;
     * the answer is written into the lower half. */
    size_t half = w->cap / 2u;
    char *vendor = w->buf + half;
    size_t room = w->cap - half;
    if (room < 256u + 51u + 2u) {
        *desc = "transmit buffer too small";
        return OCPP_RPC_ERR_INTERNAL;
    }
    char *msg = vendor + 256;
    char *data = msg + 51;
    size_t data_cap = room - 256u - 51u;
    bool has_msg = ocpp_rpc_has(p, "messageId"), has_data = ocpp_rpc_has(p, "data");
    ocpp_rpc_err_t e = ocpp_rpc_get_string(p, "vendorId", true, 255u, vendor, 256u, desc);
    if (e == OCPP_RPC_OK) {
        e = ocpp_rpc_get_string(p, "messageId", false, 50u, msg, 51u, desc);
    }
    if (e == OCPP_RPC_OK) {
        e = ocpp_rpc_get_string(p, "data", false, data_cap - 1u, data, data_cap, desc);
    }
    if (e != OCPP_RPC_OK) {
        return e;
    }
    w->cap = half;
    ocpp_dt_status_t st = OCPP_DT_UNKNOWN_VENDOR_ID;
    ocpp_jw_obj_open(w);
    if (cp->cb.data_transfer != NULL) {
        /* The callback writes its "data" string behind the request's data. */
        size_t used = has_data ? strlen(data) + 1u : 0u;
        ocpp_jw_t resp;
        size_t rlen = 0;
        ocpp_jw_init(&resp, data + used, data_cap - used);
        st = cp->cb.data_transfer(cp->cb.ctx, vendor, has_msg ? msg : NULL, has_data ? data : NULL,
                                  &resp);
        if ((unsigned)st > (unsigned)OCPP_DT_UNKNOWN_VENDOR_ID) {
            st = OCPP_DT_REJECTED;
        }
        if (resp.len > 0u && ocpp_jw_finish(&resp, &rlen) == OCPP_OK) {
            ocpp_jw_key(w, "data");
            ocpp_jw_raw(w, data + used, rlen);
        }
    }
    ocpp_jw_kv_str(w, "status", names[st]);
    ocpp_jw_obj_close(w);
    return OCPP_RPC_OK;
}

/* ------------------------------------------------------------------------ */
/* TriggerMessage (§5.17, Remote Trigger profile)                            */
/* ------------------------------------------------------------------------ */

#if OCPP_CONFIG_PROFILE_REMOTE_TRIGGER
static uint64_t connector_bits(const ocpp_cp_t *cp, bool has_c, int64_t c)
{
    /* §5.17: "if the connectorId is relevant but absent, this should be
     * interpreted as "for all allowed connectorId values"." */
    if (has_c) {
        return (uint64_t)1u << c;
    }
    return ((uint64_t)1u << (cp->config.connectors + 1u)) - 1u;
}

ocpp_rpc_err_t ocpp_v16_on_trigger(void *ctx, const ocpp_json_value_t *p, ocpp_jw_t *w,
                                   const char **desc)
{
    static const char *const msgs[] = {"BootNotification",
                                       "DiagnosticsStatusNotification",
                                       "FirmwareStatusNotification",
                                       "Heartbeat",
                                       "MeterValues",
                                       "StatusNotification"};
    ocpp_cp_t *cp = ctx;
    size_t m = 0;
    int64_t c = 0;
    ocpp_rpc_err_t e = ocpp_rpc_get_enum(p, "requestedMessage", true, msgs, 6u, &m, desc);
    if (e == OCPP_RPC_OK) {
        e = ocpp_rpc_get_int(p, "connectorId", false, 0, INT32_MAX, &c, desc);
    }
    if (e != OCPP_RPC_OK) {
        return e;
    }
    bool has_c = ocpp_rpc_has(p, "connectorId");
    const char *status = "Accepted";
    if (c > (int64_t)cp->config.connectors) {
        status = "Rejected";
    } else if (m == 0u) {
        /* errata 3.35: after Accepted "the Charge Point is RECOMMENDED to
         * Reject a TriggerMessage request for BootNotification"; while
         * Pending, it is how the CSMS asks for the next one (§4.2). */
        status = cp->conn == OCPP_CP_ACCEPTED ? "Rejected" : "Accepted";
        cp->trig_boot = cp->conn != OCPP_CP_ACCEPTED;
    } else if (m == 1u || m == 2u) {
        /* §5.17: "If the requested message is unknown or not implemented the
         * Charge Point SHALL return NOTIMPLEMENTED." (no Firmware Management
         * profile yet) */
        status = "NotImplemented";
    } else if (m == 3u) {
        cp->trig_heartbeat = true;
    } else if (m == 4u) {
        cp->trig_meter |= connector_bits(cp, has_c, c);
    } else {
        cp->trig_status |= connector_bits(cp, has_c, c);
    }
    answer_status(w, status);
    return OCPP_RPC_OK;
}
#endif
