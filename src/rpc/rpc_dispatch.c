/**
 * @file rpc_dispatch.c
 * @brief Answer an incoming CALL through a handler table (by OCPP 1.6
 *        action, or by name for any OCPP-J dialect).
 */
#include <stddef.h>
#include <string.h>

#include "rpc/rpc.h"

static const ocpp_rpc_handler_entry_t *find(const ocpp_rpc_handler_entry_t *table, size_t n,
                                            ocpp_rpc_action_t action)
{
    for (size_t i = 0; table != NULL && i < n; i++) {
        if (table[i].action == action && table[i].fn != NULL) {
            return &table[i];
        }
    }
    return NULL;
}

/**
 * Check what a handler wrote after `[3,"<id>"` (from offset `from`): exactly
 * one JSON object, and nothing lost to overflow. The writer's fields are read
 * directly: this is library code and the writer has no query API. A payload
 * that was partly streamed out already (the writer's flush sink) is no longer
 * in the buffer: then the writer's own structure checks are all there is.
 */
static const char *check_payload(const ocpp_jw_t *jw, size_t from, size_t flushed)
{
    if (jw->overflow) {
        return "answer does not fit the transmit buffer";
    }
    if (jw->error || jw->depth != 1u) {
        return "handler wrote no valid payload";
    }
    if (jw->flushed != flushed) {
        return NULL;
    }
    if (jw->len <= from + 1u || jw->buf[from] != ',') {
        return "handler wrote no valid payload";
    }
    /* One valid JSON value (validate() accepts nothing after it) that starts
       with '{' (the writer puts no whitespace before it) is one object. */
    const char *p = jw->buf + from + 1u;
    size_t n = jw->len - from - 1u;
    if (p[0] != '{' || ocpp_json_validate(p, n) != OCPP_OK) {
        return "handler wrote no valid payload";
    }
    return NULL;
}

/** Run the handler into jw. @return OCPP_RPC_OK, or the error to answer with. */
static ocpp_rpc_err_t run(ocpp_rpc_handler_fn fn, void *ctx, const ocpp_rpc_frame_t *f,
                          ocpp_jw_t *jw, const char **desc)
{
    ocpp_rpc_write_result_open(jw, f->id, f->id_len);
    size_t from = jw->len, flushed = jw->flushed;
    *desc = NULL;
    ocpp_rpc_err_t e = fn(ctx, &f->payload, jw, desc);
    if (e != OCPP_RPC_OK) {
        return e;
    }
    *desc = check_payload(jw, from, flushed);
    if (*desc == NULL) {
        ocpp_rpc_write_close(jw);
        if (!jw->overflow) {
            return OCPP_RPC_OK;
        }
        *desc = "answer does not fit the transmit buffer";
    }
    return OCPP_RPC_ERR_INTERNAL;
}

/**
 * Discard what the handler wrote, to answer with a CALLERROR instead. Output
 * already streamed out (RFC 6455 §5.4 fragments of a message larger than the
 * transmit buffer) cannot be taken back: the writer is then left in error, and
 * the session gives the half-sent message up with the connection.
 */
static bool rewind_to(ocpp_jw_t *jw, const ocpp_jw_t *mark)
{
    if (jw->flushed != mark->flushed) {
        jw->error = true;
        return false;
    }
    *jw = *mark;
    return true;
}

ocpp_status_t ocpp_rpc_dispatch(const ocpp_rpc_handler_entry_t *table, size_t n, void *ctx,
                                const ocpp_rpc_frame_t *frame, ocpp_jw_t *jw)
{
    if (frame == NULL || jw == NULL || frame->type != OCPP_RPC_CALL) {
        return OCPP_ERR_PARAM;
    }
    const ocpp_jw_t mark = *jw;
    ocpp_rpc_err_t e;
    const char *desc;
    const ocpp_rpc_handler_entry_t *h = find(table, n, frame->action);
    if (frame->action == OCPP_ACTION_UNKNOWN) {
        /* §4.2.3 Table 7 NotImplemented: "Requested Action is not known by receiver" */
        e = OCPP_RPC_ERR_NOT_IMPLEMENTED;
        desc = "unknown action";
    } else if (h == NULL) {
        /* NotSupported: "Requested Action is recognized but not supported" */
        e = OCPP_RPC_ERR_NOT_SUPPORTED;
        desc = "action not supported";
    } else {
        e = run(h->fn, ctx, frame, jw, &desc);
        if (e == OCPP_RPC_OK) {
            return OCPP_OK;
        }
    }
    if (!rewind_to(jw, &mark)) {
        return OCPP_ERR_STATE;
    }
    return ocpp_rpc_write_error(jw, frame->id, frame->id_len, e, desc);
}

/** The handler of the action named in the frame, or NULL; *known: whether
 *  the name is an action of the dialect's OCPP version. */
static ocpp_rpc_handler_fn find_named(const ocpp_rpc_named_handler_t *table, size_t n,
                                      const ocpp_rpc_frame_t *f, ocpp_rpc_dialect_t dialect,
                                      bool *known)
{
    char name[OCPP_RPC_ACTION201_MAX + 8u];
    size_t len = 0;
    *known = false;
    if (ocpp_json_as_string(&f->action_name, name, sizeof name, &len) != OCPP_OK) {
        return NULL; /* longer than any action name of either version */
    }
    *known = dialect == OCPP_RPC_DIALECT_201
                 ? ocpp_rpc_action201_known(name, len)
                 : ocpp_rpc_action_lookup(name, len) != OCPP_ACTION_UNKNOWN;
    for (size_t i = 0; *known && table != NULL && i < n; i++) {
        if (table[i].fn != NULL && table[i].action != NULL && strcmp(table[i].action, name) == 0) {
            return table[i].fn;
        }
    }
    return NULL;
}

ocpp_status_t ocpp_rpc_dispatch_named(const ocpp_rpc_named_handler_t *table, size_t n, void *ctx,
                                      const ocpp_rpc_frame_t *frame, ocpp_jw_t *jw,
                                      ocpp_rpc_dialect_t dialect)
{
    if (frame == NULL || jw == NULL || frame->type != OCPP_RPC_CALL) {
        return OCPP_ERR_PARAM;
    }
    const ocpp_jw_t mark = *jw;
    bool known;
    const char *desc;
    ocpp_rpc_err_t e;
    ocpp_rpc_handler_fn fn = find_named(table, n, frame, dialect, &known);
    if (!known) {
        /* OCPP-J 1.6 §4.2.3 Table 7 / 2.0.1 §4.3 Table 8 NotImplemented:
         * "Requested Action is not known by receiver" */
        e = OCPP_RPC_ERR_NOT_IMPLEMENTED;
        desc = "unknown action";
    } else if (fn == NULL) {
        /* NotSupported: "Requested Action is recognized but not supported" */
        e = OCPP_RPC_ERR_NOT_SUPPORTED;
        desc = "action not supported";
    } else {
        e = run(fn, ctx, frame, jw, &desc);
        if (e == OCPP_RPC_OK) {
            return OCPP_OK;
        }
    }
    if (!rewind_to(jw, &mark)) {
        return OCPP_ERR_STATE;
    }
    return ocpp_rpc_write_error_d(jw, frame->id, frame->id_len, e, desc, dialect);
}
