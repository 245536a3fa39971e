/**
 * @file firmware.c
 * @brief OCPP 1.6 Firmware Management profile: UpdateFirmware (§5.19) with
 *        FirmwareStatusNotification (§4.5), GetDiagnostics (§5.9) with
 *        DiagnosticsStatusNotification (§4.4), and both notifications as
 *        TriggerMessage targets (§5.17), over the transfer port
 *        (ocpp_transfer_port_t) and the application's firmware_install,
 *        reset and diagnostics callbacks.
 *
 * The firmware update is a state machine driven by the tick: waiting for
 * retrieveDate (or for the end of a retry interval), downloading,
 * downloaded (waiting until no transaction runs), installing, rebooting.
 * Its state and request are persisted (record "firmware") at every step,
 * so a power cut resumes it and the status after the reboot (Installed) is
 * reported by the new firmware. The diagnostics upload is not persisted.
 * The transfer port runs one transfer at a time: each waits for the other.
 * Status notifications are queued in order (a few; the oldest not yet sent
 * goes when the queue is full) and sent after the transaction messages.
 */
#include <string.h>

#include "session/session.h"
#include "station/station.h"
#include "util/log.h"
#include "util/text.h"
#include "v16/v16.h"

#if OCPP_CONFIG_PROFILE_FIRMWARE

#define FW_RECORD      "firmware"
#define FW_REC_VERSION 1u
/** retries / retryInterval absent: "it is left to Charge Point to decide". */
#define DEFAULT_TRIES      3
#define DEFAULT_INTERVAL_S 60
/** While a transfer or an installation runs, poll at least this often. */
#define BUSY_POLL_MS 100u
/** The port was busy: try again after. */
#define BUSY_RETRY_MS 1000u

/** The firmware update (rec.state). */
enum { FW_IDLE = 0, FW_WAITING, FW_DOWNLOADING, FW_DOWNLOADED, FW_INSTALLING, FW_REBOOTING };
/** The diagnostics upload (diag_state). */
enum { DG_IDLE = 0, DG_WAITING, DG_UPLOADING };

/** FirmwareStatus (§7.25), then DiagnosticsStatus (§7.24): the codes queued. */
static const char k_status[] = "Idle\0Downloading\0Downloaded\0DownloadFailed\0Installing\0"
                               "Installed\0InstallationFailed\0"
                               "Idle\0Uploading\0Uploaded\0UploadFailed";
enum {
    FS_IDLE,
    FS_DOWNLOADING,
    FS_DOWNLOADED,
    FS_DL_FAILED,
    FS_INSTALLING,
    FS_INSTALLED,
    FS_INST_FAILED,
    DS_IDLE, /* the first diagnostics status */
    DS_UPLOADING,
    DS_UPLOADED,
    DS_UL_FAILED
};

/** What a CALL of this module is (session kind). */
enum { K_STATUS = 1 };

/* ------------------------------------------------------------------------ */
/* Status notifications (§4.4, §4.5)                                         */
/* ------------------------------------------------------------------------ */

_Static_assert((int)FS_DOWNLOADING == (int)OCPP_FW_DOWNLOADING &&
                   (int)FS_INST_FAILED == (int)OCPP_FW_INSTALLATION_FAILED,
               "FS_* are the ocpp_fw_status_t values");

static void push(ocpp_v16_t *a, unsigned code)
{
    ocpp_v16_fw_t *f = &a->fw;
    if (code < DS_IDLE) { /* the application sees the update's status as it is reported */
        ocpp_station_app_event(a->st, OCPP_CP_EV_FIRMWARE_STATUS, 0u, (int32_t)code, NULL, 0u);
    }
    if (f->n_queue == sizeof f->queue) {
        unsigned from = f->inflight ? 1u : 0u; /* the one on the wire stays */
        memmove(&f->queue[from], &f->queue[from + 1u], sizeof f->queue - from - 1u);
        f->n_queue--;
    }
    f->queue[f->n_queue++] = (uint8_t)code;
    a->kick = true;
}

