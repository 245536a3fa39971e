/*
 * Log-structured, power-loss-safe key/record store on NOR flash.
 * Format, recovery and guarantees: see ocpp_flash_store.h.
 */
/* Relative to this file, so that a fuzz target can compile it in directly. */
#include "include/ocpp/ocpp_flash_store.h"

#include <string.h>

#define SEC_MAGIC   0x5346434Fu /* "OCFS": format header */
#define OPEN_MAGIC  0x4E45504Fu /* "OPEN": seeds the open header's CRC */
#define REC_MAGIC   0xB5u
#define REC_HDR     20u /* record header bytes */
#define KEY_MAX     31u
#define FMT_BYTES   12u /* format header: magic, erase count, crc */
#define OPEN_BYTES  8u  /* open header: sector seq, crc */
#define F_TOMB      0x01u
#define F_RETIRE    0x02u
#define CHUNK       64u /* read/program chunk; a multiple of every prog_size */
#define NO_SECTOR   0xFFFFFFFFu
#define COMMIT_BYTE 0x00u

/* Sector kinds found by sec_load(). */
enum { SEC_ERASED, SEC_VALID, SEC_DIRTY };

typedef struct {
    int kind;
    int fmt_ok; /* format header valid (erase count known) */
    uint32_t erase_cnt;
    uint32_t seq; /* open header's sector sequence number (SEC_VALID) */
} sec_info_t;

typedef struct {
    uint32_t sector;
    uint32_t off;  /* offset of the record in its sector */
    uint32_t size; /* total bytes incl. padding and commit unit */
    uint32_t len;  /* data bytes */
    uint32_t seq;
    uint32_t dcrc;
    uint8_t flags;
    uint8_t klen;
    uint8_t key[KEY_MAX];
} rec_t;

typedef struct {
    uint32_t sector;
    uint32_t off; /* 0: the sector header is not checked yet */
} scan_t;

/* ------------------------------------------------------------------------ */
/* Small helpers                                                             */
/* ------------------------------------------------------------------------ */

static const uint32_t crc_nibble[16] = {0x00000000u, 0x1DB71064u, 0x3B6E20C8u, 0x26D930ACu,
                                        0x76DC4190u, 0x6B6B51F4u, 0x4DB26158u, 0x5005713Cu,
                                        0xEDB88320u, 0xF00F9344u, 0xD6D6A3E8u, 0xCB61B38Cu,
                                        0x9B64C2B0u, 0x86D3D2D4u, 0xA00AE278u, 0xBDBDB21Cu};

/* CRC-32 (IEEE 802.3, reflected), continued from crc (start with 0). */
static uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t n)
{
    crc = ~crc;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        crc = (crc >> 4) ^ crc_nibble[crc & 15u];
        crc = (crc >> 4) ^ crc_nibble[crc & 15u];
    }
    return ~crc;
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static uint32_t align_up(uint32_t x, uint32_t u)
{
    return (x + u - 1u) & ~(u - 1u);
}

static int all_ff(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] != OCPP_FLASH_ERASED) {
            return 0;
        }
    }
    return 1;
}

static uint32_t unit(const ocpp_flash_store_t *s)
{
    return s->flash->prog_size;
}

static uint32_t commit_size(const ocpp_flash_store_t *s)
{
    return align_up(4u, unit(s));
}

static uint32_t rec_size(const ocpp_flash_store_t *s, uint32_t klen, uint32_t len)
{
    return align_up(REC_HDR + klen + len, unit(s)) + commit_size(s);
}

/* Room every sector keeps for one retire record. */
static uint32_t retire_size(const ocpp_flash_store_t *s)
{
    return rec_size(s, 0u, 4u);
}

static int key_ok(const uint8_t *k, size_t n)
{
    if (n == 0u || n > KEY_MAX) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        uint8_t c = k[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '_' || c == '.' || c == '-';
        if (!ok) {
            return 0;
        }
    }
    return 1;
}

/* Length of a valid NUL-terminated key, or 0. */
static size_t key_len(const char *key)
{
    if (key == NULL) {
        return 0;
    }
    size_t n = 0;
    while (n <= KEY_MAX && key[n] != '\0') {
        n++;
    }
    return key_ok((const uint8_t *)key, n) ? n : 0u;
}

/* ------------------------------------------------------------------------ */
/* Driver access                                                             */
/* ------------------------------------------------------------------------ */

static uint32_t sec_base(const ocpp_flash_store_t *s, uint32_t sector)
{
    return sector * s->flash->sector_size;
}

static ocpp_status_t fl_read(const ocpp_flash_store_t *s, uint32_t sector, uint32_t off,
                             uint8_t *buf, size_t len)
{
    const ocpp_flash_t *f = s->flash;
    return f->read(f->ctx, sec_base(s, sector) + off, buf, len) == OCPP_OK ? OCPP_OK : OCPP_ERR_IO;
}

