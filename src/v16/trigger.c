/**
 * @file trigger.c
 * @brief OCPP 1.6 Remote Trigger profile: TriggerMessage (§5.17). Each
 *        requested message is sent by the module that owns it, asked
 *        through its `trigger` hook; a message no registered module sends
 *        is NotImplemented.
 */
#include <string.h>

#include "session/session.h"
#include "v16/v16.h"

#if OCPP_CONFIG_PROFILE_REMOTE_TRIGGER

/** Ask the modules to send `action`. @return true if one took it. */
static bool ask(ocpp_v16_t *a, ocpp_rpc_action_t action, int connector)
{
    for (uint8_t i = 0; i < a->n_profiles; i++) {
        const ocpp_v16_profile_t *p = a->profiles[i];
        if (p->trigger != NULL && p->trigger(a, action, connector)) {
            return true;
        }
    }
    return false;
}

/** The messages TriggerMessage may request (MessageTrigger, §7.40). */
static const uint8_t k_triggerable[] = {
    OCPP_ACTION_BOOT_NOTIFICATION,
    OCPP_ACTION_DIAGNOSTICS_STATUS_NOTIFICATION,
    OCPP_ACTION_FIRMWARE_STATUS_NOTIFICATION,
    OCPP_ACTION_HEARTBEAT,
    OCPP_ACTION_METER_VALUES,
    OCPP_ACTION_STATUS_NOTIFICATION,
};

static ocpp_rpc_err_t on_trigger(void *ctx, const ocpp_json_value_t *p, ocpp_jw_t *w,
                                 const char **desc)
{
    ocpp_v16_t *a = ctx;
    char name[32];
    int32_t c = -1; /* absent: every connector */
    ocpp_rpc_err_t e =
        ocpp_rpc_get_string(p, "requestedMessage", true, sizeof name - 1u, name, sizeof name, desc);
    if (e == OCPP_RPC_OK) {
        e = ocpp_v16_get_int(p, "connectorId", false, 0, &c, desc);
    }
    if (e != OCPP_RPC_OK) {
        return e;
    }
    /* The requested message by its action name (the names of MessageTrigger
     * are those of the actions). */
    ocpp_rpc_action_t action = ocpp_rpc_action_lookup(name, strlen(name));
    if (memchr(k_triggerable, (int)action, sizeof k_triggerable) == NULL) {
        /* (the enumeration check with no name matching: its CALLERROR) */
        return ocpp_rpc_get_enum(p, "requestedMessage", true, NULL, 0u, NULL, desc);
    }
    const char *status = "Accepted";
    /* errata 3.35: after Accepted "the Charge Point is RECOMMENDED to Reject
     * a TriggerMessage request for BootNotification"; while Pending, it is
     * how the CSMS asks for the next one (§4.2). */
    bool boot_refused = action == OCPP_ACTION_BOOT_NOTIFICATION && a->ss->conn == OCPP_CP_ACCEPTED;
    if (c > (int32_t)a->st->n || boot_refused) {
        status = "Rejected";
    } else if (!ask(a, action, (int)c)) {
        /* §5.17: "if the connectorId is relevant but absent, this should be
         * interpreted as "for all allowed connectorId values"." */
        /* §5.17: "If the requested message is unknown or not implemented the
         * Charge Point SHALL return NOTIMPLEMENTED." */
        status = "NotImplemented";
    }
    ocpp_v16_answer_status(w, status);
    return OCPP_RPC_OK;
}

static const ocpp_rpc_handler_entry_t k_handlers[] = {
    {OCPP_ACTION_TRIGGER_MESSAGE, on_trigger},
};

const ocpp_v16_profile_t ocpp_v16_trigger = {
    .profile = OCPP_CFG_PROFILE_REMOTE_TRIGGER,
    .handlers = k_handlers,
    .n_handlers = 1u,
};

#endif /* OCPP_CONFIG_PROFILE_REMOTE_TRIGGER */