static bool fw_send_due(ocpp_v16_t *a)
{
    ocpp_v16_fw_t *f = &a->fw;
    if (f->n_queue == 0u || f->inflight) {
        return false;
    }
    unsigned code = f->queue[0];
    ocpp_jw_t w;
    ocpp_v16_call_begin(a, &w,
                        code >= DS_IDLE ? OCPP_ACTION_DIAGNOSTICS_STATUS_NOTIFICATION
                                        : OCPP_ACTION_FIRMWARE_STATUS_NOTIFICATION);
    ocpp_jw_obj_open(&w);
    ocpp_jw_kv_str(&w, "status", ocpp_text_nth(k_status, DS_UL_FAILED + 1u, code, ""));
    ocpp_jw_obj_close(&w);
    f->inflight = ocpp_v16_call_end(a, &w, &ocpp_v16_firmware, K_STATUS) == OCPP_OK;
    return true;
}

static void pop(ocpp_v16_fw_t *f)
{
    f->inflight = false;
    f->n_queue--;
    memmove(&f->queue[0], &f->queue[1], f->n_queue);
}

static void fw_on_result(ocpp_v16_t *a, uint8_t kind, const ocpp_json_value_t *payload)
{
    (void)kind;
    (void)payload;
    pop(&a->fw);
}

/** A CALLERROR or no answer drops the notification (an installation waits
 *  for Installing to be sent: a CSMS that never answers must not hold it);
 *  one cut by a lost connection goes again. */
static void fw_on_failed(ocpp_v16_t *a, uint8_t kind, ocpp_status_t why)
{
    (void)kind;
    if (why == OCPP_ERR_PROTOCOL || why == OCPP_ERR_TIMEOUT) {
        pop(&a->fw);
    }
    a->fw.inflight = false;
}

/* ------------------------------------------------------------------------ */
/* Persistence                                                               */
/* ------------------------------------------------------------------------ */

static void save(ocpp_v16_t *a)
{
    if (a->st->storage == NULL) {
        return;
    }
    a->fw.rec.version = FW_REC_VERSION;
    ocpp_status_t r;
    if (a->fw.rec.state == FW_IDLE && a->fw.rec.report == 0u) {
        r = a->st->storage->remove(a->st->storage->ctx, FW_RECORD);
    } else {
        r = a->st->storage->write(a->st->storage->ctx, FW_RECORD, (const uint8_t *)&a->fw.rec,
                                  sizeof a->fw.rec);
    }
    if (r != OCPP_OK) {
        a->st->outbox->store_errors++;
        LOGE(&a->st->log, "firmware: save failed: %s", ocpp_status_str(r));
    }
}

/** The first tick: a persisted update goes on (a download starts again; an
 *  image downloaded or being installed is installed again), and the status
 *  the reboot into the new firmware completes is reported (Installed). */
static void load(ocpp_v16_t *a)
{
    ocpp_v16_fw_t *f = &a->fw;
    f->loaded = true;
    if (a->st->storage == NULL) {
        return;
    }
    int32_t n =
        a->st->storage->read(a->st->storage->ctx, FW_RECORD, (uint8_t *)&f->rec, sizeof f->rec);
    if (n != (int32_t)sizeof f->rec || f->rec.version != FW_REC_VERSION ||
        f->rec.state > FW_REBOOTING || f->rec.report > FS_INST_FAILED) {
        memset(&f->rec, 0, sizeof f->rec);
        return;
    }
    f->rec.url[sizeof f->rec.url - 1u] = '\0';
    if (f->rec.report != 0u) {
        push(a, f->rec.report);
        f->rec.report = 0u;
    }
    static const uint8_t k_resume[] = {FW_IDLE,       FW_WAITING,    FW_WAITING,
                                       FW_DOWNLOADED, FW_DOWNLOADED, FW_IDLE};
    f->rec.state = k_resume[f->rec.state];
    f->fw_at_ms = a->ss->now_ms;
    save(a);
}

