/**
 * @file common.c
 * @brief Helpers the OCPP 1.6 modules share (v16.h): application events,
 *        configuration side effects, CALL framing with the module as owner.
 */
#include <string.h>

#include "model/config.h"
#include "session/session.h"
#include "util/log.h"
#include "util/text.h"
#include "v16/v16.h"

static void apply_credentials(ocpp_v16_t *a)
{
    const ocpp_cfg_t *cfg = a->cfg;
    ocpp_session_set_credentials(a->ss,
                                 cfg->authorization_key_len > 0u ? a->config->identity : NULL,
                                 (const char *)cfg->authorization_key, cfg->authorization_key_len);
}

/**
 * SecurityProfile (whitepaper §2, A05): 2 and 3 need TLS, so a wss:// URL
 * (whose server the port verifies with a CSMS root certificate: A05.FR.03),
 * and 3 a client certificate (A05.FR.04, ocpp_cp_config_t.client_certificate):
 * the highest profile ChangeConfiguration may set. A profile of 2 or 3 never
 * connects over ws://, also one that was persisted with another URL.
 */
static void apply_security_profile(ocpp_v16_t *a)
{
    bool tls = a->ss->open.ep.tls;
    ocpp_cfg_set_security_profile_max(a->cfg, tls ? (a->config->client_certificate ? 3u : 2u) : 1u);
    a->ss->tls_required = a->cfg->security_profile >= 2u;
    if (a->ss->tls_required && !tls) {
        LOGE(&a->st->log, "SecurityProfile 2 and 3 need a wss:// URL: not connecting");
    }
}

void ocpp_v16_sync(ocpp_v16_t *a)
{
    const ocpp_cfg_t *cfg = a->cfg;
    ocpp_station_settings_t *s = &a->st->set;
    s->connection_timeout_s = (uint32_t)cfg->connection_time_out;
    s->max_energy_on_invalid_id = cfg->max_energy_on_invalid_id;
    s->stop_on_ev_disconnect = cfg->stop_transaction_on_ev_side_disconnect;
    s->unlock_on_ev_disconnect = cfg->unlock_connector_on_ev_side_disconnect;
    s->stop_on_invalid_id = cfg->stop_transaction_on_invalid_id;
    s->cache_enabled = cfg->authorization_cache_enabled;
    s->local_pre_authorize = cfg->local_pre_authorize;
    s->local_authorize_offline = cfg->local_authorize_offline;
    s->allow_offline_unknown = cfg->allow_offline_tx_for_unknown_id;
    /* errata 3.83: MessageTimeout; the application's call_timeout_ms wins. */
    a->ss->call_timeout_ms = a->config->call_timeout_ms != 0u
                                 ? a->config->call_timeout_ms
                                 : (uint32_t)cfg->message_timeout * 1000u;
    a->ss->keepalive_s = (uint32_t)cfg->web_socket_ping_interval;
    apply_credentials(a);
    apply_security_profile(a);
}

void ocpp_v16_config_applied(ocpp_v16_t *a, const char *key)
{
    ocpp_v16_sync(a);
    ocpp_station_app_event(a->st, OCPP_CP_EV_CONFIG_CHANGED, 0, 0, key, strlen(key));
    if (ocpp_ascii_ieq(key, "WebSocketPingInterval")) {
        ocpp_session_set_keepalive(a->ss, (uint32_t)a->cfg->web_socket_ping_interval);
    } else if (ocpp_ascii_ieq(key, "AuthorizationKey") || ocpp_ascii_ieq(key, "SecurityProfile")) {
        /* New credentials are used from the next connection on: reconnect
         * once the answer is out (security whitepaper A01 practice). */
        ocpp_session_reconnect_later(a->ss);
    }
}

ocpp_key_result_t ocpp_v16_set_local(ocpp_v16_t *a, const char *key, const char *value)
{
    ocpp_key_result_t r = ocpp_cfg_set_local(a->cfg, key, value);
    a->kick = true;
    if (r == OCPP_KEY_ACCEPTED || r == OCPP_KEY_REBOOT_REQUIRED) {
        ocpp_v16_config_applied(a, key);
        ocpp_v16_save_config(a);
    }
    return r;
}