/* Program data[0..len) at sector:off (both multiples of the unit), split at pages. */
static ocpp_status_t fl_prog(const ocpp_flash_store_t *s, uint32_t sector, uint32_t off,
                             const uint8_t *data, uint32_t len)
{
    const ocpp_flash_t *f = s->flash;
    uint32_t addr = sec_base(s, sector) + off;
    while (len > 0u) {
        uint32_t room = f->page_size - (addr & (f->page_size - 1u));
        uint32_t n = len < room ? len : room;
        if (f->program(f->ctx, addr, data, n) != OCPP_OK) {
            return OCPP_ERR_IO;
        }
        addr += n;
        data += n;
        len -= n;
    }
    return OCPP_OK;
}

/* Check that sector:[off, end) reads all 0xFF. @return 1 yes, 0 no, <0 error. */
static int range_erased(const ocpp_flash_store_t *s, uint32_t sector, uint32_t off, uint32_t end)
{
    uint8_t buf[CHUNK];
    while (off < end) {
        uint32_t n = end - off < CHUNK ? end - off : CHUNK;
        if (fl_read(s, sector, off, buf, n) != OCPP_OK) {
            return OCPP_ERR_IO;
        }
        if (!all_ff(buf, n)) {
            return 0;
        }
        off += n;
    }
    return 1;
}

/* ------------------------------------------------------------------------ */
/* Sector headers                                                            */
/* ------------------------------------------------------------------------ */

static uint32_t open_off(const ocpp_flash_store_t *s)
{
    return align_up(FMT_BYTES, unit(s));
}

/*
 * Classify a sector from its headers. With `verify`, an apparently erased
 * sector is also checked to be 0xFF everywhere after its format header.
 */
static ocpp_status_t sec_load(const ocpp_flash_store_t *s, uint32_t sector, int verify,
                              sec_info_t *info)
{
    uint8_t h[FMT_BYTES + OPEN_BYTES];
    if (fl_read(s, sector, 0, h, FMT_BYTES) != OCPP_OK ||
        fl_read(s, sector, open_off(s), h + FMT_BYTES, OPEN_BYTES) != OCPP_OK) {
        return OCPP_ERR_IO;
    }
    const uint8_t *o = h + FMT_BYTES;
    int fmt_ff = all_ff(h, FMT_BYTES);
    info->fmt_ok = get32(h) == SEC_MAGIC && get32(h + 8) == crc32_update(0, h, 8);
    info->erase_cnt = info->fmt_ok ? get32(h + 4) : 0u;
    info->seq = get32(o);
    int open_ok = get32(o + 4) == crc32_update(OPEN_MAGIC, o, 4);
    info->kind = SEC_DIRTY;
    if (info->fmt_ok && open_ok) {
        info->kind = SEC_VALID;
    } else if ((info->fmt_ok || fmt_ff) && all_ff(o, OPEN_BYTES)) {
        info->kind = SEC_ERASED;
        if (verify) {
            int r = range_erased(s, sector, fmt_ff ? 0u : FMT_BYTES, s->flash->sector_size);
            if (r < 0) {
                return OCPP_ERR_IO;
            }
            info->kind = r ? SEC_ERASED : SEC_DIRTY;
        }
    }
    return OCPP_OK;
}

/* Program the format header (the sector must be erased). */
static ocpp_status_t sec_format(ocpp_flash_store_t *s, uint32_t sector, uint32_t erase_cnt)
{
    uint8_t h[OCPP_FLASH_MAX_PROG_SIZE > 16u ? OCPP_FLASH_MAX_PROG_SIZE : 16u];
    memset(h, OCPP_FLASH_ERASED, sizeof(h));
    put32(h, SEC_MAGIC);
    put32(h + 4, erase_cnt);
    put32(h + 8, crc32_update(0, h, 8));
    if (erase_cnt > s->max_erase) {
        s->max_erase = erase_cnt;
    }
    return fl_prog(s, sector, 0, h, open_off(s));
}

/* Erase a sector and format it as a spare, keeping its erase count. */
static ocpp_status_t sec_erase(ocpp_flash_store_t *s, uint32_t sector)
{
    sec_info_t info;
    if (sec_load(s, sector, 0, &info) != OCPP_OK) {
        return OCPP_ERR_IO;
    }
    uint32_t cnt = info.fmt_ok ? info.erase_cnt : s->max_erase;
    s->erases++;
    if (s->flash->erase(s->flash->ctx, sector) != OCPP_OK) {
        return OCPP_ERR_IO;
    }
    return sec_format(s, sector, cnt + 1u);
}

/* ------------------------------------------------------------------------ */
/* Records                                                                   */
/* ------------------------------------------------------------------------ */