/* ------------------------------------------------------------------------ */
/* Locations                                                                 */
/* ------------------------------------------------------------------------ */

/** Length of the scheme of "scheme://rest" (RFC 3986 §3.1), 0 if url is not
 *  of that form or has nothing after "//". */
static size_t scheme_len(const char *url)
{
    size_t i = 0;
    while ((unsigned)((url[i] | 0x20) - 'a') < 26u) { /* a letter */
        i++;
    }
    return i > 0u && strncmp(url + i, "://", 3) == 0 && url[i + 3u] != '\0' ? i : 0u;
}

/** The port handles the scheme of url: it is an item of the port's
 *  SupportedFileTransferProtocols list (case-insensitive). */
static bool supported(const ocpp_v16_t *a, const char *url)
{
    size_t n = scheme_len(url);
    size_t i = 0; /* characters of the item matched so far; n + 1: no match */
    const char *p = a->transfer != NULL ? a->transfer->protocols : "";
    for (; n > 0u; p++) {
        if (*p == ',' || *p == '\0') {
            if (i == n || *p == '\0') {
                return i == n;
            }
            i = 0;
        } else {
            /* (both letters: | 0x20 compares them case-insensitively) */
            i = i < n && (*p | 0x20) == (url[i] | 0x20) ? i + 1u : n + 1u;
        }
    }
    return false;
}

/**
 * Decode `location` into the free part of the answer's buffer (the answer is
 * written after it has been copied out). *url: the text, or NULL when it is
 * longer than the buffer (not an error of the request: the caller refuses
 * it its own way).
 */
static ocpp_rpc_err_t get_location(const ocpp_json_value_t *p, ocpp_jw_t *w, char **url,
                                   const char **desc)
{
    char *at = w->buf + w->len;
    ocpp_rpc_err_t e =
        ocpp_rpc_get_string(p, "location", true, SIZE_MAX, at, w->cap - w->len, desc);
    *url = at;
    if (e == OCPP_RPC_ERR_INTERNAL ||
        (e == OCPP_RPC_OK && strlen(at) >= OCPP_CONFIG_TRANSFER_URL_MAX)) {
        *url = NULL;
        return OCPP_RPC_OK;
    }
    if (e == OCPP_RPC_OK && scheme_len(at) == 0u) {
        /* anyURI (§6.25, §6.55), a location to transfer from or to:
         * "scheme://host..." (§8: "The URL also contains the protocol") */
        *desc = "location is not a URL";
        return OCPP_RPC_ERR_PROPERTY_CONSTRAINT;
    }
    return e;
}

/** v[0] retries, v[1] retryInterval: absent, DEFAULT_*; each 0..INT32_MAX,
 *  kept at most 254 and 7 days. */
static ocpp_rpc_err_t get_retries(const ocpp_json_value_t *p, uint32_t v[2], const char **desc)
{
    static const char *const k_keys[2] = {"retries", "retryInterval"};
    static const uint32_t k_max[2] = {254u, 604800u};
    static const uint8_t k_def[2] = {DEFAULT_TRIES, DEFAULT_INTERVAL_S};
    ocpp_rpc_err_t e = OCPP_RPC_OK;
    for (unsigned i = 0; i < 2u && e == OCPP_RPC_OK; i++) {
        int64_t x = k_def[i];
        e = ocpp_rpc_get_int(p, k_keys[i], false, 0, INT32_MAX, &x, desc);
        v[i] = x > (int64_t)k_max[i] ? k_max[i] : (uint32_t)x;
    }
    return e;
}

/* ------------------------------------------------------------------------ */
/* UpdateFirmware (§5.19)                                                    */
/* ------------------------------------------------------------------------ */

/** A transfer failed: one try fewer; @return true if another is due at
 *  *at_ms (after interval_s), false when none is left or none can succeed
 *  (OCPP_ERR_PARAM: the location cannot be used). */