void ocpp_v16_save_config(ocpp_v16_t *a)
{
    size_t cap = 0;
    if (!a->cfg->dirty) {
        return; /* the usual case, on every poll */
    }
    char *scratch = ocpp_session_scratch(a->ss, &cap);
    if (scratch == NULL) {
        return;
    }
    if (a->st->storage == NULL) {
        a->cfg->dirty = false;
        return;
    }
    if (a->save_failed && a->ss->now_ms - a->save_failed_ms < OCPP_STATION_SAVE_RETRY_MS) {
        return; /* waiting after a failed write */
    }
    a->save_failed = false;
    ocpp_status_t st = ocpp_cfg_save(a->cfg, a->st->storage, scratch, cap);
    if (st != OCPP_OK) {
        /* Kept dirty and retried in 10 s (not on every poll), so a change
         * answered Accepted is not lost; counted in
         * ocpp_cp_queue_info().store_errors (issue 12 defect 4). */
        a->st->outbox->store_errors++;
        a->save_failed_ms = a->ss->now_ms;
        a->save_failed = true;
        LOGE(&a->st->log, "saving configuration failed: %s; retried in 10 s", ocpp_status_str(st));
    }
}

void ocpp_v16_answer_status(ocpp_jw_t *w, const char *status)
{
    ocpp_jw_obj_open(w);
    ocpp_jw_kv_str(w, "status", status);
    ocpp_jw_obj_close(w);
}

ocpp_rpc_err_t ocpp_v16_get_int(const ocpp_json_value_t *p, const char *key, bool required,
                                int32_t min, int32_t *out, const char **desc)
{
    int64_t v = *out;
    ocpp_rpc_err_t e = ocpp_rpc_get_int(p, key, required, min, INT32_MAX, &v, desc);
    *out = (int32_t)v;
    return e;
}

void ocpp_v16_kv_time(ocpp_jw_t *w, const char *key, int64_t t, uint16_t ms)
{
    char buf[OCPP_RPC_DATETIME_LEN + 1];
    ocpp_rpc_format_datetime(t > 0 ? t : 0, (uint16_t)(t > 0 ? ms : 0u), buf);
    ocpp_jw_kv_str(w, key, buf);
}

void ocpp_v16_call_begin(ocpp_v16_t *a, ocpp_jw_t *w, ocpp_rpc_action_t action)
{
    ocpp_session_call_begin(a->ss, w, ocpp_rpc_action_name(action));
}

ocpp_status_t ocpp_v16_call_end(ocpp_v16_t *a, ocpp_jw_t *w, const ocpp_v16_profile_t *owner,
                                uint8_t kind)
{
    uint8_t i = 0;
    while (i < a->n_profiles && a->profiles[i] != owner) {
        i++;
    }
    return ocpp_session_call_end(a->ss, w, i, kind);
}

void ocpp_v16_trig_mark(ocpp_v16_t *a, int connector, uint8_t bit)
{
    for (uint8_t c = 0; c <= a->st->n; c++) {
        if (connector < 0 || connector == (int)c) {
            a->conns[c].trig = (uint8_t)(a->conns[c].trig | bit);
        }
    }
    a->trig_any = (uint8_t)(a->trig_any | bit);
}

int ocpp_v16_trig_first(const ocpp_v16_t *a, uint8_t bit)
{
    if ((a->trig_any & bit) != 0u) {
        for (uint8_t c = 0; c <= a->st->n; c++) {
            if ((a->conns[c].trig & bit) != 0u) {
                return c;
            }
        }
    }
    return -1;
}

void ocpp_v16_trig_clear(ocpp_v16_t *a, uint8_t connector, uint8_t bit)
{
    a->conns[connector].trig = (uint8_t)(a->conns[connector].trig & ~bit);
    if (ocpp_v16_trig_first(a, bit) < 0) {
        a->trig_any = (uint8_t)(a->trig_any & ~bit);
    }
}
