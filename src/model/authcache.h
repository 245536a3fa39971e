/**
 * @file authcache.h
 * @brief The Authorization Cache (OCPP 1.6 §3.5.1): the latest idTagInfo of
 *        recently presented identifiers, valid and not valid, bounded by
 *        OCPP_CONFIG_AUTH_CACHE_SIZE, persisted as storage record "authcache".
 *
 * Eviction when full (§3.5.1: "the Charge Point SHALL remove any NOT-valid
 * entries, and then, if necessary, the oldest valid entries"): the least
 * recently updated entry whose status is not Accepted or whose expiryDate
 * has passed; else the least recently updated valid entry.
 *
 * idTags are compared case-insensitively (IdToken is a CiString20Type).
 */
#ifndef OCPP_AUTHCACHE_H
#define OCPP_AUTHCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ocpp/ocpp_cp.h"

/** Storage record name. */
#define OCPP_AUTH_CACHE_RECORD "authcache"

/** @brief Empty the cache (dirty set). */
void ocpp_auth_cache_clear(ocpp_auth_cache_t *c);

/** @brief True if two idTags are equal (ASCII case-insensitive). */
bool ocpp_id_tag_eq(const char *a, const char *b);

/**
 * @brief Look up `tag`. An entry whose expiryDate passed (now_unix > 0) is
 *        changed to Expired first (§3.5.1: "When the validity of a Cache
 *        entry expires, it SHALL be changed to expired in the Cache").
 * @return the entry, or NULL if unknown.
 */
const ocpp_auth_entry_t *ocpp_auth_cache_lookup(ocpp_auth_cache_t *c, const char *tag,
                                                int64_t now_unix);

/**
 * @brief Store the idTagInfo of `tag` (new entry, evicting if full, or an
 *        update of the existing one). parent may be NULL.
 */
void ocpp_auth_cache_update(ocpp_auth_cache_t *c, const char *tag, ocpp_auth_status_t status,
                            const char *parent, int64_t expiry);

/**
 * @brief Write record "authcache" (a JSON array of [tag, status, expiry,
 *        parent]). Clears dirty on success.
 */
ocpp_status_t ocpp_auth_cache_save(ocpp_auth_cache_t *c, const ocpp_storage_port_t *st,
                                   char *scratch, size_t cap);

/** @brief Read record "authcache"; bad entries are skipped. */
ocpp_status_t ocpp_auth_cache_load(ocpp_auth_cache_t *c, const ocpp_storage_port_t *st,
                                   char *scratch, size_t cap);

#endif /* OCPP_AUTHCACHE_H */
