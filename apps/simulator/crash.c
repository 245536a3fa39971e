/**
 * @file crash.c
 * @brief ocpp-sim fault injection (see crash.h): wrappers around the storage
 *        and message ports that SIGKILL the process at the chosen point.
 */
#define _POSIX_C_SOURCE 200809L

#include "crash.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char sim_crash_help[] =
    "  --crash-at POINT    simulate a power cut (SIGKILL on itself) at POINT; also\n"
    "                      the environment variable OCPP_SIM_CRASH_AT (the option wins):\n"
    "                        write:PREFIX   after a storage write of a record PREFIX*\n"
    "                        send:ACTION    before a CALL of ACTION goes out\n"
    "                        sent:ACTION    after the transport took that CALL\n"
    "                        result:ACTION  when its CALLRESULT arrives (lost answer)\n"
    "                      suffix @N: the N-th occurrence since start (default 1)\n";

/** Charge point -> central system actions (OCPP 1.6 §6, security whitepaper §8). */
static const char *const k_actions[] = {"Authorize",
                                        "BootNotification",
                                        "DataTransfer",
                                        "DiagnosticsStatusNotification",
                                        "FirmwareStatusNotification",
                                        "Heartbeat",
                                        "MeterValues",
                                        "StartTransaction",
                                        "StatusNotification",
                                        "StopTransaction",
                                        "LogStatusNotification",
                                        "SecurityEventNotification",
                                        "SignCertificate",
                                        "SignedFirmwareStatusNotification"};

static bool known_action(const char *a)
{
    for (size_t i = 0; i < sizeof k_actions / sizeof k_actions[0]; i++) {
        if (strcmp(a, k_actions[i]) == 0) {
            return true;
        }
    }
    return false;
}

/** A storage key prefix: [A-Za-z0-9_.-]* (the storage port's key alphabet). */
static bool key_prefix_ok(const char *s)
{
    for (; *s != '\0'; s++) {
        char c = *s;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '.' || c == '-';
        if (!ok) {
            return false;
        }
    }
    return true;
}

