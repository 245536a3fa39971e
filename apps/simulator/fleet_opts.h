/**
 * @file fleet_opts.h
 * @brief ocpp-sim's fleet options as pure functions (no I/O but
 *        sim_creds_load()): station ids from a pattern, the credentials CSV,
 *        the connector mix, comma-separated lists (CSMS URLs, source
 *        addresses), the boot ramp and the open-files plan. main.c parses the
 *        command line with them and gives each station its share by index;
 *        tests/unit/test_fleet_opts.c checks them, bad input included.
 *
 * Every parser returns 0, or -1 with a one-line reason in err (NUL-terminated,
 * cut to err_cap) that names the option and, for the CSV, the line number.
 */
#ifndef SIM_FLEET_OPTS_H
#define SIM_FLEET_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** The most stations one process takes (--stations). */
#define SIM_FLEET_MAX_STATIONS 100000u
/** The most items of a comma-separated list (--csms, --bind). */
#define SIM_FLEET_LIST_MAX 64u
/** The most entries of a cyclic connector list (--connectors 1,2,2,4). */
#define SIM_FLEET_MIX_MAX 100u
/** File descriptors kept back from the stations' sockets: the HTTP server
 *  and its clients, storage files, standard streams. */
#define SIM_FLEET_FD_RESERVE 64u

/* ------------------------------------------------------------------------ */
/* Station ids (--id PATTERN, --id-start N)                                  */
/* ------------------------------------------------------------------------ */

/**
 * Station ids from a pattern. `{n}` is the station's number (--id-start
 * plus its index), `{n:0W}` the same zero-padded to W digits (W 1..9), `{{`
 * and `}}` a literal brace; everything else is taken as it is (printable
 * characters, no '/'). A pattern without `{n}` is a plain id: with one
 * station it is the id, with more `-{n:04}` is appended (ID-0001, ID-0002,
 * ... as before).
 */
typedef struct {
    const char *pattern; /**< The option's text (not copied: argv outlives it). */
    unsigned start;      /**< The first station's number. */
    bool numbered;       /**< The pattern has `{n}`. */
    bool append;         /**< No `{n}` and several stations: "-{n:04}" appended. */
} sim_fleet_ids_t;

/**
 * Check `pattern` and that every id of `stations` stations numbered from
 * `start` fits `max_len` characters.
 * @return 0, or -1 (err: what is wrong and where).
 */
int sim_fleet_ids_parse(sim_fleet_ids_t *ids, const char *pattern, unsigned start,
                        unsigned stations, size_t max_len, char *err, size_t err_cap);

/**
 * The id of the station at `index` (0-based) into out.
 * @return its length, or -1 if it does not fit cap (with the NUL).
 */
int sim_fleet_id(const sim_fleet_ids_t *ids, unsigned index, char *out, size_t cap);

/* ------------------------------------------------------------------------ */
/* Credentials (--credentials FILE)                                          */
/* ------------------------------------------------------------------------ */

/** One line of the credentials file. */
typedef struct {
    const char *id;
    const char *password;
    unsigned line; /**< 1-based line number in the file. */
} sim_cred_t;

/** The credentials file, sorted by id (its own copy of the text; heap). */
typedef struct {
    char *text;
    sim_cred_t *v;
    size_t n;
} sim_creds_t;

/**
 * Parse a CSV of `id,password` lines: exactly one comma per line, no quoting
 * and no trimming (the password is every byte after the comma; a trailing
 * CR is dropped); empty lines and lines starting with '#' are skipped; the
 * first other line may be the header `id,password`. Errors name the line:
 * no comma or more than one, an empty id or password, an id longer than
 * `max_id`, control characters, a NUL byte, an id given twice (with the line
 * of the first).
 * @return 0 (c owns a copy of the text: sim_creds_free()), or -1 (c empty).
 */
int sim_creds_parse(sim_creds_t *c, const char *text, size_t len, size_t max_id, char *err,
                    size_t err_cap);

