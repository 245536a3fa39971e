/**
 * @file fleet_opts.c
 * @brief ocpp-sim's fleet options: id patterns, credentials CSV, connector
 *        mix, URL and address lists, boot ramp, open-files plan (see
 *        fleet_opts.h).
 */
#define _POSIX_C_SOURCE 200809L

#include "fleet_opts.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int
fail(char *err, size_t cap, const char *fmt, ...)
{
    if (err != NULL && cap > 0u) {
        va_list ap;
        va_start(ap, fmt);
        (void)vsnprintf(err, cap, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* ------------------------------------------------------------------------ */
/* Station ids                                                               */
/* ------------------------------------------------------------------------ */

/** Width of `{n...}` at p (p at '{', followed by 'n'): 0 for `{n}`, W for
 *  `{n:0W}`; *len: characters of the placeholder. -1: malformed. */
static int placeholder(const char *p, size_t *len)
{
    if (p[1] != 'n') {
        return -1;
    }
    if (p[2] == '}') {
        *len = 3;
        return 0;
    }
    if (p[2] == ':' && p[3] == '0' && p[4] >= '1' && p[4] <= '9' && p[5] == '}') {
        *len = 6;
        return p[4] - '0';
    }
    return -1;
}

/** An id being written: what fits `cap` is kept, n counts it all. */
typedef struct {
    char *out;
    size_t cap;
    size_t n;
} idbuf_t;

static void put(idbuf_t *b, const char *text, size_t len)
{
    for (size_t i = 0; i < len; i++, b->n++) {
        if (b->n + 1u < b->cap) {
            b->out[b->n] = text[i];
        }
    }
}

static void put_number(idbuf_t *b, const char *fmt, int width, unsigned num)
{
    char text[16];
    int k = snprintf(text, sizeof text, fmt, width, num);
    put(b, text, k > 0 ? (size_t)k : 0u);
}

/** One element of the pattern at p into b: @return the characters it took,
 *  or -1 if it is malformed (err says why, when given). */
static int element(const char *pattern, const char *p, unsigned num, idbuf_t *b, char *err,
                   size_t err_cap)
{
    unsigned char c = (unsigned char)*p;
    size_t at = (size_t)(p - pattern) + 1u;
    if (c < 0x20u || c == 0x7Fu) {
        return fail(err, err_cap, "--id: control character at position %zu", at);
    }
    if (c == '/') {
        return fail(err, err_cap, "--id: '/' at position %zu (an id is also a directory name)", at);
    }
    if ((c == '{' && p[1] == '{') || (c == '}' && p[1] == '}')) {
        put(b, p, 1);
        return 2;
    }
    if (c == '}') {
        return fail(err, err_cap, "--id: '}' at position %zu without '{' (a literal brace is }})",
                    at);
    }
    if (c == '{') {
        size_t len = 0;
        int width = placeholder(p, &len);
        if (width < 0) {
            return fail(err, err_cap,
                        "--id: bad placeholder at position %zu: use {n} (the station number) "
                        "or {n:0W} (zero-padded to W digits, 1..9); {{ is a literal brace",
                        at);
        }
        put_number(b, "%0*u", width, num);
        return (int)len;
    }
    put(b, p, 1);
    return 1;
}

/** Expand the pattern for number `num` into out (cap with the NUL); returns
 *  the length it needs (like snprintf), or -1 if the pattern is malformed
 *  (err says why, when given). */
static int expand(const char *pattern, unsigned num, bool append, char *out, size_t cap, char *err,
                  size_t err_cap)
{
    idbuf_t b = {out, cap, 0};
    for (const char *p = pattern; *p != '\0';) {
        int k = element(pattern, p, num, &b, err, err_cap);
        if (k < 0) {
            return -1;
        }
        p += k;
    }
    if (append) {
        put_number(&b, "-%0*u", 4, num);
    }
    if (cap > 0u) {
        out[b.n < cap ? b.n : cap - 1u] = '\0';
    }
    return (int)b.n;
}

int sim_fleet_ids_parse(sim_fleet_ids_t *ids, const char *pattern, unsigned start,
                        unsigned stations, size_t max_len, char *err, size_t err_cap)
{
    *ids = (sim_fleet_ids_t){0};
    if (pattern == NULL || pattern[0] == '\0') {
        return fail(err, err_cap,
                    "--id must not be empty (the charge point id is appended to the CSMS URL)");
    }
    if (stations == 0u || start > 999999999u || stations - 1u > 999999999u - start) {
        return fail(err, err_cap, "--id-start: station numbers must stay below 1,000,000,000");
    }
    bool numbered = false;
    for (const char *p = pattern; *p != '\0'; p++) {
        size_t len = 0;
        if (p[0] == '{' && p[1] == '{') {
            p++;
        } else if (p[0] == '{' && placeholder(p, &len) >= 0) {
            numbered = true;
            p += len - 1u;
        }
    }
    bool append = !numbered && stations > 1u;
    /* The last number is the widest: the longest id. */
    char probe[8];
    int need = expand(pattern, start + stations - 1u, append, probe, sizeof probe, err, err_cap);
    if (need < 0) {
        return -1;
    }
    if (need == 0) {
        return fail(err, err_cap, "--id: the pattern gives an empty id");
    }
    if ((size_t)need > max_len) {
        return fail(err, err_cap, "--id: station %u's id would be %d characters, at most %zu",
                    start + stations - 1u, need, max_len);
    }
    *ids = (sim_fleet_ids_t){
        .pattern = pattern, .start = start, .numbered = numbered, .append = append};
    return 0;
}

int sim_fleet_id(const sim_fleet_ids_t *ids, unsigned index, char *out, size_t cap)
{
    int n = expand(ids->pattern, ids->start + index, ids->append, out, cap, NULL, 0);
    return n < 0 || (size_t)n >= cap ? -1 : n;
}

/* ------------------------------------------------------------------------ */
/* Credentials                                                               */
/* ------------------------------------------------------------------------ */

static int cred_cmp(const void *a, const void *b)
{
    const sim_cred_t *x = a;
    const sim_cred_t *y = b;
    int c = strcmp(x->id, y->id);
    return c != 0 ? c : (x->line > y->line) - (x->line < y->line);
}

static bool has_control(const char *s)
{
    for (; *s != '\0'; s++) {
        if ((unsigned char)*s < 0x20u || (unsigned char)*s == 0x7Fu) {
            return true;
        }
    }
    return false;
}

/** Check one line (NUL-terminated, CR dropped) and add it to c->v. */
static int cred_line(sim_creds_t *c, char *line, unsigned no, bool *header_ok, size_t max_id,
                     char *err, size_t err_cap)
{
    if (line[0] == '\0' || line[0] == '#') {
        return 0;
    }
    bool first = *header_ok;
    *header_ok = false;
    if (first && strcmp(line, "id,password") == 0) {
        return 0;
    }
    char *comma = strchr(line, ',');
    if (comma == NULL || strchr(comma + 1, ',') != NULL) {
        return fail(err, err_cap, "line %u: expected id,password (exactly one comma)", no);
    }
    *comma = '\0';
    const char *pw = comma + 1;
    if (line[0] == '\0') {
        return fail(err, err_cap, "line %u: empty id", no);
    }
    if (pw[0] == '\0') {
        return fail(err, err_cap, "line %u: empty password for %s", no, line);
    }
    if (has_control(line) || has_control(pw)) {
        return fail(err, err_cap, "line %u: control character", no);
    }
    if (strlen(line) > max_id) {
        return fail(err, err_cap, "line %u: id longer than %zu characters", no, max_id);
    }
    c->v[c->n++] = (sim_cred_t){.id = line, .password = pw, .line = no};
    return 0;
}

int sim_creds_parse(sim_creds_t *c, const char *text, size_t len, size_t max_id, char *err,
                    size_t err_cap)
{
    *c = (sim_creds_t){0};
    if (memchr(text, '\0', len) != NULL) {
        unsigned no = 1;
        for (const char *p = text; *p != '\0'; p++) {
            no += *p == '\n';
        }
        return fail(err, err_cap, "line %u: NUL byte (not a text file)", no);
    }
    size_t lines = 1;
    for (size_t i = 0; i < len; i++) {
        lines += text[i] == '\n';
    }
    c->text = malloc(len + 1u);
    c->v = malloc(lines * sizeof *c->v);
    if (c->text == NULL || c->v == NULL) {
        sim_creds_free(c);
        return fail(err, err_cap, "out of memory");
    }
    memcpy(c->text, text, len);
    c->text[len] = '\0';
    bool header_ok = true;
    unsigned no = 0;
    for (char *p = c->text; p != NULL;) {
        char *nl = strchr(p, '\n');
        if (nl != NULL) {
            *nl = '\0';
        }
        size_t n = strlen(p);
        if (n > 0u && p[n - 1u] == '\r') {
            p[n - 1u] = '\0';
        }
        no++;
        if (cred_line(c, p, no, &header_ok, max_id, err, err_cap) != 0) {
            sim_creds_free(c);
            return -1;
        }
        p = nl != NULL ? nl + 1 : NULL;
    }
    qsort(c->v, c->n, sizeof *c->v, cred_cmp);
    for (size_t i = 1; i < c->n; i++) {
        if (strcmp(c->v[i - 1u].id, c->v[i].id) == 0) {
            int r = fail(err, err_cap, "line %u: %s given again (first on line %u)", c->v[i].line,
                         c->v[i].id, c->v[i - 1u].line);
            sim_creds_free(c);
            return r;
        }
    }
    return 0;
}

int sim_creds_load(sim_creds_t *c, const char *path, size_t max_id, char *err, size_t err_cap)
{
    *c = (sim_creds_t){0};
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return fail(err, err_cap, "--credentials %s: %s", path, strerror(errno));
    }
    size_t cap = 1u << 16;
    size_t len = 0;
    char *buf = malloc(cap);
    int rc = 0;
    while (buf != NULL) {
        len += fread(buf + len, 1, cap - len, f);
        if (len < cap) {
            break;
        }
        if (cap >= (size_t)64 << 20) {
            rc = fail(err, err_cap, "--credentials %s: larger than 64 MiB", path);
            break;
        }
        char *more = realloc(buf, cap * 2u);
        if (more == NULL) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = more;
        cap *= 2u;
    }
    if (rc == 0 && buf == NULL) {
        rc = fail(err, err_cap, "--credentials %s: out of memory", path);
    } else if (rc == 0 && ferror(f)) {
        rc = fail(err, err_cap, "--credentials %s: read error", path);
    }
    (void)fclose(f);
    if (rc == 0 && buf != NULL) {
        char why[200];
        if (sim_creds_parse(c, buf, len, max_id, why, sizeof why) != 0) {
            rc = fail(err, err_cap, "--credentials %s: %s", path, why);
        }
    }
    free(buf);
    return rc;
}

const sim_cred_t *sim_creds_find(const sim_creds_t *c, const char *id)
{
    if (c->n == 0u) {
        return NULL;
    }
    sim_cred_t key = {.id = id, .line = 0};
    size_t lo = 0;
    size_t hi = c->n;
    while (lo < hi) { /* ids are unique: the first not below key */
        size_t mid = lo + (hi - lo) / 2u;
        if (strcmp(c->v[mid].id, key.id) < 0) {
            lo = mid + 1u;
        } else {
            hi = mid;
        }
    }
    return lo < c->n && strcmp(c->v[lo].id, id) == 0 ? &c->v[lo] : NULL;
}

void sim_creds_free(sim_creds_t *c)
{
    free(c->text);
    free(c->v);
    *c = (sim_creds_t){0};
}

/* ------------------------------------------------------------------------ */
/* Connector mix                                                             */
/* ------------------------------------------------------------------------ */

/** A decimal 1..hi at *p (advanced), or -1. */
static long number(const char **p, long hi)
{
    if (**p < '0' || **p > '9') {
        return -1;
    }
    long v = 0;
    while (**p >= '0' && **p <= '9') {
        v = v * 10 + (**p - '0');
        if (v > hi) {
            return -1;
        }
        (*p)++;
    }
    return v;
}

/** Shares in percent (classes[k] with pct[k], summing to 100) into 100 slots,
 *  interleaved by smooth weighted round-robin: in every prefix of the table
 *  each class has its share within one slot. */
static void spread(uint8_t table[100], const uint8_t *classes, const unsigned *pct, unsigned k)
{
    int credit[SIM_FLEET_MIX_MAX] = {0};
    for (unsigned slot = 0; slot < 100u; slot++) {
        unsigned best = 0;
        for (unsigned j = 0; j < k; j++) {
            credit[j] += (int)pct[j];
            if (credit[j] > credit[best]) {
                best = j;
            }
        }
        credit[best] -= 100;
        table[slot] = classes[best];
    }
}

int sim_conn_mix_parse(sim_conn_mix_t *m, const char *s, unsigned max_connectors, char *err,
                       size_t err_cap)
{
    *m = (sim_conn_mix_t){0};
    bool shares = strchr(s, ':') != NULL || strchr(s, '%') != NULL;
    uint8_t classes[SIM_FLEET_MIX_MAX];
    unsigned pct[SIM_FLEET_MIX_MAX];
    unsigned total = 0;
    const char *p = s;
    for (unsigned item = 1;; item++) {
        long c = number(&p, (long)max_connectors);
        if (c < 1) {
            return fail(err, err_cap,
                        "--connectors must be 1..%u (this build's OCPP_CONFIG_MAX_CONNECTORS), "
                        "a list 1,2,2,4 or shares 1:20%%,2:80%%; got %s (item %u)",
                        max_connectors, s, item);
        }
        if (m->n >= SIM_FLEET_MIX_MAX) {
            return fail(err, err_cap, "--connectors: at most %u items", SIM_FLEET_MIX_MAX);
        }
        m->max = (uint8_t)((unsigned)c > m->max ? (unsigned)c : m->max);
        if (shares) {
            long share = -1;
            if (*p == ':') {
                p++;
                share = number(&p, 100);
            }
            if (share < 1 || *p != '%') {
                return fail(err, err_cap,
                            "--connectors: item %u of %s is no COUNT:PERCENT%% (e.g. 2:70%%)", item,
                            s);
            }
            p++;
            if (total + (unsigned)share > 100u) {
                return fail(err, err_cap,
                            "--connectors: the shares of %s add up to more than 100%%", s);
            }
            classes[m->n] = (uint8_t)c;
            pct[m->n++] = (unsigned)share;
            total += (unsigned)share;
        } else {
            m->table[m->n++] = (uint8_t)c;
        }
        if (*p == '\0') {
            break;
        }
        if (*p != ',') {
            return fail(err, err_cap, "--connectors: unexpected '%c' in %s", *p, s);
        }
        p++;
    }
    if (shares) {
        if (total != 100u) {
            return fail(err, err_cap, "--connectors: the shares of %s add up to %u%%, not 100%%", s,
                        total);
        }
        spread(m->table, classes, pct, m->n);
        m->n = 100;
    }
    return 0;
}

uint8_t sim_conn_mix_of(const sim_conn_mix_t *m, unsigned index)
{
    return m->table[index % m->n];
}

/* ------------------------------------------------------------------------ */
/* Lists                                                                     */
/* ------------------------------------------------------------------------ */

static int check_item(const char *it, sim_list_kind_t kind, const char *option, unsigned k,
                      char *err, size_t err_cap)
{
    if (it[0] == '\0') {
        return fail(err, err_cap, "%s: item %u is empty", option, k);
    }
    if (kind == SIM_LIST_URL) {
        if (strncmp(it, "ws://", 5) != 0 && strncmp(it, "wss://", 6) != 0) {
            return fail(err, err_cap, "%s: %s is no ws:// or wss:// URL", option, it);
        }
        return 0;
    }
    unsigned char a[16];
    if (inet_pton(AF_INET, it, a) != 1 && inet_pton(AF_INET6, it, a) != 1) {
        return fail(err, err_cap, "%s: %s is no numeric IPv4 or IPv6 address", option, it);
    }
    return 0;
}

int sim_fleet_list_parse(sim_fleet_list_t *l, const char *s, sim_list_kind_t kind,
                         const char *option, char *err, size_t err_cap)
{
    *l = (sim_fleet_list_t){0};
    size_t len = strlen(s);
    l->buf = malloc(len + 1u);
    if (l->buf == NULL) {
        return fail(err, err_cap, "out of memory");
    }
    memcpy(l->buf, s, len + 1u);
    for (char *p = l->buf;;) {
        char *comma = strchr(p, ',');
        if (comma != NULL) {
            *comma = '\0';
        }
        if (l->n >= SIM_FLEET_LIST_MAX) {
            sim_fleet_list_free(l);
            return fail(err, err_cap, "%s: at most %u items", option, SIM_FLEET_LIST_MAX);
        }
        if (check_item(p, kind, option, l->n + 1u, err, err_cap) != 0) {
            sim_fleet_list_free(l);
            return -1;
        }
        l->item[l->n++] = p;
        if (comma == NULL) {
            break;
        }
        p = comma + 1;
    }
    return 0;
}

const char *sim_fleet_list_at(const sim_fleet_list_t *l, unsigned index)
{
    return l->n == 0u ? NULL : l->item[index % l->n];
}

void sim_fleet_list_free(sim_fleet_list_t *l)
{
    free(l->buf);
    *l = (sim_fleet_list_t){0};
}

/* ------------------------------------------------------------------------ */
/* Ramp, open files                                                          */
/* ------------------------------------------------------------------------ */

int sim_fleet_ramp_parse(const char *s, uint32_t *per_s_milli, char *err, size_t err_cap)
{
    const char *p = s;
    uint64_t v = 0;
    int digits = 0;
    while (*p >= '0' && *p <= '9' && digits < 7) {
        v = v * 10u + (uint64_t)(*p++ - '0');
        digits++;
    }
    uint64_t milli = v * 1000u;
    if (*p == '.' && digits > 0) {
        p++;
        uint64_t scale = 100;
        for (int k = 0; k < 3 && *p >= '0' && *p <= '9'; k++, p++) {
            milli += (uint64_t)(*p - '0') * scale;
            scale /= 10u;
        }
    }
    if (digits == 0 || *p != '\0' || milli < 100u || milli > 100000000u) {
        return fail(err, err_cap,
                    "--ramp: stations per second, 0.1..100000 (up to 3 decimals), got %s", s);
    }
    *per_s_milli = (uint32_t)milli;
    return 0;
}

uint32_t sim_fleet_ramp_offset_ms(uint32_t per_s_milli, unsigned index)
{
    if (per_s_milli == 0u) {
        return 0;
    }
    /* index / (milli / 1000) s = index * 1e6 / milli ms; at most 1e5 * 1e4 */
    return (uint32_t)((uint64_t)index * 1000000u / per_s_milli);
}

unsigned sim_fleet_nofile_plan(uint64_t soft, uint64_t hard, unsigned stations, uint64_t *new_soft)
{
    uint64_t want = (uint64_t)stations + SIM_FLEET_FD_RESERVE;
    uint64_t set = want < hard ? want : hard;
    *new_soft = set > soft ? set : soft;
    uint64_t limit = *new_soft;
    if (limit >= want) {
        return stations;
    }
    return limit > SIM_FLEET_FD_RESERVE ? (unsigned)(limit - SIM_FLEET_FD_RESERVE) : 0u;
}