static bool retry(ocpp_v16_t *a, ocpp_status_t why, uint8_t *tries, uint32_t *at_ms,
                  uint32_t interval_s)
{
    LOGW(&a->st->log, "transfer failed: %s", ocpp_status_str(why));
    *tries = (uint8_t)(*tries > 0u ? *tries - 1u : 0u);
    *at_ms = a->ss->now_ms + interval_s * 1000u;
    return *tries > 0u && why != OCPP_ERR_PARAM;
}

/** The update goes to `state` (persisted) and reports `status`. */
static void advance(ocpp_v16_t *a, uint8_t state, unsigned status)
{
    a->fw.rec.state = state;
    save(a);
    push(a, status);
}

/** The update ends with `status` (DownloadFailed, Installed, InstallationFailed). */
static void fw_finish(ocpp_v16_t *a, unsigned status)
{
    advance(a, FW_IDLE, status);
}

static void fw_failed(ocpp_v16_t *a, ocpp_status_t why)
{
    ocpp_v16_fw_t *f = &a->fw;
    /* §6.55 retries: "how many times Charge Point must try to download the
     * firmware before giving up"; retryInterval: "The interval in seconds
     * after which a retry may be attempted." */
    if (!retry(a, why, &f->rec.tries_left, &f->fw_at_ms, f->rec.interval_s)) {
        fw_finish(a, FS_DL_FAILED);
        return;
    }
    f->rec.state = FW_WAITING;
    save(a);
}

static ocpp_rpc_err_t on_update_firmware(void *ctx, const ocpp_json_value_t *p, ocpp_jw_t *w,
                                         const char **desc)
{
    ocpp_v16_t *a = ctx;
    ocpp_v16_fw_t *f = &a->fw;
    int64_t retrieve = 0;
    uint32_t v[2];
    char *url = NULL;
    ocpp_rpc_err_t e = ocpp_rpc_get_datetime(p, "retrieveDate", true, &retrieve, desc);
    if (e == OCPP_RPC_OK) {
        e = get_retries(p, v, desc);
    }
    if (e == OCPP_RPC_OK) {
        e = get_location(p, w, &url, desc);
    }
    if (e != OCPP_RPC_OK) {
        return e;
    }
    if (url == NULL || !supported(a, url)) {
        /* A location this charge point cannot download from (too long, a
         * protocol not in SupportedFileTransferProtocols): the update fails
         * at once; one in progress goes on. */
        push(a, FS_DL_FAILED);
    } else if (f->rec.state < FW_DOWNLOADED) { /* (an image being installed stays) */
        if (f->rec.state == FW_DOWNLOADING) {
            a->transfer->cancel(a->transfer->ctx); /* the new request replaces it */
        }
        memcpy(f->rec.url, url, strlen(url) + 1u);
        f->rec.retrieve_unix = retrieve;
        f->rec.interval_s = v[1];
        f->rec.tries_left = (uint8_t)(v[0] > 0u ? v[0] : 1u);
        f->rec.state = FW_WAITING;
        f->fw_at_ms = a->ss->now_ms;
        save(a);
    }
    /* §6.56: "No fields are defined." */
    ocpp_jw_obj_open(w);
    ocpp_jw_obj_close(w);
    return OCPP_RPC_OK;
}

/** §6.55 retrieveDate: "the date and time after which the Charge Point is
 *  allowed to retrieve the (new) firmware" (errata 3.63). Without a clock,
 *  at once. */
static bool retrieve_due(const ocpp_v16_t *a)
{
    int64_t now = ocpp_station_time(a->st);
    return now == 0 || now >= a->fw.rec.retrieve_unix;
}

static void fw_start(ocpp_v16_t *a)
{
    ocpp_v16_fw_t *f = &a->fw;
    ocpp_status_t r = a->transfer->download(a->transfer->ctx, f->rec.url);
    if (r == OCPP_ERR_BUSY) {
        f->fw_at_ms = a->ss->now_ms + BUSY_RETRY_MS;
    } else if (r != OCPP_OK) {
        fw_failed(a, r);
    } else {
        advance(a, FW_DOWNLOADING, FS_DOWNLOADING);
    }
}

