/**
 * @file ops.c
 * @brief OCPP 1.6 Core profile, operations initiated by the Central System
 *        (§5): RemoteStartTransaction, RemoteStopTransaction, Reset,
 *        UnlockConnector, ChangeAvailability, ClearCache, DataTransfer,
 *        GetConfiguration and ChangeConfiguration: the handler table of the
 *        Core module (core.c's descriptor lists it).
 *
 * Payloads are checked with the rpc field helpers, so that bad input is
 * answered with the CALLERROR of src/rpc/rpc.h; valid requests that cannot
 * be carried out get the operation's own negative status.
 */
#include <string.h>

#include "model/config.h"
#include "session/session.h"
#include "station/station.h"
#include "v16/v16.h"

#define answer_status ocpp_v16_answer_status

/* ------------------------------------------------------------------------ */
/* Remote start / stop (§5.11, §5.12)                                        */
/* ------------------------------------------------------------------------ */

/** @return the connector the transaction will start on, 0: Rejected. */
static uint8_t remote_start(ocpp_v16_t *a, int32_t connector, const char *tag)
{
    ocpp_station_t *st = a->st;
    /* §4.2: "While in pending state, the following Central System initiated
     * messages are not allowed: RemoteStartTransaction.req and
     * RemoteStopTransaction.req" */
    if (a->ss->conn != OCPP_CP_ACCEPTED) {
        return 0u;
    }
    uint8_t c = connector > 0 ? (uint8_t)connector : ocpp_station_pick_connector(st, NULL);
    if (c == 0u || connector > (int32_t)st->n || !ocpp_station_can_start(st, c) ||
        st->conns[c].finishing || !ocpp_station_resv_allows(st, c, tag, NULL)) {
        return 0u;
    }
    if (a->cfg->authorize_remote_tx_requests) {
        /* §5.11: "the Charge Point SHALL behave as if in response to a local
         * action at the Charge Point to start a transaction" */
        return ocpp_station_authorize_start(st, c, tag) == OCPP_OK ? c : 0u;
    }
    /* §5.11: "If the value of AuthorizeRemoteTxRequests is false, the Charge
     * Point SHALL immediately try to start a transaction" */
    ocpp_station_set_authorized(st, c, tag, "");
    return c;
}

/** A RemoteStartTransaction's chargingProfile to the module that takes it
 *  (Smart Charging): checked (connector 0), or installed for connector c. */
static ocpp_rpc_err_t tx_profile(ocpp_v16_t *a, uint8_t c, const ocpp_json_value_t *prof, bool *ok,
                                 const char **desc)
{
    for (uint8_t i = 0; i < a->n_profiles; i++) {
        if (a->profiles[i]->tx_profile != NULL) {
            return a->profiles[i]->tx_profile(a, c, prof, ok, desc);
        }
    }
    return OCPP_RPC_OK;
}

static ocpp_rpc_err_t on_remote_start(void *ctx, const ocpp_json_value_t *p, ocpp_jw_t *w,
                                      const char **desc)
{
    ocpp_v16_t *a = ctx;
    char tag[OCPP_ID_TAG_MAX + 1];
    int32_t connector = 0;
    ocpp_json_value_t profile;
    ocpp_rpc_err_t e =
        ocpp_rpc_get_string(p, "idTag", true, OCPP_ID_TAG_MAX, tag, sizeof tag, desc);
    if (e == OCPP_RPC_OK) {
        e = ocpp_v16_get_int(p, "connectorId", false, 1, &connector, desc);
    }
    if (e == OCPP_RPC_OK) {
        /* §5.11: "If a Charge Point without support for Smart Charging
         * receives a RemoteStartTransaction.req with a Charging Profile, this
         * parameter SHOULD be ignored." (type-checked; without a module
         * that takes it, ignored) */
        e = ocpp_rpc_get_container(p, "chargingProfile", false, OCPP_JSON_OBJECT, &profile, desc);
    }
    /* (only Smart Charging takes one: without it, nothing to hand over) */
    bool has_profile = OCPP_CONFIG_PROFILE_SMART_CHARGING && e == OCPP_RPC_OK &&
                       ocpp_rpc_has(p, "chargingProfile");
    bool ok = true;
    if (has_profile) {
        e = tx_profile(a, 0u, &profile, &ok, desc);
    }
    if (e != OCPP_RPC_OK) {
        return e;
    }
    uint8_t c = ok ? remote_start(a, connector, tag) : 0u;
    if (c != 0u && has_profile) {
        (void)tx_profile(a, c, &profile, &ok, desc);
    }
    answer_status(w, c != 0u ? "Accepted" : "Rejected");
    return OCPP_RPC_OK;
}