/* Parse the record header at sector:off. @return 1 valid, 0 none (end of log), <0 error. */
static int rec_load(const ocpp_flash_store_t *s, uint32_t sector, uint32_t off, rec_t *r)
{
    uint8_t h[REC_HDR + KEY_MAX];
    uint32_t ssize = s->flash->sector_size;
    if (off + REC_HDR + commit_size(s) > ssize) {
        return 0;
    }
    uint32_t n = ssize - off < sizeof(h) ? ssize - off : (uint32_t)sizeof(h);
    if (fl_read(s, sector, off, h, n) != OCPP_OK) {
        return OCPP_ERR_IO;
    }
    if (h[0] != REC_MAGIC || get32(h + 16) != crc32_update(0, h, 16)) {
        return 0;
    }
    r->flags = h[1];
    r->klen = h[2];
    r->len = get32(h + 4);
    r->seq = get32(h + 8);
    r->dcrc = get32(h + 12);
    if (r->flags == F_RETIRE) {
        if (r->klen != 0u || r->len != 4u) {
            return 0;
        }
    } else if ((r->flags & ~F_TOMB) != 0u || r->klen > n - REC_HDR ||
               !key_ok(h + REC_HDR, r->klen) || ((r->flags & F_TOMB) && r->len != 0u)) {
        return 0;
    }
    /* The store never writes a data record without room for a retire record
       after it (make_room, copy_rec): one that ends later is foreign, and
       compaction could not copy it to any sector. */
    uint32_t tail = r->flags == F_RETIRE ? 0u : retire_size(s);
    if (r->len > ssize || off + rec_size(s, r->klen, r->len) + tail > ssize) {
        return 0;
    }
    memcpy(r->key, h + REC_HDR, r->klen);
    r->sector = sector;
    r->off = off;
    r->size = rec_size(s, r->klen, r->len);
    return 1;
}

/*
 * Is the record committed (commit unit all 0x00)? The commit unit is
 * programmed after the data, so under the fault model the data is complete;
 * its CRC is checked where it is used (read(), retire records).
 * @return 1, 0, <0.
 */
static int rec_committed(const ocpp_flash_store_t *s, const rec_t *r)
{
    uint8_t buf[OCPP_FLASH_MAX_PROG_SIZE];
    uint32_t csz = commit_size(s);
    if (fl_read(s, r->sector, r->off + r->size - csz, buf, csz) != OCPP_OK) {
        return OCPP_ERR_IO;
    }
    for (uint32_t i = 0; i < csz; i++) {
        if (buf[i] != COMMIT_BYTE) {
            return 0;
        }
    }
    return 1;
}

/* Does the data CRC match? @return 1, 0, <0. */
static int rec_crc_ok(const ocpp_flash_store_t *s, const rec_t *r)
{
    uint8_t buf[CHUNK];
    uint32_t crc = crc32_update(0, r->key, r->klen);
    uint32_t pos = r->off + REC_HDR + r->klen;
    uint32_t left = r->len;
    while (left > 0u) {
        uint32_t n = left < CHUNK ? left : CHUNK;
        if (fl_read(s, r->sector, pos, buf, n) != OCPP_OK) {
            return OCPP_ERR_IO;
        }
        crc = crc32_update(crc, buf, n);
        pos += n;
        left -= n;
    }
    return crc == r->dcrc;
}

static int same_key(const rec_t *r, const uint8_t *key, uint32_t klen)
{
    return r->flags != F_RETIRE && r->klen == klen && memcmp(r->key, key, klen) == 0;
}

/* Next record header (valid or not committed) of the log. @return 1, 0 at the end, <0. */
static int scan_next(const ocpp_flash_store_t *s, scan_t *it, rec_t *r)
{
    while (it->sector < s->flash->sector_count) {
        if (it->off == 0u) {
            sec_info_t info;
            if (sec_load(s, it->sector, 0, &info) != OCPP_OK) {
                return OCPP_ERR_IO;
            }
            if (info.kind != SEC_VALID) {
                it->sector++;
                continue;
            }
            it->off = s->data_off;
        }
        int k = rec_load(s, it->sector, it->off, r);
        if (k < 0) {
            return k;
        }
        if (k == 0) {
            it->sector++;
            it->off = 0;
            continue;
        }
        it->off += r->size;
        return 1;
    }
    return 0;
}

/* Newest committed record of key. @return 1 found (*best), 0 none, <0 error. */
static int find_newest(const ocpp_flash_store_t *s, const uint8_t *key, uint32_t klen, rec_t *best)
{
    scan_t it = {0, 0};
    rec_t r;
    int found = 0;
    int k;
    while ((k = scan_next(s, &it, &r)) > 0) {
        if (!same_key(&r, key, klen) || (found && r.seq <= best->seq)) {
            continue;
        }
        int c = rec_committed(s, &r);
        if (c < 0) {
            return c;
        }
        if (c) {
            *best = r;
            found = 1;
        }
    }
    return k < 0 ? k : found;
}

/* ------------------------------------------------------------------------ */
/* Appending                                                                 */
/* ------------------------------------------------------------------------ */

/* Buffered programming of a byte stream in whole units. */
typedef struct {
    uint32_t sector;
    uint32_t off; /* where buf[0] goes */
    uint32_t n;
    uint8_t buf[CHUNK];
} wstream_t;