int sim_crash_parse(const char *point, sim_crash_t *c, char *err, size_t cap)
{
    static const struct {
        const char *name;
        sim_crash_kind_t kind;
    } kinds[] = {{"write:", SIM_CRASH_WRITE},
                 {"send:", SIM_CRASH_SEND},
                 {"sent:", SIM_CRASH_SENT},
                 {"result:", SIM_CRASH_RESULT}};
    *c = (sim_crash_t){.kind = SIM_CRASH_NONE, .nth = 1};
    if (point == NULL || strlen(point) >= sizeof c->text) {
        snprintf(err, cap, "crash point missing or too long");
        return -1;
    }
    snprintf(c->text, sizeof c->text, "%s", point);
    const char *rest = NULL;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        size_t n = strlen(kinds[i].name);
        if (strncmp(point, kinds[i].name, n) == 0) {
            c->kind = kinds[i].kind;
            rest = point + n;
        }
    }
    if (rest == NULL) {
        snprintf(err, cap, "unknown crash point \"%s\" (write:, send:, sent:, result:)", point);
        return -1;
    }
    const char *at = strchr(rest, '@');
    size_t n = at != NULL ? (size_t)(at - rest) : strlen(rest);
    if (n > SIM_CRASH_ARG_MAX) {
        snprintf(err, cap, "crash point \"%s\": name too long", point);
        return -1;
    }
    memcpy(c->arg, rest, n);
    c->arg[n] = '\0';
    if (at != NULL) {
        char *end;
        errno = 0;
        unsigned long v = strtoul(at + 1, &end, 10);
        if (errno != 0 || at[1] < '0' || at[1] > '9' || *end != '\0' || v < 1 || v > 100000000ul) {
            snprintf(err, cap, "crash point \"%s\": @N needs a count 1..100000000", point);
            return -1;
        }
        c->nth = (uint32_t)v;
    }
    if (c->kind == SIM_CRASH_WRITE ? !key_prefix_ok(c->arg) : !known_action(c->arg)) {
        snprintf(err, cap,
                 c->kind == SIM_CRASH_WRITE
                     ? "crash point \"%s\": a record key prefix is [A-Za-z0-9_.-]*"
                     : "crash point \"%s\": not a charge point action (e.g. StartTransaction)",
                 point);
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------------ */

static void crash_now(const sim_crash_ports_t *p)
{
    char line[160];
    int n = snprintf(line, sizeof line, "%s: crash point %s reached: SIGKILL\n", p->station,
                     p->crash->text);
    if (n > 0) {
        /* Unbuffered: the line is out before the power cut. Nothing else is flushed. */
        ssize_t w = write(STDERR_FILENO, line, (size_t)n < sizeof line ? (size_t)n : sizeof line);
        (void)w;
    }
    raise(SIGKILL);
    _exit(137); /* not reached */
}

/** One occurrence of the crash point: the N-th one cuts the power. */
static void occurrence(const sim_crash_ports_t *p)
{
    sim_crash_t *c = p->crash;
    c->seen++;
    if (c->seen == c->nth) {
        crash_now(p);
    }
}

/** Copy a JSON string at m[*i] (after its opening quote) into out; no escapes expected. */
static bool take_string(const char *m, size_t len, size_t *i, char *out, size_t cap)
{
    size_t k = 0;
    while (*i < len && m[*i] != '"') {
        if (m[*i] == '\\' || k + 1 >= cap) {
            return false;
        }
        out[k++] = m[(*i)++];
    }
    out[k] = '\0';
    if (*i >= len) {
        return false;
    }
    (*i)++;
    return true;
}

static void skip_ws(const char *m, size_t len, size_t *i)
{
    while (*i < len && (m[*i] == ' ' || m[*i] == '\t' || m[*i] == '\r' || m[*i] == '\n')) {
        (*i)++;
    }
}

static bool expect(const char *m, size_t len, size_t *i, char ch)
{
    skip_ws(m, len, i);
    if (*i < len && m[*i] == ch) {
        (*i)++;
        return true;
    }
    return false;
}

/**
 * The head of an OCPP-J frame: [type,"id"(,"action")...]. `action` is only
 * filled for a CALL (type 2). @return false if it does not look like one.
 */
static bool frame_head(const char *m, size_t len, int *type, char *id, size_t id_cap, char *action,
                       size_t action_cap)
{
    size_t i = 0;
    if (!expect(m, len, &i, '[')) {
        return false;
    }
    skip_ws(m, len, &i);
    if (i >= len || m[i] < '2' || m[i] > '4') {
        return false;
    }
    *type = m[i++] - '0';
    if (!expect(m, len, &i, ',') || !expect(m, len, &i, '"') ||
        !take_string(m, len, &i, id, id_cap)) {
        return false;
    }
    action[0] = '\0';
    if (*type == 2) {
        return expect(m, len, &i, ',') && expect(m, len, &i, '"') &&
               take_string(m, len, &i, action, action_cap);
    }
    return true;
}

/* ------------------------------------------------------------------------ */
/* Storage                                                                   */
/* ------------------------------------------------------------------------ */

static int32_t st_read(void *ctx, const char *key, uint8_t *buf, size_t cap)
{
    sim_crash_ports_t *p = ctx;
    return p->inner_store.read(p->inner_store.ctx, key, buf, cap);
}

static ocpp_status_t st_write(void *ctx, const char *key, const uint8_t *data, size_t len)
{
    sim_crash_ports_t *p = ctx;
    ocpp_status_t st = p->inner_store.write(p->inner_store.ctx, key, data, len);
    if (st == OCPP_OK && p->crash->kind == SIM_CRASH_WRITE && key != NULL &&
        strncmp(key, p->crash->arg, strlen(p->crash->arg)) == 0) {
        occurrence(p);
    }
    return st;
}

static ocpp_status_t st_remove(void *ctx, const char *key)
{
    sim_crash_ports_t *p = ctx;
    return p->inner_store.remove(p->inner_store.ctx, key);
}

/* ------------------------------------------------------------------------ */
/* Messages                                                                  */
/* ------------------------------------------------------------------------ */

static ocpp_status_t m_open(void *ctx, const ocpp_msg_open_t *params)
{
    sim_crash_ports_t *p = ctx;
    p->send_partial = false;
    return p->inner_msg.open(p->inner_msg.ctx, params);
}

static ocpp_status_t m_send(void *ctx, char *msg, size_t len)
{
    sim_crash_ports_t *p = ctx;
    const sim_crash_t *c = p->crash;
    if (!p->send_partial) {
        /* A new message. Note a CALL's id and action before the transport
         * may mask the bytes in place; a continuation was counted already. */
        int type = 0;
        char id[40];
        char action[SIM_CRASH_ARG_MAX + 1];
        p->sending[0] = '\0';
        if (frame_head(msg, len, &type, id, sizeof id, action, sizeof action) && type == 2) {
            unsigned k = p->next_call++ % SIM_CRASH_CALLS;
            memcpy(p->calls[k].id, id, sizeof id);
            memcpy(p->calls[k].action, action, sizeof action);
            memcpy(p->sending, action, sizeof action);
            if (c->kind == SIM_CRASH_SEND && strcmp(action, c->arg) == 0) {
                occurrence(p);
            }
        }
    }
    ocpp_status_t st = p->inner_msg.send(p->inner_msg.ctx, msg, len);
    p->send_partial = st == OCPP_PENDING;
    if (st == OCPP_OK && c->kind == SIM_CRASH_SENT && p->sending[0] != '\0' &&
        strcmp(p->sending, c->arg) == 0) {
        occurrence(p); /* the whole CALL is with the transport */
    }
    return st;
}

static ocpp_status_t m_recv(void *ctx, uint32_t now_ms, const char **msg, size_t *len)
{
    sim_crash_ports_t *p = ctx;
    ocpp_status_t st = p->inner_msg.recv(p->inner_msg.ctx, now_ms, msg, len);
    if (st != OCPP_OK || p->crash->kind != SIM_CRASH_RESULT) {
        return st;
    }
    int type = 0;
    char id[40];
    char action[4];
    if (!frame_head(*msg, *len, &type, id, sizeof id, action, sizeof action) || type != 3) {
        return st;
    }
    for (unsigned k = 0; k < SIM_CRASH_CALLS; k++) {
        if (p->calls[k].id[0] != '\0' && strcmp(p->calls[k].id, id) == 0) {
            bool hit = strcmp(p->calls[k].action, p->crash->arg) == 0;
            p->calls[k].id[0] = '\0'; /* answered */
            if (hit) {
                occurrence(p);
            }
            break;
        }
    }
    return st;
}

static void m_close(void *ctx)
{
    sim_crash_ports_t *p = ctx;
    p->send_partial = false;
    p->inner_msg.close(p->inner_msg.ctx);
}

static void m_keepalive(void *ctx, uint32_t seconds)
{
    sim_crash_ports_t *p = ctx;
    p->inner_msg.set_keepalive(p->inner_msg.ctx, seconds);
}

static uint32_t m_next_due(void *ctx, uint32_t now_ms)
{
    sim_crash_ports_t *p = ctx;
    return p->inner_msg.next_due(p->inner_msg.ctx, now_ms);
}

void sim_crash_wrap(sim_crash_ports_t *p, sim_crash_t *c, const char *station,
                    const ocpp_storage_port_t *store, ocpp_storage_port_t *store_out,
                    const ocpp_msg_port_t *msg, ocpp_msg_port_t *msg_out)
{
    *p = (sim_crash_ports_t){.crash = c, .station = station};
    if (store != NULL) {
        p->inner_store = *store;
        *store_out = (ocpp_storage_port_t){
            .ctx = p, .read = st_read, .write = st_write, .remove = st_remove};
    }
    if (msg != NULL) {
        /* Whole messages only (no send_part), so that a crash point sees a
         * CALL whole: with --crash-at the send buffer holds every message. */
        p->inner_msg = *msg;
        *msg_out =
            (ocpp_msg_port_t){.ctx = p,
                              .open = m_open,
                              .send = m_send,
                              .recv = m_recv,
                              .close = m_close,
                              .set_keepalive = msg->set_keepalive != NULL ? m_keepalive : NULL,
                              .next_due = msg->next_due != NULL ? m_next_due : NULL};
    }
}