static ocpp_rpc_err_t on_remote_stop(void *ctx, const ocpp_json_value_t *p, ocpp_jw_t *w,
                                     const char **desc)
{
    ocpp_v16_t *a = ctx;
    int32_t id = 0;
    ocpp_rpc_err_t e = ocpp_v16_get_int(p, "transactionId", true, INT32_MIN, &id, desc);
    if (e != OCPP_RPC_OK) {
        return e;
    }
    uint8_t found = a->ss->conn == OCPP_CP_ACCEPTED ? ocpp_station_find_tx(a->st, id) : 0u;
    /* errata 3.33: Accepted means "a transaction with the given
     * transactionId is ongoing and will be stopped". */
    answer_status(w, found != 0u ? "Accepted" : "Rejected");
    if (found != 0u) {
        ocpp_station_tx_stop(a->st, found, OCPP_STOP_REMOTE, NULL);
    }
    return OCPP_RPC_OK;
}

/* ------------------------------------------------------------------------ */
/* Reset (§5.14), UnlockConnector (§5.18)                                    */
/* ------------------------------------------------------------------------ */

static ocpp_rpc_err_t on_reset(void *ctx, const ocpp_json_value_t *p, ocpp_jw_t *w,
                               const char **desc)
{
    static const char *const types[] = {"Hard", "Soft"};
    ocpp_v16_t *a = ctx;
    size_t t = 0;
    ocpp_rpc_err_t e = ocpp_rpc_get_enum(p, "type", true, types, 2u, &t, desc);
    if (e != OCPP_RPC_OK) {
        return e;
    }
    bool ok = a->st->cb->reset != NULL;
    answer_status(w, ok ? "Accepted" : "Rejected");
    if (!ok) {
        return OCPP_RPC_OK;
    }
    /* §5.14: "After receipt of a Reset.req, The Charge Point SHALL send a
     * StopTransaction.req for any ongoing transaction before performing the
     * reset." The reset callback runs once they are sent (core.c). */
    a->core.reset_hard = t == 0u;
    a->core.reset_pending = true;
    a->core.reset_at_ms = a->ss->now_ms;
    ocpp_station_close(a->st, t == 0u ? OCPP_STOP_HARD_RESET : OCPP_STOP_SOFT_RESET);
    return OCPP_RPC_OK;
}