static ocpp_status_t ws_flush(const ocpp_flash_store_t *s, wstream_t *w)
{
    uint32_t n = align_up(w->n, unit(s));
    memset(w->buf + w->n, OCPP_FLASH_ERASED, n - w->n);
    ocpp_status_t st = fl_prog(s, w->sector, w->off, w->buf, n);
    w->off += n;
    w->n = 0;
    return st;
}

static ocpp_status_t ws_put(const ocpp_flash_store_t *s, wstream_t *w, const uint8_t *p, size_t len)
{
    while (len > 0u) {
        uint32_t room = CHUNK - w->n;
        uint32_t n = len < room ? (uint32_t)len : room;
        memcpy(w->buf + w->n, p, n);
        w->n += n;
        p += n;
        len -= n;
        if (w->n == CHUNK && ws_flush(s, w) != OCPP_OK) {
            return OCPP_ERR_IO;
        }
    }
    return OCPP_OK;
}

static ocpp_status_t prog_commit(const ocpp_flash_store_t *s, uint32_t sector, uint32_t off)
{
    uint8_t c[OCPP_FLASH_MAX_PROG_SIZE];
    memset(c, COMMIT_BYTE, sizeof(c));
    return fl_prog(s, sector, off, c, commit_size(s));
}

/* Append a record at the head (the caller made room). */
static ocpp_status_t append(ocpp_flash_store_t *s, uint8_t flags, const uint8_t *key, uint32_t klen,
                            const uint8_t *data, uint32_t len)
{
    wstream_t w;
    w.sector = s->head;
    w.off = s->head_off;
    w.n = REC_HDR;
    w.buf[0] = REC_MAGIC;
    w.buf[1] = flags;
    w.buf[2] = (uint8_t)klen;
    w.buf[3] = 0xFFu;
    put32(w.buf + 4, len);
    put32(w.buf + 8, s->next_seq);
    put32(w.buf + 12, crc32_update(crc32_update(0, key, klen), data, len));
    put32(w.buf + 16, crc32_update(0, w.buf, 16));
    uint32_t size = rec_size(s, klen, len);
    s->next_seq++;
    /* Whatever happens now, this space is used. */
    s->head_off += size;
    if (ws_put(s, &w, key, klen) != OCPP_OK || ws_put(s, &w, data, len) != OCPP_OK ||
        ws_flush(s, &w) != OCPP_OK) {
        return OCPP_ERR_IO;
    }
    return prog_commit(s, w.sector, s->head_off - commit_size(s));
}

/* Open the next spare after the head (round-robin) as the new head. */
static ocpp_status_t open_sector(ocpp_flash_store_t *s)
{
    uint32_t cnt = s->flash->sector_count;
    uint32_t start = s->head < cnt ? s->head + 1u : 0u;
    for (uint32_t i = 0; i < cnt; i++) {
        uint32_t sec = (start + i) % cnt;
        sec_info_t info;
        if (sec_load(s, sec, 0, &info) != OCPP_OK) {
            return OCPP_ERR_IO;
        }
        if (info.kind != SEC_ERASED) {
            continue;
        }
        if (!info.fmt_ok && sec_format(s, sec, s->max_erase) != OCPP_OK) {
            return OCPP_ERR_IO;
        }
        uint8_t o[OCPP_FLASH_MAX_PROG_SIZE];
        memset(o, OCPP_FLASH_ERASED, sizeof(o));
        put32(o, s->next_sseq);
        put32(o + 4, crc32_update(OPEN_MAGIC, o, 4));
        s->free_count--;
        s->head = sec;
        s->head_off = s->data_off;
        s->next_sseq++;
        return fl_prog(s, sec, open_off(s), o, s->data_off - open_off(s));
    }
    return OCPP_ERR_IO; /* free_count was wrong: the flash changed under us */
}

/* ------------------------------------------------------------------------ */
/* Compaction                                                                */
/* ------------------------------------------------------------------------ */

/*
 * Must record r of sector victim be kept? Not if a newer committed record of
 * its key exists, or a committed copy outside the victim, or if it is a
 * tombstone that hides nothing outside the victim. @return 1, 0, <0.
 */
static int rec_live(const ocpp_flash_store_t *s, const rec_t *r)
{
    scan_t it = {0, 0};
    rec_t q;
    int older_outside = 0;
    int k;
    while ((k = scan_next(s, &it, &q)) > 0) {
        if (!same_key(&q, r->key, r->klen) || (q.sector == r->sector && q.seq <= r->seq)) {
            continue;
        }
        if (q.seq < r->seq && (older_outside || !(r->flags & F_TOMB))) {
            continue;
        }
        int c = rec_committed(s, &q);
        if (c < 0) {
            return c;
        }
        if (!c) {
            continue;
        }
        if (q.seq >= r->seq) {
            return 0;
        }
        older_outside = 1;
    }
    if (k < 0) {
        return k;
    }
    return (r->flags & F_TOMB) ? older_outside : 1;
}

