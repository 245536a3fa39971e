/* The loopback CSMS of the size firmware: see loopback.h. No heap, no printf. */
#include "loopback.h"

#include <string.h>

static const char *const k_names[FW_ACTIONS] = {
    "BootNotification", "Heartbeat",   "StatusNotification", "Authorize", "StartTransaction",
    "StopTransaction",  "MeterValues", "DataTransfer",       ""};

/* Answers (OCPP 1.6 §6: the .conf payloads). The StartTransaction answer gets
 * its transactionId appended. */
static const char *const k_answers[FW_ACTIONS] = {
    "{\"status\":\"Accepted\",\"currentTime\":\"2026-01-01T00:00:00Z\",\"interval\":300}",
    "{\"currentTime\":\"2026-01-01T00:00:00Z\"}",
    "{}",
    "{\"idTagInfo\":{\"status\":\"Accepted\"}}",
    "{\"idTagInfo\":{\"status\":\"Accepted\"},\"transactionId\":",
    "{\"idTagInfo\":{\"status\":\"Accepted\"}}",
    "{}",
    "{\"status\":\"Accepted\"}",
    "{}"};

void fw_loop_init(fw_loop_t *l)
{
    memset(l, 0, sizeof *l);
    l->next_tx_id = 1;
}

void fw_loop_call(fw_loop_t *l, const char *call)
{
    l->call = call;
}

/* Append s[0..n) to out; false if it does not fit. */
static bool put(fw_loop_t *l, const char *s, size_t n)
{
    if (n > sizeof l->out - l->out_len) {
        return false;
    }
    memcpy(l->out + l->out_len, s, n);
    l->out_len += n;
    return true;
}

static bool put_int(fw_loop_t *l, int32_t v)
{
    char d[11];
    size_t n = 0;
    uint32_t u = (uint32_t)v;
    do {
        d[sizeof d - 1u - n++] = (char)('0' + u % 10u);
        u /= 10u;
    } while (u != 0u && n < sizeof d);
    return put(l, d + sizeof d - n, n);
}

/* The quoted string at s[*i] (no escapes: the library's ids and action names
 * have none): its start and length, *i past the closing quote. */
static bool quoted(const char *s, size_t len, size_t *i, const char **out, size_t *n)
{
    if (*i >= len || s[*i] != '"') {
        return false;
    }
    size_t start = ++*i;
    while (*i < len && s[*i] != '"') {
        ++*i;
    }
    if (*i >= len) {
        return false;
    }
    *out = s + start;
    *n = *i - start;
    ++*i;
    return true;
}

static ocpp_status_t lb_open(void *ctx, const ocpp_msg_open_t *params)
{
    fw_loop_t *l = ctx;
    (void)params;
    l->open = true;
    l->out_len = 0;
    return OCPP_OK;
}

static ocpp_status_t lb_send(void *ctx, char *msg, size_t len)
{
    fw_loop_t *l = ctx;
    if (!l->open) {
        return OCPP_ERR_CLOSED;
    }
    const char *id, *action;
    size_t id_len, action_len, i = 3;
    if (len > 3u && memcmp(msg, "[3,", 3) == 0) {
        l->results++;
        return OCPP_OK;
    }
    if (len < 4u || memcmp(msg, "[2,", 3) != 0 || !quoted(msg, len, &i, &id, &id_len) || i >= len ||
        msg[i++] != ',' || !quoted(msg, len, &i, &action, &action_len)) {
        l->errors++;
        return OCPP_OK;
    }
    fw_action_t a = FW_BOOT;
    while (a < FW_OTHER &&
           (strlen(k_names[a]) != action_len || memcmp(k_names[a], action, action_len) != 0)) {
        a = (fw_action_t)(a + 1);
    }
    l->seen[a]++;
    /* One CALL at a time (OCPP-J 1.6 §4.1.1): the answer replaces nothing. */
    l->out_len = 0;
    bool ok = put(l, "[3,\"", 4u) && put(l, id, id_len) && put(l, "\",", 2u) &&
              put(l, k_answers[a], strlen(k_answers[a]));
    if (ok && a == FW_START) {
        ok = put_int(l, l->next_tx_id++) && put(l, "}", 1u);
    }
    if (!ok || !put(l, "]", 1u)) {
        l->out_len = 0;
        l->errors++;
    }
    return OCPP_OK;
}

static ocpp_status_t lb_recv(void *ctx, uint32_t now_ms, const char **msg, size_t *len)
{
    fw_loop_t *l = ctx;
    (void)now_ms;
    if (!l->open) {
        return OCPP_ERR_CLOSED;
    }
    if (l->out_len == 0u && l->call != NULL) {
        size_t n = strlen(l->call);
        if (n <= sizeof l->out) {
            memcpy(l->out, l->call, n);
            l->out_len = n;
        }
        l->call = NULL;
    }
    if (l->out_len == 0u) {
        return OCPP_PENDING;
    }
    memcpy(l->in, l->out, l->out_len); /* send() may write the next answer meanwhile */
    *msg = l->in;
    *len = l->out_len;
    l->out_len = 0;
    return OCPP_OK;
}

static void lb_close(void *ctx)
{
    fw_loop_t *l = ctx;
    l->open = false;
    l->out_len = 0;
}

void fw_loop_port(fw_loop_t *l, ocpp_msg_port_t *out)
{
    memset(out, 0, sizeof *out);
    out->ctx = l;
    out->open = lb_open;
    out->send = lb_send;
    out->recv = lb_recv;
    out->close = lb_close;
}
