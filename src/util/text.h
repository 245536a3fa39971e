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

#endif /* OCPP_UTIL_TEXT_H */