/* Copy record r unchanged (same sequence number) to the head. */
static ocpp_status_t copy_rec(ocpp_flash_store_t *s, const rec_t *r)
{
    uint32_t ssize = s->flash->sector_size;
    if (s->head_off + r->size + retire_size(s) > ssize && open_sector(s) != OCPP_OK) {
        return OCPP_ERR_IO;
    }
    uint8_t buf[CHUNK];
    uint32_t body = r->size - commit_size(s);
    uint32_t dst = s->head_off;
    s->head_off += r->size;
    for (uint32_t done = 0; done < body;) {
        uint32_t n = body - done < CHUNK ? body - done : CHUNK;
        if (fl_read(s, r->sector, r->off + done, buf, n) != OCPP_OK ||
            fl_prog(s, s->head, dst + done, buf, n) != OCPP_OK) {
            return OCPP_ERR_IO;
        }
        done += n;
    }
    return prog_commit(s, s->head, dst + body);
}

/* Oldest log sector. @return OCPP_OK with *victim, or OCPP_ERR_IO. */
static ocpp_status_t find_oldest(const ocpp_flash_store_t *s, uint32_t *victim, uint32_t *vseq)
{
    *victim = NO_SECTOR;
    for (uint32_t i = 0; i < s->flash->sector_count; i++) {
        sec_info_t info;
        if (sec_load(s, i, 0, &info) != OCPP_OK) {
            return OCPP_ERR_IO;
        }
        if (info.kind == SEC_VALID && (*victim == NO_SECTOR || info.seq < *vseq)) {
            *victim = i;
            *vseq = info.seq;
        }
    }
    return *victim == NO_SECTOR ? OCPP_ERR_IO : OCPP_OK;
}

/* Compact the oldest sector: copy its live records, retire it, erase it. */
static ocpp_status_t gc_once(ocpp_flash_store_t *s)
{
    uint32_t victim;
    uint32_t vseq = 0;
    if (find_oldest(s, &victim, &vseq) != OCPP_OK) {
        return OCPP_ERR_IO;
    }
    if (victim == s->head && open_sector(s) != OCPP_OK) {
        return OCPP_ERR_IO;
    }
    s->gc_runs++;
    uint32_t off = s->data_off;
    rec_t r;
    int k;
    while ((k = rec_load(s, victim, off, &r)) > 0) {
        off += r.size;
        if (r.flags == F_RETIRE) {
            continue; /* its victim is gone: mount erased it */
        }
        int c = rec_committed(s, &r);
        int live = c > 0 ? rec_live(s, &r) : c;
        if (live < 0 || (live > 0 && copy_rec(s, &r) != OCPP_OK)) {
            return OCPP_ERR_IO;
        }
    }
    if (k < 0) {
        return OCPP_ERR_IO;
    }
    if (s->head_off + retire_size(s) > s->flash->sector_size && open_sector(s) != OCPP_OK) {
        return OCPP_ERR_IO;
    }
    uint8_t v[4];
    put32(v, vseq);
    if (append(s, F_RETIRE, NULL, 0, v, 4) != OCPP_OK || sec_erase(s, victim) != OCPP_OK) {
        return OCPP_ERR_IO;
    }
    s->free_count++;
    return OCPP_OK;
}

/* Is committed record r counted in the live total (newest of its key, first copy)? */
static int rec_counts(const ocpp_flash_store_t *s, const rec_t *r)
{
    scan_t it = {0, 0};
    rec_t q;
    int k;
    while ((k = scan_next(s, &it, &q)) > 0) {
        int earlier = q.sector < r->sector || (q.sector == r->sector && q.off < r->off);
        if (!same_key(&q, r->key, r->klen) || q.seq < r->seq || (q.seq == r->seq && !earlier)) {
            continue;
        }
        int c = rec_committed(s, &q);
        if (c != 0) {
            return c < 0 ? c : 0;
        }
    }
    return k < 0 ? k : 1;
}

/* Next-fit packing: add a record of `size` bytes to the sectors counted so far. */
static void pack(const ocpp_flash_store_t *s, uint32_t size, uint32_t *sectors, uint32_t *used)
{
    if (*used + size > s->flash->sector_size - s->data_off - retire_size(s)) {
        (*sectors)++;
        *used = 0;
    }
    *used += size;
}

/*
 * How many sectors the live data records plus a new record of `size` bytes
 * fill when packed one after the other, as compaction packs them. The record
 * the new one replaces counts too: it stays until the new one is committed.
 * @return OCPP_OK or IO.
 */