static ocpp_rpc_err_t on_unlock(void *ctx, const ocpp_json_value_t *p, ocpp_jw_t *w,
                                const char **desc)
{
    static const char *const names[] = {"Unlocked", "UnlockFailed", "NotSupported"};
    ocpp_v16_t *a = ctx;
    int32_t c = 0;
    ocpp_rpc_err_t e = ocpp_v16_get_int(p, "connectorId", true, 0, &c, desc);
    if (e != OCPP_RPC_OK) {
        return e;
    }
    ocpp_unlock_result_t r = OCPP_UNLOCK_NOT_SUPPORTED;
    /* errata 3.87: NotSupported: "Charge Point has no connector lock, or
     * ConnectorId is unknown." */
    if (c >= 1 && c <= (int32_t)a->st->n && a->st->cb->unlock != NULL) {
        /* §5.18: "If there was a transaction in progress on the specific
         * connector, then Charge Point SHALL finish the transaction first" */
        ocpp_station_tx_stop(a->st, (uint8_t)c, OCPP_STOP_UNLOCK_COMMAND, NULL);
        r = a->st->cb->unlock(a->st->cb->ctx, (uint8_t)c);
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

static ocpp_rpc_err_t on_change_availability(void *ctx, const ocpp_json_value_t *p, ocpp_jw_t *w,
                                             const char **desc)
{
    static const char *const types[] = {"Inoperative", "Operative"};
    ocpp_v16_t *a = ctx;
    int32_t c = 0;
    size_t t = 0;
    ocpp_rpc_err_t e = ocpp_v16_get_int(p, "connectorId", true, 0, &c, desc);
    if (e == OCPP_RPC_OK) {
        e = ocpp_rpc_get_enum(p, "type", true, types, 2u, &t, desc);
    }
    if (e != OCPP_RPC_OK) {
        return e;
    }
    const char *status = "Rejected";
    if (c <= (int32_t)a->st->n) {
        /* §5.2: "In the case the ChangeAvailability.req contains ConnectorId
         * = 0, the status change applies to the Charge Point and all
         * Connectors." */
        bool scheduled = false;
        uint8_t first = (uint8_t)c, last = c == 0 ? a->st->n : (uint8_t)c;
        for (uint8_t i = first; i <= last; i++) {
            scheduled = ocpp_station_set_operative(a->st, i, t == 1u) || scheduled;
        }
        status = scheduled ? "Scheduled" : "Accepted";
    }
    answer_status(w, status);
    return OCPP_RPC_OK;
}

static ocpp_rpc_err_t on_clear_cache(void *ctx, const ocpp_json_value_t *p, ocpp_jw_t *w,
                                     const char **desc)
{
    ocpp_v16_t *a = ctx;
    (void)p;
    (void)desc;
    /* errata 3.23: "When the Authorization Cache is not implemented and the
     * Charge Point receives a ClearCache.req message. The Charge Point SHALL
     * response with ClearCache.conf with the status: Rejected." */
    if (OCPP_CONFIG_AUTH_CACHE_SIZE == 0) {
        answer_status(w, "Rejected");
        return OCPP_RPC_OK;
    }
    ocpp_station_cache_clear(a->st);
    answer_status(w, "Accepted");
    return OCPP_RPC_OK;
}

/* ------------------------------------------------------------------------ */
/* DataTransfer (§5.6)                                                       */
/* ------------------------------------------------------------------------ */

/** Bytes kept for the answer in front of the request's decoded strings: it
 *  streams through them when the message port takes pieces. */
#define DT_WINDOW 64u

/**
 * The request's strings, each decoded into the end of the transmit buffer
 * in front of the one before; the writer keeps the bytes in front of them
 * (its cap shrinks; a CALLERROR rewinds it). The data field needs as many
 * bytes: when it does not fit, InternalError.
 */
static ocpp_rpc_err_t dt_strings(const ocpp_json_value_t *p, ocpp_jw_t *w, char *str[3],
                                 const char **desc)
{
    static const char *const keys[3] = {"vendorId", "messageId", "data"};
    char *end = w->buf + w->cap;
    size_t room = w->cap - w->len;
    if (room <= DT_WINDOW) {
        *desc = "transmit buffer too small";
        return OCPP_RPC_ERR_INTERNAL;
    }
    room -= DT_WINDOW;
    for (unsigned i = 0; i < 3u; i++) {
        size_t max = i == 0u ? 255u : (i == 1u ? 50u : SIZE_MAX); /* CiString255, 50; any */
        ocpp_json_value_t v;
        /* Its bytes with the NUL; one that does not fit is decoded into all
         * of the room, which fails as it should (a field that is no string
         * fails on its type). */
        bool has = ocpp_json_get(p, keys[i], &v) == OCPP_OK;
        size_t need = has ? ocpp_json_string_len(&v) + 1u : room;
        need = need <= room ? need : room;
        ocpp_rpc_err_t e = ocpp_rpc_get_string(p, keys[i], i == 0u, max, end - need, need, desc);
        if (e != OCPP_RPC_OK) {
            return e;
        }
        str[i] = NULL;
        if (has) {
            end -= need;
            room -= need;
            str[i] = end;
        }
    }
    w->cap = (size_t)(end - w->buf);
    return OCPP_RPC_OK;
}

static ocpp_rpc_err_t on_data_transfer(void *ctx, const ocpp_json_value_t *p, ocpp_jw_t *w,
                                       const char **desc)
{
    static const char *const names[] = {"Accepted", "Rejected", "UnknownMessageId",
                                        "UnknownVendorId"};
    const ocpp_v16_t *a = ctx;
    char *str[3]; /* vendorId, messageId, data */
    ocpp_rpc_err_t e = dt_strings(p, w, str, desc);
    if (e != OCPP_RPC_OK) {
        return e;
    }
    ocpp_dt_status_t st = OCPP_DT_UNKNOWN_VENDOR_ID;
    ocpp_jw_obj_open(w);
    if (a->st->cb->data_transfer != NULL) {
        /* The callback writes its "data" string straight into the answer
         * (streamed out when it is larger than the buffer); the key goes
         * again when it writes nothing. */
        const ocpp_jw_t mark = *w;
        ocpp_jw_key(w, "data");
        size_t at = w->len;
        st = a->st->cb->data_transfer(a->st->cb->ctx, str[0], str[1], str[2], w);
        if ((unsigned)st > (unsigned)OCPP_DT_UNKNOWN_VENDOR_ID) {
            st = OCPP_DT_REJECTED;
        }
        if (w->len == at && w->flushed == mark.flushed) {
            *w = mark;
        }
    }
    ocpp_jw_kv_str(w, "status", names[st]);
    ocpp_jw_obj_close(w);
    return OCPP_RPC_OK;
}

/* ------------------------------------------------------------------------ */
/* GetConfiguration (§5.8), ChangeConfiguration (§5.3)                       */
/* ------------------------------------------------------------------------ */

static ocpp_rpc_err_t check_key_list(const ocpp_v16_t *a, const ocpp_json_value_t *keys,
                                     const char **desc)
{
    if (keys->type != OCPP_JSON_ARRAY) {
        *desc = "key must be an array";
        return OCPP_RPC_ERR_TYPE_CONSTRAINT;
    }
    if (ocpp_json_count(keys) > (size_t)a->cfg->get_configuration_max_keys) {
        *desc = "more keys than GetConfigurationMaxKeys";
        return OCPP_RPC_ERR_OCCURENCE_CONSTRAINT;
    }
    ocpp_json_iter_t it;
    ocpp_json_value_t k;
    (void)ocpp_json_iter_init(&it, keys);
    while (ocpp_json_iter_next(&it, NULL, &k)) {
        if (k.type != OCPP_JSON_STRING) {
            *desc = "key entries must be strings";
            return OCPP_RPC_ERR_TYPE_CONSTRAINT;
        }
        if (ocpp_json_string_len(&k) > 50u) {
            *desc = "key longer than 50 characters";
            return OCPP_RPC_ERR_PROPERTY_CONSTRAINT;
        }
    }
    return OCPP_RPC_OK;
}

static ocpp_rpc_err_t on_get_configuration(void *ctx, const ocpp_json_value_t *payload,
                                           ocpp_jw_t *w, const char **desc)
{
    const ocpp_v16_t *a = ctx;
    ocpp_json_value_t keys;
    const ocpp_json_value_t *sel = NULL;
    if (ocpp_json_get(payload, "key", &keys) == OCPP_OK) {
        ocpp_rpc_err_t e = check_key_list(a, &keys, desc);
        if (e != OCPP_RPC_OK) {
            return e;
        }
        sel = &keys;
    }
    if (ocpp_cfg_write_get_configuration(a->cfg, sel, w) != OCPP_OK) {
        *desc = "answer does not fit the transmit buffer";
        return OCPP_RPC_ERR_INTERNAL;
    }
    return OCPP_RPC_OK;
}

static ocpp_rpc_err_t on_change_configuration(void *ctx, const ocpp_json_value_t *payload,
                                              ocpp_jw_t *w, const char **desc)
{
    ocpp_v16_t *a = ctx;
    /* Sized for what a key can hold, not for the schema's CiString50/500:
     * a valid key or value that does not fit here cannot match any key
     * (OCPP_CFG_KEY_MAX, OCPP_CFG_VALUE_MAX), so it is answered without being
     * decoded; this keeps ~300 bytes off the stack. */
    char key[OCPP_CFG_KEY_MAX + 1];
    char value[OCPP_CFG_VALUE_MAX + 1];
    ocpp_key_result_t r = OCPP_KEY_REJECTED;
    uint8_t profile = a->cfg->security_profile;
    ocpp_rpc_err_t ek = ocpp_rpc_get_string(payload, "key", true, 50u, key, sizeof key, desc);
    ocpp_rpc_err_t ev =
        ocpp_rpc_get_string(payload, "value", true, 500u, value, sizeof value, desc);
    if (ek != OCPP_RPC_OK && ek != OCPP_RPC_ERR_INTERNAL) {
        return ek; /* missing, wrong type, longer than 50 characters */
    }
    if (ev != OCPP_RPC_OK && ev != OCPP_RPC_ERR_INTERNAL) {
        return ev;
    }
    if (ek == OCPP_RPC_ERR_INTERNAL) {
        r = OCPP_KEY_NOT_SUPPORTED; /* 50 multi-byte characters: no such key */
    } else if (ev == OCPP_RPC_OK) {
        r = ocpp_cfg_change(a->cfg, key, value);
        if (a->cfg->security_profile != profile) {
            a->core.sp_prev = profile; /* on trial (A05.FR.08) */
            a->core.sp_state = V16_SP_RAISED;
        }
        if (r == OCPP_KEY_ACCEPTED || r == OCPP_KEY_REBOOT_REQUIRED) {
            ocpp_v16_config_applied(a, key);
        }
    } /* else a value longer than any key accepts: Rejected */
    ocpp_v16_answer_status(w, ocpp_key_result_str(r));
    return OCPP_RPC_OK;
}

#if !OCPP_CONFIG_PROFILE_LOCAL_AUTH
/* ------------------------------------------------------------------------ */
/* GetLocalListVersion (§5.10) without Local Auth List Management            */
/* ------------------------------------------------------------------------ */

static ocpp_rpc_err_t on_get_local_list_version(void *ctx, const ocpp_json_value_t *p, ocpp_jw_t *w,
                                                const char **desc)
{
    (void)ctx;
    (void)p;
    (void)desc;
    /* §5.10: "a version number of -1 SHALL be used to indicate that the
     * Charge Point does not support Local Authorization Lists." */
    ocpp_jw_obj_open(w);
    ocpp_jw_kv_int(w, "listVersion", -1);
    ocpp_jw_obj_close(w);
    return OCPP_RPC_OK;
}
#endif

const ocpp_rpc_handler_entry_t ocpp_v16_core_handlers[OCPP_V16_CORE_HANDLERS] = {
    {OCPP_ACTION_CHANGE_AVAILABILITY, on_change_availability},
    {OCPP_ACTION_CHANGE_CONFIGURATION, on_change_configuration},
    {OCPP_ACTION_CLEAR_CACHE, on_clear_cache},
    {OCPP_ACTION_DATA_TRANSFER, on_data_transfer},
    {OCPP_ACTION_GET_CONFIGURATION, on_get_configuration},
#if !OCPP_CONFIG_PROFILE_LOCAL_AUTH
    {OCPP_ACTION_GET_LOCAL_LIST_VERSION, on_get_local_list_version},
#endif
    {OCPP_ACTION_REMOTE_START_TRANSACTION, on_remote_start},
    {OCPP_ACTION_REMOTE_STOP_TRANSACTION, on_remote_stop},
    {OCPP_ACTION_RESET, on_reset},
    {OCPP_ACTION_UNLOCK_CONNECTOR, on_unlock},
};
