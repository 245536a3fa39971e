/**
 * @file json_internal.h
 * @brief Private helpers shared by the JSON reader and writer.
 */
#ifndef OCPP_JSON_INTERNAL_H
#define OCPP_JSON_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** JSON insignificant whitespace (RFC 8259 §2: space, tab, LF, CR). */
static inline bool ocpp_json_is_ws_(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/** True for '0'..'9'. */
static inline bool ocpp_json_is_digit_(uint8_t c)
{
    return c >= '0' && c <= '9';
}

#endif /* OCPP_JSON_INTERNAL_H */
