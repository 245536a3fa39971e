/**
 * @file rpc_secret.c
 * @brief Incoming messages as the application may see them: the password
 *        of a ChangeConfiguration of AuthorizationKey is masked (security
 *        whitepaper ed. 3 A01.FR.12).
 */
#include <string.h>

#include "rpc/rpc.h"
#include "util/text.h"

#define SECRET_KEY "AuthorizationKey"
/** What stands for the payload of such a CALL. */
#define MASKED "{\"key\":\"" SECRET_KEY "\",\"value\":\"****\"}"

/** A CALL ChangeConfiguration whose key (unescaped, any case) is AuthorizationKey. */
static bool sets_secret(const ocpp_rpc_frame_t *f)
{
    ocpp_json_value_t k;
    char key[sizeof SECRET_KEY];
    return f->type == OCPP_RPC_CALL && f->action == OCPP_ACTION_CHANGE_CONFIGURATION &&
           ocpp_json_get(&f->payload, "key", &k) == OCPP_OK &&
           ocpp_json_as_string(&k, key, sizeof key, NULL) == OCPP_OK &&
           ocpp_ascii_ieq(key, SECRET_KEY);
}

/** The text names the key somewhere (any case): a message that did not parse. */
static bool names_secret(const char *msg, size_t len)
{
    for (size_t i = 0; i + sizeof SECRET_KEY - 1u <= len; i++) {
        if (ocpp_ascii_ieqn(msg + i, sizeof SECRET_KEY - 1u, SECRET_KEY)) {
            return true;
        }
    }
    return false;
}

/** Append s[0..n) to out[*at..cap), as much as fits. */
static void put(char *out, size_t cap, size_t *at, const char *s, size_t n)
{
    n = n < cap - *at ? n : cap - *at;
    memcpy(out + *at, s, n);
    *at += n;
}

size_t ocpp_rpc_mask_secret(const char *msg, size_t len, const ocpp_rpc_frame_t *f, char *out,
                            size_t cap)
{
    size_t n = 0;
    if (f == NULL) {
        if (names_secret(msg, len)) {
            put(out, cap, &n, "****", 4u); /* where the value is cannot be known */
        }
        return n;
    }
    if (!sets_secret(f)) {
        return 0;
    }
    /* The frame around the payload as received, the payload replaced. */
    size_t head = (size_t)(f->payload.ptr - msg);
    size_t tail = head + f->payload.len;
    put(out, cap, &n, msg, head);
    put(out, cap, &n, MASKED, sizeof MASKED - 1u);
    put(out, cap, &n, msg + tail, len - tail);
    return n;
}
