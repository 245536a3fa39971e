/**
 * @file rpc_dispatch.c
 * @brief Answer an incoming CALL through a handler table.
 */
#include <stddef.h>

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
 * directly: this is library code and the writer has no query API.
 */
static const char *check_payload(const ocpp_jw_t *jw, size_t from)
{
    if (jw->overflow) {
        return "answer does not fit the transmit buffer";
    }
    if (jw->error || jw->depth != 1u || jw->len <= from + 1u || jw->buf[from] != ',') {
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

/** Run the handler into jw. @return NULL, or why it must be an InternalError. */
static ocpp_rpc_err_t run(const ocpp_rpc_handler_entry_t *h, void *ctx, const ocpp_rpc_frame_t *f,
                          ocpp_jw_t *jw, const char **desc)
{
    ocpp_rpc_write_result_open(jw, f->id, f->id_len);
    size_t from = jw->len;
    *desc = NULL;
    ocpp_rpc_err_t e = h->fn(ctx, &f->payload, jw, desc);
    if (e != OCPP_RPC_OK) {
        return e;
    }
    *desc = check_payload(jw, from);
    if (*desc == NULL) {
        ocpp_rpc_write_close(jw);
        if (!jw->overflow) {
            return OCPP_RPC_OK;
        }
        *desc = "answer does not fit the transmit buffer";
    }
    return OCPP_RPC_ERR_INTERNAL;
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
        e = run(h, ctx, frame, jw, &desc);
        if (e == OCPP_RPC_OK) {
            return OCPP_OK;
        }
    }
    *jw = mark; /* discard whatever was written */
    return ocpp_rpc_write_error(jw, frame->id, frame->id_len, e, desc);
}