static ocpp_status_t live_sectors(const ocpp_flash_store_t *s, uint32_t size, uint32_t *sectors)
{
    scan_t it = {0, 0};
    rec_t r;
    int k;
    uint32_t used = 0;
    *sectors = 1;
    while ((k = scan_next(s, &it, &r)) > 0) {
        if (r.flags != 0u) {
            continue;
        }
        int c = rec_committed(s, &r);
        int counts = c > 0 ? rec_counts(s, &r) : c;
        if (counts < 0) {
            return OCPP_ERR_IO;
        }
        if (counts) {
            pack(s, r.size, sectors, &used);
        }
    }
    pack(s, size, sectors, &used);
    return k < 0 ? OCPP_ERR_IO : OCPP_OK;
}

/* Make room for `size` bytes at the head, compacting if needed. */
static ocpp_status_t make_room(ocpp_flash_store_t *s, uint32_t size)
{
    const ocpp_flash_t *f = s->flash;
    uint32_t rounds = 0;
    int checked = 0;
    for (;;) {
        if (s->head < f->sector_count && s->head_off + size + retire_size(s) <= f->sector_size) {
            return OCPP_OK;
        }
        if (s->free_count >= 2u) {
            if (open_sector(s) != OCPP_OK) {
                return OCPP_ERR_IO;
            }
            continue;
        }
        /* One compaction usually makes room; check the live total before more. */
        if (!checked && rounds > 0u) {
            uint32_t need = 0;
            if (live_sectors(s, size, &need) != OCPP_OK) {
                return OCPP_ERR_IO;
            }
            if (need > f->sector_count - 1u) {
                return OCPP_ERR_NOMEM;
            }
            checked = 1;
        }
        if (s->free_count == 0u || rounds++ >= f->sector_count) {
            return OCPP_ERR_NOMEM; /* fragmented beyond what compaction recovers */
        }
        if (gc_once(s) != OCPP_OK) {
            return OCPP_ERR_IO;
        }
    }
}

/* ------------------------------------------------------------------------ */
/* Mount                                                                     */
/* ------------------------------------------------------------------------ */

static int geometry_ok(const ocpp_flash_t *f)
{
    if (f->read == NULL || f->program == NULL || f->erase == NULL) {
        return 0;
    }
    uint32_t u = f->prog_size;
    uint32_t p = f->page_size;
    if (u == 0u || u > OCPP_FLASH_MAX_PROG_SIZE || (u & (u - 1u)) != 0u || p < u ||
        (p & (p - 1u)) != 0u || p > f->sector_size) {
        return 0;
    }
    if (f->sector_size < 256u || f->sector_size > (1u << 24) || f->sector_size % p != 0u ||
        f->sector_count < 2u || f->sector_count > (1u << 31) / f->sector_size) {
        return 0;
    }
    return 1;
}

/* Erase sectors that are neither valid nor cleanly erased; highest erase count. */
static ocpp_status_t mount_clean(ocpp_flash_store_t *s)
{
    uint32_t cnt = s->flash->sector_count;
    for (uint32_t i = 0; i < cnt; i++) {
        sec_info_t info;
        if (sec_load(s, i, 0, &info) != OCPP_OK) {
            return OCPP_ERR_IO;
        }
        if (info.fmt_ok && info.erase_cnt > s->max_erase) {
            s->max_erase = info.erase_cnt;
        }
    }
    for (uint32_t i = 0; i < cnt; i++) {
        sec_info_t info;
        if (sec_load(s, i, 1, &info) != OCPP_OK) {
            return OCPP_ERR_IO;
        }
        if (info.kind == SEC_DIRTY) {
            s->repairs++;
            if (sec_erase(s, i) != OCPP_OK) {
                return OCPP_ERR_IO;
            }
        }
    }
    return OCPP_OK;
}

/* Valid sector with open sequence number seq, other than `except`. */
static ocpp_status_t find_seq(const ocpp_flash_store_t *s, uint32_t seq, uint32_t except,
                              uint32_t *sector)
{
    *sector = NO_SECTOR;
    for (uint32_t i = 0; i < s->flash->sector_count; i++) {
        sec_info_t info;
        if (i == except) {
            continue;
        }
        if (sec_load(s, i, 0, &info) != OCPP_OK) {
            return OCPP_ERR_IO;
        }
        if (info.kind == SEC_VALID && info.seq == seq) {
            *sector = i;
            return OCPP_OK;
        }
    }
    return OCPP_OK;
}

/* Erase victims whose retire record is committed (finish compactions). */
static ocpp_status_t mount_retire(ocpp_flash_store_t *s)
{
    scan_t it = {0, 0};
    rec_t r;
    int k;
    while ((k = scan_next(s, &it, &r)) > 0) {
        if (r.flags != F_RETIRE) {
            continue;
        }
        int c = rec_committed(s, &r);
        c = c > 0 ? rec_crc_ok(s, &r) : c;
        uint8_t v[4];
        sec_info_t own;
        if (c < 0 || fl_read(s, r.sector, r.off + REC_HDR, v, 4) != OCPP_OK ||
            sec_load(s, r.sector, 0, &own) != OCPP_OK) {
            return OCPP_ERR_IO;
        }
        uint32_t victim = NO_SECTOR;
        if (c && get32(v) < own.seq && find_seq(s, get32(v), r.sector, &victim) != OCPP_OK) {
            return OCPP_ERR_IO;
        }
        if (victim != NO_SECTOR) {
            s->repairs++;
            if (sec_erase(s, victim) != OCPP_OK) {
                return OCPP_ERR_IO;
            }
        }
    }
    return k < 0 ? OCPP_ERR_IO : OCPP_OK;
}