static void fw_install(ocpp_v16_t *a)
{
    ocpp_status_t r = a->st->cb->firmware_install != NULL
                          ? a->st->cb->firmware_install(a->st->cb->ctx)
                          : OCPP_ERR_UNSUPPORTED;
    if (r == OCPP_PENDING) {
        return;
    }
    if (r != OCPP_OK || a->st->cb->reset == NULL) {
        /* Without a reboot hook the application runs the new firmware itself. */
        fw_finish(a, r == OCPP_OK ? FS_INSTALLED : FS_INST_FAILED);
        return;
    }
    /* errata 3.47: "It is good practice to first reboot the Charge Point to
     * check the new firmware is booting and able to connect to the Central
     * System, before sending the status: Installed." */
    a->fw.rec.state = FW_REBOOTING;
    a->fw.rec.report = FS_INSTALLED;
    save(a);
    /* A session that started while installing is stopped (reason Reboot);
     * its StopTransaction is persisted in the outbox and goes out after the
     * reboot if not before. */
    ocpp_station_close(a->st, OCPP_STOP_REBOOT);
}

/** Reboot (once) when no CALL is on the wire. */
static void fw_reboot(ocpp_v16_t *a)
{
    if (!a->fw.rebooted && !ocpp_session_busy(a->ss)) {
        a->fw.rebooted = true;
        a->st->cb->reset(a->st->cb->ctx, true);
    }
}

static void fw_step(ocpp_v16_t *a)
{
    ocpp_v16_fw_t *f = &a->fw;
    ocpp_status_t r;
    switch (f->rec.state) {
    case FW_WAITING:
        if (retrieve_due(a) && V16_DUE(a->ss->now_ms, f->fw_at_ms) &&
            f->diag_state != DG_UPLOADING) {
            fw_start(a);
        }
        break;
    case FW_DOWNLOADING:
        r = a->transfer->poll(a->transfer->ctx);
        if (r == OCPP_OK) {
            advance(a, FW_DOWNLOADED, FS_DOWNLOADED);
        } else if (r != OCPP_PENDING) {
            fw_failed(a, r);
        }
        break;
    case FW_DOWNLOADED:
        /* §5.19: "it is RECOMMENDED to wait until Charging Session has ended
         * (Charge Point idle) before commencing installation" */
        if (ocpp_station_running(a->st) == 0u) {
            advance(a, FW_INSTALLING, FS_INSTALLING);
        }
        break;
    case FW_INSTALLING:
        /* Installing is told before the installation begins (when online). */
        if (f->n_queue == 0u || !ocpp_session_online(a->ss)) {
            fw_install(a);
        }
        break;
    case FW_REBOOTING: fw_reboot(a); break;
    default: break;
    }
}

/* ------------------------------------------------------------------------ */
/* GetDiagnostics (§5.9)                                                     */
/* ------------------------------------------------------------------------ */

/**
 * The application's file for [start, stop]: its name is written behind the
 * location in diag_url, so that a directory location (ending in '/') is the
 * upload target with it, and another one keeps its name behind its NUL.
 * @return the name, or NULL: none (no callback, an upload under way, a
 *         protocol the port has not, the application has none).
 */
static const char *diag_collect(ocpp_v16_t *a, int64_t start, int64_t stop, const char *url)
{
    ocpp_v16_fw_t *f = &a->fw;
    if (a->st->cb->diagnostics == NULL || f->diag_state != DG_IDLE || !supported(a, url)) {
        return NULL;
    }
    size_t n = strlen(url); /* < OCPP_CONFIG_TRANSFER_URL_MAX (get_location) */
    memcpy(f->diag_url, url, n + 1u);
    size_t at = n + (url[n - 1u] == '/' ? 0u : 1u); /* <= sizeof diag_url */
    size_t cap = OCPP_CONFIG_DIAG_NAME_MAX + 1u;
    if (at + cap > sizeof f->diag_url) {
        cap = sizeof f->diag_url - at; /* what the location leaves */
    }
    char *name = f->diag_url + at;
    if (cap < 2u || !a->st->cb->diagnostics(a->st->cb->ctx, start, stop, name, cap)) {
        return NULL;
    }
    name[cap - 1u] = '\0';
    return name[0] != '\0' && strchr(name, '/') == NULL ? name : NULL;
}