/** Read `path` (at most 64 MiB) and sim_creds_parse() it; err names the file. */
int sim_creds_load(sim_creds_t *c, const char *path, size_t max_id, char *err, size_t err_cap);

/** The entry of `id`, or NULL (binary search). */
const sim_cred_t *sim_creds_find(const sim_creds_t *c, const char *id);

/** Release what sim_creds_parse() allocated; c is empty afterwards. Idempotent. */
void sim_creds_free(sim_creds_t *c);

/* ------------------------------------------------------------------------ */
/* Connectors per station (--connectors N | a,b,c | a:P%,b:Q%)               */
/* ------------------------------------------------------------------------ */

/**
 * Connectors per station by index: one count for all (`2`), a cyclic list
 * (`1,2,2,4`: station i gets item i mod 4), or shares in percent summing to
 * 100 (`1:20%,2:70%,4:10%`): in every block of 100 consecutive stations
 * exactly those shares, interleaved (smooth weighted round-robin), so that
 * the first k stations of a block hold each share within one station.
 * Either way station i takes slot i mod n of one table.
 */
typedef struct {
    uint8_t table[SIM_FLEET_MIX_MAX];
    uint8_t n;   /**< Slots used (100 for shares). */
    uint8_t max; /**< The largest count. */
} sim_conn_mix_t;

/** Parse s; every count must be 1..max_connectors. */
int sim_conn_mix_parse(sim_conn_mix_t *m, const char *s, unsigned max_connectors, char *err,
                       size_t err_cap);

/** The connector count of the station at `index`. */
uint8_t sim_conn_mix_of(const sim_conn_mix_t *m, unsigned index);

/* ------------------------------------------------------------------------ */
/* Comma-separated lists (--csms URL,URL, --bind ADDR,ADDR), round-robin     */
/* ------------------------------------------------------------------------ */

/** What the items of a list must be. */
typedef enum {
    SIM_LIST_URL, /**< ws://... or wss://... */
    SIM_LIST_ADDR /**< A numeric IPv4 or IPv6 address. */
} sim_list_kind_t;

/** A parsed list (its own copy of the text; heap). */
typedef struct {
    char *buf;
    const char *item[SIM_FLEET_LIST_MAX];
    unsigned n;
} sim_fleet_list_t;

/**
 * Split s at its commas into at most SIM_FLEET_LIST_MAX items, each
 * non-empty and of `kind`; `option` names the option in err.
 * @return 0 (l owns a copy: sim_fleet_list_free()), or -1 (l empty).
 */
int sim_fleet_list_parse(sim_fleet_list_t *l, const char *s, sim_list_kind_t kind,
                         const char *option, char *err, size_t err_cap);

/** Item index mod n (round-robin), or NULL for an empty list. */
const char *sim_fleet_list_at(const sim_fleet_list_t *l, unsigned index);

/** Release the copy; l is empty afterwards. Idempotent. */
void sim_fleet_list_free(sim_fleet_list_t *l);

/* ------------------------------------------------------------------------ */
/* Boot ramp (--ramp R)                                                      */
/* ------------------------------------------------------------------------ */

/** "R" stations per second, 0.1..100000 with up to 3 decimals, into thousandths. */
int sim_fleet_ramp_parse(const char *s, uint32_t *per_s_milli, char *err, size_t err_cap);

/** When the station at `index` may start, in ms after the first (0 without a ramp). */
uint32_t sim_fleet_ramp_offset_ms(uint32_t per_s_milli, unsigned index);

/* ------------------------------------------------------------------------ */
/* Open files                                                                */
/* ------------------------------------------------------------------------ */

/**
 * The soft open-files limit `stations` stations want (a socket each plus
 * SIM_FLEET_FD_RESERVE), within `hard`: *new_soft is what to set (never below
 * `soft`). @return how many stations can hold a socket (stations if all).
 */
unsigned sim_fleet_nofile_plan(uint64_t soft, uint64_t hard, unsigned stations, uint64_t *new_soft);

#endif /* SIM_FLEET_OPTS_H */