/* Count spares, find the newest sector; roll back a compaction cut before its retire. */
static ocpp_status_t mount_sectors(ocpp_flash_store_t *s, int may_roll_back)
{
    uint32_t valid = 0;
    s->free_count = 0;
    s->head = s->flash->sector_count;
    s->next_sseq = 0;
    for (uint32_t i = 0; i < s->flash->sector_count; i++) {
        sec_info_t info;
        if (sec_load(s, i, 0, &info) != OCPP_OK) {
            return OCPP_ERR_IO;
        }
        if (info.kind == SEC_ERASED) {
            s->free_count++;
        } else if (info.kind == SEC_VALID) {
            valid++;
            if (valid == 1u || info.seq >= s->next_sseq) {
                s->head = i;
                s->next_sseq = info.seq;
            }
        }
    }
    if (valid > 0u) {
        s->exhausted = s->next_sseq == UINT32_MAX ? 1u : s->exhausted;
        s->next_sseq++;
    }
    if (s->free_count == 0u && valid >= 2u && may_roll_back) {
        s->repairs++;
        if (sec_erase(s, s->head) != OCPP_OK) {
            return OCPP_ERR_IO;
        }
        return mount_sectors(s, 0);
    }
    return OCPP_OK;
}

/* Next record seq, and the write position after the head's last record. */
static ocpp_status_t mount_head(ocpp_flash_store_t *s)
{
    scan_t it = {0, 0};
    rec_t r;
    int k;
    s->next_seq = 0;
    s->head_off = s->data_off;
    while ((k = scan_next(s, &it, &r)) > 0) {
        if (r.seq >= s->next_seq) {
            s->next_seq = r.seq + 1u;
        }
        if (r.seq == UINT32_MAX) {
            s->exhausted = 1; /* only a foreign image gets here: 2^32 writes */
        }
        if (r.sector == s->head) {
            s->head_off = r.off + r.size;
        }
    }
    if (k < 0) {
        return OCPP_ERR_IO;
    }
    if (s->head < s->flash->sector_count) {
        int e = range_erased(s, s->head, s->head_off, s->flash->sector_size);
        if (e < 0) {
            return OCPP_ERR_IO;
        }
        if (!e) {
            s->head_off = s->flash->sector_size; /* torn header: close the sector */
        }
    }
    return OCPP_OK;
}

static ocpp_status_t mount(ocpp_flash_store_t *s)
{
    s->mounted = 0;
    s->exhausted = 0;
    s->repairs = 0;
    if (mount_clean(s) != OCPP_OK || mount_retire(s) != OCPP_OK || mount_sectors(s, 1) != OCPP_OK ||
        mount_head(s) != OCPP_OK) {
        return OCPP_ERR_IO;
    }
    s->mounted = 1;
    return OCPP_OK;
}

/* ------------------------------------------------------------------------ */
/* Public API                                                                */
/* ------------------------------------------------------------------------ */

ocpp_status_t ocpp_flash_store_init(ocpp_flash_store_t *store, const ocpp_flash_t *flash)
{
    if (store == NULL || flash == NULL) {
        return OCPP_ERR_PARAM;
    }
    memset(store, 0, sizeof(*store));
    if (!geometry_ok(flash)) {
        return OCPP_ERR_PARAM;
    }
    store->flash = flash;
    store->data_off =
        align_up(FMT_BYTES, flash->prog_size) + align_up(OPEN_BYTES, flash->prog_size);
    store->head = flash->sector_count;
    return mount(store);
}

/* Mount again after a driver failure. */
static ocpp_status_t ready(ocpp_flash_store_t *s)
{
    if (s->flash == NULL) {
        return OCPP_ERR_STATE;
    }
    return s->mounted ? OCPP_OK : mount(s);
}

size_t ocpp_flash_store_max_record(const ocpp_flash_store_t *store)
{
    if (store == NULL || store->flash == NULL) {
        return 0;
    }
    uint32_t u = unit(store);
    uint32_t avail =
        store->flash->sector_size - store->data_off - commit_size(store) - retire_size(store);
    return (avail & ~(u - 1u)) - REC_HDR - KEY_MAX;
}