static ocpp_rpc_err_t on_get_diagnostics(void *ctx, const ocpp_json_value_t *p, ocpp_jw_t *w,
                                         const char **desc)
{
    ocpp_v16_t *a = ctx;
    ocpp_v16_fw_t *f = &a->fw;
    int64_t start = 0, stop = 0;
    uint32_t v[2];
    char *url = NULL;
    ocpp_rpc_err_t e = get_retries(p, v, desc);
    if (e == OCPP_RPC_OK) {
        e = ocpp_rpc_get_datetime(p, "startTime", false, &start, desc);
    }
    if (e == OCPP_RPC_OK) {
        e = ocpp_rpc_get_datetime(p, "stopTime", false, &stop, desc);
    }
    if (e == OCPP_RPC_OK) {
        e = get_location(p, w, &url, desc);
    }
    if (e != OCPP_RPC_OK) {
        return e;
    }
    /* §5.9: "If no diagnostics file is available, then GetDiagnostics.conf
     * SHALL NOT contain a file name." (also while one is being uploaded, and
     * for a location this charge point cannot upload to) */
    const char *name = url != NULL ? diag_collect(a, start, stop, url) : NULL;
    ocpp_jw_obj_open(w);
    if (name != NULL) {
        ocpp_jw_kv_str(w, "fileName", name);
        f->diag_state = DG_WAITING;
        /* errata 3.50, §6.25 retries: "how many times Charge Point must retry
         * to upload the diagnostics before giving up" */
        f->diag_tries_left = (uint8_t)(v[0] + 1u);
        f->diag_interval_s = v[1];
        f->diag_at_ms = a->ss->now_ms;
    }
    ocpp_jw_obj_close(w);
    return OCPP_RPC_OK;
}

static void diag_done(ocpp_v16_t *a, ocpp_status_t r)
{
    ocpp_v16_fw_t *f = &a->fw;
    if (r == OCPP_OK) {
        f->diag_state = DG_IDLE;
        push(a, DS_UPLOADED);
        return;
    }
    f->diag_state = DG_WAITING;
    if (!retry(a, r, &f->diag_tries_left, &f->diag_at_ms, f->diag_interval_s)) {
        f->diag_state = DG_IDLE;
        push(a, DS_UL_FAILED);
    }
}

static void diag_step(ocpp_v16_t *a)
{
    ocpp_v16_fw_t *f = &a->fw;
    ocpp_status_t r;
    if (f->diag_state == DG_WAITING && V16_DUE(a->ss->now_ms, f->diag_at_ms) &&
        f->rec.state != FW_DOWNLOADING) {
        r = a->transfer->upload(a->transfer->ctx, f->diag_url);
        if (r == OCPP_OK) {
            f->diag_state = DG_UPLOADING;
            push(a, DS_UPLOADING);
        } else if (r == OCPP_ERR_BUSY) {
            f->diag_at_ms = a->ss->now_ms + BUSY_RETRY_MS;
        } else {
            diag_done(a, r);
        }
    } else if (f->diag_state == DG_UPLOADING) {
        r = a->transfer->poll(a->transfer->ctx);
        if (r != OCPP_PENDING) {
            diag_done(a, r);
        }
    }
}

/* ------------------------------------------------------------------------ */
/* Hooks                                                                     */
/* ------------------------------------------------------------------------ */

static void fw_tick(ocpp_v16_t *a)
{
    if (!a->fw.loaded) {
        load(a);
    }
    if (a->transfer == NULL) {
        /* No port (an update persisted by a firmware that had one): nothing
         * can be transferred, nor was a diagnostics upload accepted. */
        if (a->fw.rec.state == FW_WAITING) {
            fw_finish(a, FS_DL_FAILED);
        }
        return;
    }
    fw_step(a);
    diag_step(a);
}

