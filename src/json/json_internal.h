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

/**
 * Length of the run of "plain" bytes at the start of s[0..n): printable
 * ASCII (0x20..0x7F) other than '"' and '\\', i.e. the bytes a JSON string
 * holds as they are. Reads only s[0..n); any alignment.
 */
size_t ocpp_json_plain_len_(const char *s, size_t n);

/** Index of the first non-whitespace byte of p[i..len) (len if none). */
size_t ocpp_json_skip_ws_(const char *p, size_t len, size_t i);

/**
 * Index just past the quote closing the string that starts at p[i] (a
 * quote), skipping escaped characters; 0 if p[0..len) ends first. Does not
 * validate the string.
 */
size_t ocpp_json_string_end_(const char *p, size_t len, size_t i);

#endif /* OCPP_JSON_INTERNAL_H */