int32_t ocpp_flash_store_read(ocpp_flash_store_t *store, const char *key, uint8_t *buf, size_t cap)
{
    size_t klen = key_len(key);
    if (store == NULL || klen == 0u || (buf == NULL && cap > 0u)) {
        return OCPP_ERR_PARAM;
    }
    ocpp_status_t st = ready(store);
    if (st != OCPP_OK) {
        return st;
    }
    rec_t r;
    int k = find_newest(store, (const uint8_t *)key, (uint32_t)klen, &r);
    if (k <= 0 || (r.flags & F_TOMB)) {
        store->mounted = k < 0 ? 0 : store->mounted;
        return k < 0 ? OCPP_ERR_IO : OCPP_ERR_NOT_FOUND;
    }
    if (r.len > cap) {
        return OCPP_ERR_NOMEM;
    }
    if (r.len > 0u && fl_read(store, r.sector, r.off + REC_HDR + r.klen, buf, r.len) != OCPP_OK) {
        store->mounted = 0;
        return OCPP_ERR_IO;
    }
    /* Corrupted after it was committed (outside the fault model): detected, not repaired. */
    if (crc32_update(crc32_update(0, r.key, r.klen), buf, r.len) != r.dcrc) {
        return OCPP_ERR_IO;
    }
    return (int32_t)r.len;
}

/* Make room and append; on a driver failure the store mounts again next time. */
static ocpp_status_t put(ocpp_flash_store_t *s, uint8_t flags, const char *key, size_t klen,
                         const uint8_t *data, size_t len)
{
    uint32_t size = rec_size(s, (uint32_t)klen, (uint32_t)len);
    if (s->exhausted) {
        return OCPP_ERR_NOMEM;
    }
    ocpp_status_t st = make_room(s, size);
    if (st == OCPP_OK) {
        st = append(s, flags, (const uint8_t *)key, (uint32_t)klen, data, (uint32_t)len);
    }
    if (st == OCPP_ERR_IO) {
        s->mounted = 0;
    }
    return st;
}

ocpp_status_t ocpp_flash_store_write(ocpp_flash_store_t *store, const char *key,
                                     const uint8_t *data, size_t len)
{
    size_t klen = key_len(key);
    if (store == NULL || klen == 0u || (data == NULL && len > 0u)) {
        return OCPP_ERR_PARAM;
    }
    ocpp_status_t st = ready(store);
    if (st != OCPP_OK) {
        return st;
    }
    if (len > ocpp_flash_store_max_record(store)) {
        return OCPP_ERR_NOMEM;
    }
    return put(store, 0, key, klen, data, len);
}

ocpp_status_t ocpp_flash_store_remove(ocpp_flash_store_t *store, const char *key)
{
    size_t klen = key_len(key);
    if (store == NULL || klen == 0u) {
        return OCPP_ERR_PARAM;
    }
    ocpp_status_t st = ready(store);
    if (st != OCPP_OK) {
        return st;
    }
    rec_t r;
    int k = find_newest(store, (const uint8_t *)key, (uint32_t)klen, &r);
    if (k < 0) {
        store->mounted = 0;
        return OCPP_ERR_IO;
    }
    if (k == 0 || (r.flags & F_TOMB)) {
        return OCPP_OK;
    }
    return put(store, F_TOMB, key, klen, NULL, 0);
}

ocpp_status_t ocpp_flash_store_stats(ocpp_flash_store_t *store, ocpp_flash_store_stats_t *out)
{
    if (store == NULL || out == NULL) {
        return OCPP_ERR_PARAM;
    }
    ocpp_status_t st = ready(store);
    if (st != OCPP_OK) {
        return st;
    }
    memset(out, 0, sizeof(*out));
    out->erase_min = UINT32_MAX;
    for (uint32_t i = 0; i < store->flash->sector_count; i++) {
        sec_info_t info;
        if (sec_load(store, i, 0, &info) != OCPP_OK) {
            store->mounted = 0;
            return OCPP_ERR_IO;
        }
        uint32_t e = info.fmt_ok ? info.erase_cnt : 0u;
        out->erase_min = e < out->erase_min ? e : out->erase_min;
        out->erase_max = e > out->erase_max ? e : out->erase_max;
    }
    out->sectors_free = store->free_count;
    out->gc_runs = store->gc_runs;
    out->repairs = store->repairs;
    out->erases = store->erases;
    return OCPP_OK;
}

static int32_t port_read(void *ctx, const char *key, uint8_t *buf, size_t cap)
{
    return ocpp_flash_store_read((ocpp_flash_store_t *)ctx, key, buf, cap);
}

static ocpp_status_t port_write(void *ctx, const char *key, const uint8_t *data, size_t len)
{
    return ocpp_flash_store_write((ocpp_flash_store_t *)ctx, key, data, len);
}

static ocpp_status_t port_remove(void *ctx, const char *key)
{
    ocpp_status_t st = ocpp_flash_store_remove((ocpp_flash_store_t *)ctx, key);
    return st == OCPP_ERR_NOMEM ? OCPP_ERR_IO : st; /* the port promises OK or IO */
}

void ocpp_flash_store_port(ocpp_flash_store_t *store, ocpp_storage_port_t *port)
{
    if (port == NULL) {
        return;
    }
    port->ctx = store;
    port->read = port_read;
    port->write = port_write;
    port->remove = port_remove;
}
