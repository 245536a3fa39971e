/**
 * @file text.h
 * @brief ASCII case folding for the case-insensitive CiString comparisons of
 *        OCPP 1.6 §7 (configuration keys, id tags).
 */
#ifndef OCPP_UTIL_TEXT_H
#define OCPP_UTIL_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ocpp/ocpp_ws.h" /* ocpp_ws_utf8_t */

/** c with A-Z folded to a-z, as an unsigned char value (other bytes unchanged). */
int ocpp_ascii_lower(char c);

/** The C strings a and b are equal, ignoring ASCII case. */
bool ocpp_ascii_ieq(const char *a, const char *b);

/** s[0..n) equals the C string z, ignoring ASCII case. */
bool ocpp_ascii_ieqn(const char *s, size_t n, const char *z);

/**
 * The i-th string of a packed table "a\0b\0c" (strings one after the other,
 * each ending in NUL; a pointer table would cost 4 bytes an entry more), or
 * `none` when i >= count.
 */
const char *ocpp_text_nth(const char *packed, unsigned count, unsigned i, const char *none);

/**
 * *v /= d and return the remainder, for a divisor 1..65535, in 32-bit
 * divisions: a 64-bit division is a library call of ~700 bytes on 32-bit
 * targets. Used to print and split 64-bit numbers.
 */
uint32_t ocpp_u64_divmod(uint64_t *v, uint32_t d);

/* ---- UTF-8 (RFC 3629), incremental (src/util/utf8.c) ---- */

void ocpp_utf8_init(ocpp_ws_utf8_t *u);
/** Feed bytes; false as soon as they cannot be valid UTF-8. */
bool ocpp_utf8_feed(ocpp_ws_utf8_t *u, const uint8_t *p, size_t n);
/** True when the bytes fed so far end on a character boundary. */
bool ocpp_utf8_complete(const ocpp_ws_utf8_t *u);

/** The C string s is valid UTF-8 (RFC 8259 §8.1: JSON text is UTF-8). */
bool ocpp_utf8_ok(const char *s);

/** Text that goes into a message as a CiStringN: valid UTF-8, no control
 *  characters, at most max_chars characters. */
bool ocpp_text_ok(const char *s, size_t max_chars);

/** OCPP 1.6 §2 (Terminology): "CiString: Case Insensitive String. Only
 *  printable ASCII allowed." 0x20..0x7E, at most max_chars of them. */
bool ocpp_cistring_ok(const char *s, size_t max_chars);

/** Copy src (NULL: "") into dst[0..cap), cut (if it must be) at a UTF-8
 *  character boundary so that the result stays valid UTF-8. */
void ocpp_text_copy(char *dst, size_t cap, const char *src);

#endif /* OCPP_UTIL_TEXT_H */