static uint32_t until(uint32_t at, uint32_t now_ms)
{
    int32_t d = (int32_t)(at - now_ms);
    return d > 0 ? (uint32_t)d : 0u;
}

static uint32_t fw_next_due(const ocpp_v16_t *a, uint32_t now_ms)
{
    const ocpp_v16_fw_t *f = &a->fw;
    (void)now_ms;
    if (f->n_queue > 0u && !f->inflight && a->ss->conn == OCPP_CP_ACCEPTED) {
        return 0u; /* (before Accepted nothing of it may be sent, §4.2) */
    }
    return UINT32_MAX;
}

/** fw_tick's timers: the first tick (the record is read); the retrieveDate
 *  and the retry wait of a waiting update, the retry wait of a diagnostics
 *  upload; a transfer or an installation in progress is polled. */
static uint32_t fw_tick_due(const ocpp_v16_t *a, uint32_t now_ms)
{
    const ocpp_v16_fw_t *f = &a->fw;
    uint32_t wake = UINT32_MAX;
    if (!f->loaded) {
        return 0u;
    }
    if (a->transfer == NULL) {
        return f->rec.state == FW_WAITING ? 0u : UINT32_MAX;
    }
    if (f->rec.state == FW_DOWNLOADED && ocpp_station_running(a->st) == 0u) {
        return 0u; /* (the last transaction may have ended after the tick) */
    }
    if (f->rec.state == FW_WAITING) {
        /* retrieve_due(): at once without a clock */
        uint32_t ms = a->st->clock_unix != 0
                          ? ocpp_station_ms_until(a->st, f->rec.retrieve_unix, now_ms)
                          : 0u;
        uint32_t at = until(f->fw_at_ms, now_ms);
        wake = ms > at ? ms : at;
    }
    if (f->diag_state == DG_WAITING) {
        uint32_t at = until(f->diag_at_ms, now_ms);
        wake = at < wake ? at : wake;
    }
    bool busy = f->rec.state >= FW_DOWNLOADING && f->rec.state != FW_DOWNLOADED;
    if (busy || f->diag_state == DG_UPLOADING) {
        wake = BUSY_POLL_MS < wake ? BUSY_POLL_MS : wake;
    }
    return wake;
}

/** §5.17 with §4.4, §4.5: the current status; Idle "when it is not busy". */
static bool fw_trigger(ocpp_v16_t *a, ocpp_rpc_action_t action, int connector)
{
    static const uint8_t k_now[] = {FS_IDLE,       FS_IDLE,       FS_DOWNLOADING,
                                    FS_DOWNLOADED, FS_INSTALLING, FS_INSTALLING};
    (void)connector;
    if (action == OCPP_ACTION_FIRMWARE_STATUS_NOTIFICATION) {
        push(a, k_now[a->fw.rec.state]);
        return true;
    }
    if (action == OCPP_ACTION_DIAGNOSTICS_STATUS_NOTIFICATION) {
        push(a, a->fw.diag_state != DG_IDLE ? DS_UPLOADING : DS_IDLE);
        return true;
    }
    return false;
}

static const ocpp_rpc_handler_entry_t k_handlers[] = {
    {OCPP_ACTION_GET_DIAGNOSTICS, on_get_diagnostics},
    {OCPP_ACTION_UPDATE_FIRMWARE, on_update_firmware},
};

const ocpp_v16_profile_t ocpp_v16_firmware = {
    .profile = OCPP_CFG_PROFILE_FIRMWARE,
    .handlers = k_handlers,
    .n_handlers = (uint8_t)(sizeof k_handlers / sizeof k_handlers[0]),
    .tick = fw_tick,
    .send_due = fw_send_due,
    .on_result = fw_on_result,
    .on_failed = fw_on_failed,
    .next_due = fw_next_due,
    .tick_due = fw_tick_due,
    .trigger = fw_trigger,
};

#endif /* OCPP_CONFIG_PROFILE_FIRMWARE */
