/**
 * @file report.c
 * @brief ocpp-sim's live figures in the simulator (stats.h): the message and
 *        event hooks, the per-loop tick with the status line on stderr, the
 *        REST endpoints under /api/fleet/ (stats, stats/series, report,
 *        report.html) and the JSON and HTML reports written at exit and on
 *        POST /api/fleet/report. See docs/simulator.md ("Fleet figures and
 *        reports").
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ocpp/ocpp_json.h"
#include "sim.h"

static const char k_report_html[] =
#include "report_html.inc"
    ;

#define REPORT_MARKER "/*@DATA@*/"
#define REPORT_BASE   "ocpp-sim-report"

const char sim_stats_help[] =
    "  --status-line S     seconds between fleet status lines on stderr (0: none;\n"
    "                      default: none for one station, else 1 on a terminal,\n"
    "                      updated in place, and 10 otherwise)\n"
    "  --report PATH       at exit (SIGINT/SIGTERM) and on POST /api/fleet/report,\n"
    "                      write the fleet report as PATH.json and PATH.html (PATH\n"
    "                      a directory: " REPORT_BASE ".json/.html in it)\n";

int sim_stats_option(sim_stats_opts_t *o, const char *a, const char *v)
{
    if (strcmp(a, "--status-line") == 0) {
        char *end = NULL;
        errno = 0;
        long n = strtol(v, &end, 10);
        if (errno != 0 || end == v || *end != '\0' || n < 0 || n > 3600) {
            fprintf(stderr, "ocpp-sim: --status-line must be 0..3600 seconds, got %s\n", v);
            return -1;
        }
        o->status_period_s = (int)n;
        return 1;
    }
    if (strcmp(a, "--report") == 0) {
        if (v[0] == '\0') {
            fprintf(stderr, "ocpp-sim: --report needs a path\n");
            return -1;
        }
        o->report = v;
        return 1;
    }
    return 0;
}

static int64_t unix_ms_now(void)
{
    struct timespec ts;
    (void)clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int report_paths(const char *path, char *json, char *html, size_t cap);

/** --report at startup, not after an hour's run: its folder (PATH/ is created) can be written. */
static int report_check(const char *path)
{
    char json[1024];
    char html[1024];
    size_t n = strlen(path);
    if (path[n - 1u] == '/') {
        (void)mkdir(path, 0755); /* one level; an error shows below */
    }
    if (report_paths(path, json, html, sizeof json) != 0) {
        fprintf(stderr, "ocpp-sim: --report %s: path too long\n", path);
        return -1;
    }
    char *slash = strrchr(json, '/');
    const char *dir = ".";
    if (slash == json) {
        dir = "/";
    } else if (slash != NULL) {
        *slash = '\0';
        dir = json;
    }
    if (access(dir, W_OK | X_OK) != 0) {
        fprintf(stderr, "ocpp-sim: --report %s: cannot write in %s: %s\n", path, dir,
                strerror(errno));
        return -1;
    }
    return 0;
}

int sim_stats_start(sim_t *sim, const sim_stats_opts_t *o)
{
    if (o->report != NULL && report_check(o->report) != 0) {
        return 2;
    }
    sim->stats = calloc(1, sizeof *sim->stats);
    if (sim->stats == NULL) {
        fprintf(stderr, "ocpp-sim: out of memory\n");
        return 1;
    }
    sim_stats_t *st = sim->stats;
    sim_stats_init(st, sim->n, ocpp_posix_now_ms(), unix_ms_now());
    st->status_tty = isatty(STDERR_FILENO) == 1;
    if (o->status_period_s >= 0) {
        st->status_period_s = (uint32_t)o->status_period_s;
    } else {
        st->status_period_s = sim->n <= 1u ? 0u : st->status_tty ? 1u : 10u;
    }
    st->report_path = o->report;
    return 0;
}

void sim_stats_free(sim_t *sim)
{
    free(sim->stats);
    sim->stats = NULL;
}

/* ------------------------------------------------------------------------ */
/* Hooks                                                                     */
/* ------------------------------------------------------------------------ */

void sim_stats_message(sim_station_t *s, bool out, unsigned type, const char *msg_id,
                       const char *action, const char *error_code, uint32_t now_ms)
{
    if (s->sim->stats != NULL) {
        sim_stats_on_message(s->sim->stats, &s->stats, out, type, msg_id, action, error_code,
                             now_ms);
    }
}

static uint32_t charging_bit(uint8_t c)
{
    return c < 32u ? (uint32_t)1u << c : 0u;
}

void sim_stats_event(sim_station_t *s, const ocpp_cp_event_t *ev)
{
    sim_stats_t *st = s->sim->stats;
    if (st == NULL) {
        return;
    }
    if (ev->kind == OCPP_CP_EV_CALL_TIMEOUT) {
        sim_stats_on_timeout(st, &s->stats, ev->text != NULL ? ev->text : "", ev->len);
        return;
    }
    uint32_t mask = s->stats.charging_mask;
    if (ev->kind == OCPP_CP_EV_STATUS) {
        mask &= ~charging_bit(ev->connector);
        mask |= ev->value == (int32_t)OCPP_CONNECTOR_CHARGING ? charging_bit(ev->connector) : 0u;
    } else if (ev->kind == OCPP_CP_EV_CONNECTION) {
        /* the whole station again: a reboot or power cut starts a new library instance */
        mask = 0;
        for (uint8_t c = 1; c <= s->evse.config.connectors; c++) {
            mask |= ocpp_cp_connector_status(&s->cp, c) == OCPP_CONNECTOR_CHARGING ? charging_bit(c)
                                                                                   : 0u;
        }
    } else {
        return;
    }
    ocpp_cp_conn_t c = ocpp_cp_connection(&s->cp);
    sim_stats_on_station(st, &s->stats, c >= OCPP_CP_BOOTING, c == OCPP_CP_ACCEPTED, mask);
}

/* ------------------------------------------------------------------------ */
/* Status line                                                               */
/* ------------------------------------------------------------------------ */

/** v / span with one decimal, as text. */
static void rate_text(char *buf, size_t cap, uint64_t v, uint32_t span)
{
    uint64_t tenths = span != 0u ? (v * 10u + span / 2u) / span : 0u;
    snprintf(buf, cap, "%llu.%llu", (unsigned long long)(tenths / 10u),
             (unsigned long long)(tenths % 10u));
}

static void status_line(sim_stats_t *st)
{
    char in[24];
    char out[24];
    rate_text(in, sizeof in, st->last.msgs_in, st->last.span_s);
    rate_text(out, sizeof out, st->last.msgs_out, st->last.span_s);
    uint32_t p50 = 0;
    uint32_t p95 = 0;
    uint32_t p99 = 0;
    char rt[64] = "-";
    if (sim_hist_quantile(&st->all, 500u, &p50)) {
        (void)sim_hist_quantile(&st->all, 950u, &p95);
        (void)sim_hist_quantile(&st->all, 990u, &p99);
        snprintf(rt, sizeof rt, "p50 %u p95 %u p99 %u ms", (unsigned)p50, (unsigned)p95,
                 (unsigned)p99);
    }
    fprintf(stderr,
            "%sfleet %u:%02u:%02u | %u/%u connected, %u booted, %u charging | msg/s in %s out %s "
            "| response %s | CALLERRORs %llu | timeouts %llu%s",
            st->status_tty ? "\r\033[K" : "", (unsigned)(st->seconds / 3600u),
            (unsigned)(st->seconds / 60u % 60u), (unsigned)(st->seconds % 60u),
            (unsigned)st->connected, (unsigned)st->stations, (unsigned)st->booted,
            (unsigned)st->charging, in, out, rt, (unsigned long long)st->call_errors_in,
            (unsigned long long)st->timeouts, st->status_tty ? "" : "\n");
    fflush(stderr);
    st->status_shown = st->status_tty;
}

uint32_t sim_stats_tick(sim_t *sim, uint32_t now_ms)
{
    sim_stats_t *st = sim->stats;
    if (st == NULL) {
        return UINT32_MAX;
    }
    if (sim_stats_advance(st, now_ms) && st->status_period_s != 0u &&
        st->seconds - st->status_at_s >= st->status_period_s) {
        st->status_at_s = st->seconds;
        status_line(st);
    }
    return sim_stats_due_ms(st, now_ms);
}

/* ------------------------------------------------------------------------ */
/* JSON                                                                      */
/* ------------------------------------------------------------------------ */

static void iso(int64_t unix_ms, char *out, size_t cap)
{
    time_t t = (time_t)(unix_ms / 1000);
    struct tm tm;
    (void)gmtime_r(&t, &tm);
    size_t n = strftime(out, cap, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, cap - n, ".%03dZ", (int)(unix_ms % 1000));
}

/** A percentile, or null for no sample. */
static void kv_quantile(ocpp_jw_t *w, const char *key, const sim_hist_t *h, unsigned permille)
{
    uint32_t v = 0;
    ocpp_jw_key(w, key);
    if (sim_hist_quantile(h, permille, &v)) {
        ocpp_jw_int(w, v);
    } else {
        ocpp_jw_null(w);
    }
}

/** Mean with one decimal (rounded), or null for no sample. */
static void mean_value(ocpp_jw_t *w, uint64_t sum, uint64_t count)
{
    if (count == 0u) {
        ocpp_jw_null(w);
    } else {
        ocpp_jw_decimal(w, (int64_t)((sum * 10u + count / 2u) / count), 1);
    }
}

static void write_hist(ocpp_jw_t *w, const sim_hist_t *h)
{
    ocpp_jw_kv_int(w, "count", (int64_t)h->count);
    kv_quantile(w, "p50", h, 500u);
    kv_quantile(w, "p95", h, 950u);
    kv_quantile(w, "p99", h, 990u);
    ocpp_jw_key(w, "min");
    if (h->count != 0u) {
        ocpp_jw_int(w, h->min_ms);
    } else {
        ocpp_jw_null(w);
    }
    kv_quantile(w, "max", h, 1000u);
    ocpp_jw_key(w, "mean");
    mean_value(w, h->sum_ms, h->count);
}

static void write_rate(ocpp_jw_t *w, const char *key, uint64_t v, uint32_t span)
{
    ocpp_jw_key(w, key);
    ocpp_jw_decimal(w, span != 0u ? (int64_t)((v * 10u + span / 2u) / span) : 0, 1);
}

static void write_stats(ocpp_jw_t *w, const sim_stats_t *st, uint32_t now_ms)
{
    ocpp_jw_obj_open(w);
    ocpp_jw_key(w, "uptimeS");
    ocpp_jw_decimal(w, (int64_t)(uint32_t)(now_ms - st->start_ms), 3);
    ocpp_jw_kv_int(w, "stations", st->stations);
    ocpp_jw_kv_int(w, "connected", st->connected);
    ocpp_jw_kv_int(w, "booted", st->booted);
    ocpp_jw_kv_int(w, "charging", st->charging);
    ocpp_jw_kv_int(w, "connectorsCharging", st->connectors_charging);
    ocpp_jw_key(w, "messages");
    ocpp_jw_obj_open(w);
    ocpp_jw_kv_int(w, "in", (int64_t)st->msgs_in);
    ocpp_jw_kv_int(w, "out", (int64_t)st->msgs_out);
    write_rate(w, "inPerS", st->last.msgs_in, st->last.span_s);
    write_rate(w, "outPerS", st->last.msgs_out, st->last.span_s);
    ocpp_jw_obj_close(w);
    ocpp_jw_key(w, "callErrors");
    ocpp_jw_obj_open(w);
    ocpp_jw_kv_int(w, "received", (int64_t)st->call_errors_in);
    ocpp_jw_kv_int(w, "sent", (int64_t)st->call_errors_out);
    ocpp_jw_key(w, "byCode");
    ocpp_jw_obj_open(w);
    for (unsigned i = 0; i < st->n_codes; i++) {
        ocpp_jw_kv_int(w, st->codes[i].code, (int64_t)st->codes[i].count);
    }
    ocpp_jw_obj_close(w);
    ocpp_jw_obj_close(w);
    ocpp_jw_kv_int(w, "timeouts", (int64_t)st->timeouts);
    ocpp_jw_kv_int(w, "lost", (int64_t)st->lost);
    ocpp_jw_kv_int(w, "unmatchedAnswers", (int64_t)st->answers_unmatched);
    ocpp_jw_key(w, "responseTimeMs");
    ocpp_jw_obj_open(w);
    write_hist(w, &st->all);
    ocpp_jw_obj_close(w);
    ocpp_jw_key(w, "actions");
    ocpp_jw_obj_open(w);
    for (unsigned i = 0; i < st->n_actions; i++) {
        const sim_action_stats_t *a = &st->actions[i];
        ocpp_jw_key(w, a->name);
        ocpp_jw_obj_open(w);
        ocpp_jw_kv_int(w, "calls", (int64_t)a->calls);
        ocpp_jw_kv_int(w, "answered", (int64_t)a->rt.count);
        ocpp_jw_kv_int(w, "callErrors", (int64_t)a->call_errors);
        ocpp_jw_kv_int(w, "timeouts", (int64_t)a->timeouts);
        ocpp_jw_kv_int(w, "lost", (int64_t)a->lost);
        kv_quantile(w, "p50", &a->rt, 500u);
        kv_quantile(w, "p95", &a->rt, 950u);
        kv_quantile(w, "p99", &a->rt, 990u);
        kv_quantile(w, "max", &a->rt, 1000u);
        ocpp_jw_key(w, "mean");
        mean_value(w, a->rt.sum_ms, a->rt.count);
        ocpp_jw_obj_close(w);
    }
    ocpp_jw_obj_close(w);
    ocpp_jw_obj_close(w);
}

static void write_point(ocpp_jw_t *w, const sim_point_t *p)
{
    ocpp_jw_arr_open(w);
    ocpp_jw_int(w, p->t_s);
    ocpp_jw_int(w, p->span_s);
    ocpp_jw_int(w, p->connected);
    ocpp_jw_int(w, p->booted);
    ocpp_jw_int(w, p->charging);
    ocpp_jw_int(w, p->msgs_in);
    ocpp_jw_int(w, p->msgs_out);
    ocpp_jw_int(w, p->call_errors);
    ocpp_jw_int(w, p->timeouts);
    ocpp_jw_int(w, p->responses);
    mean_value(w, p->rt_sum_ms, p->responses);
    if (p->responses != 0u) {
        ocpp_jw_int(w, p->rt_p95_ms);
        ocpp_jw_int(w, p->rt_max_ms);
    } else {
        ocpp_jw_null(w);
        ocpp_jw_null(w);
    }
    ocpp_jw_arr_close(w);
}

static const char *const k_fields[] = {"t",        "span",    "connected",  "booted",   "charging",
                                       "in",       "out",     "callErrors", "timeouts", "responses",
                                       "rtMeanMs", "rtP95Ms", "rtMaxMs"};

/** The series from second `since` on (points that end after it). */
static void write_series(ocpp_jw_t *w, const sim_stats_t *st, uint32_t since)
{
    char at[40];
    iso(st->start_unix_ms, at, sizeof at);
    ocpp_jw_obj_open(w);
    ocpp_jw_kv_str(w, "startedAt", at);
    ocpp_jw_kv_int(w, "resolutionS", st->series.res_s);
    ocpp_jw_kv_int(w, "seconds", st->seconds);
    ocpp_jw_key(w, "fields");
    ocpp_jw_arr_open(w);
    for (size_t i = 0; i < sizeof k_fields / sizeof k_fields[0]; i++) {
        ocpp_jw_str(w, k_fields[i]);
    }
    ocpp_jw_arr_close(w);
    ocpp_jw_key(w, "points");
    ocpp_jw_arr_open(w);
    for (uint32_t i = 0; i < st->series.n; i++) {
        const sim_point_t *p = &st->series.points[i];
        if (p->t_s + p->span_s > since) {
            write_point(w, p);
        }
    }
    if (st->series.open.span_s != 0u) { /* still filling up to the resolution */
        write_point(w, &st->series.open);
    }
    ocpp_jw_arr_close(w);
    ocpp_jw_obj_close(w);
}

/** Room for the series' JSON. */
static size_t series_cap(const sim_stats_t *st)
{
    return 1024u + ((size_t)st->series.n + 1u) * 160u;
}

/** Room for the figures' JSON. */
static size_t stats_cap(void)
{
    return 4096u + SIM_STATS_ACTIONS * 320u + SIM_STATS_CODES * 96u;
}

/** The whole report (figures and series) into a malloc'd buffer; NULL: out of memory. */
static char *report_json(const sim_t *sim, size_t *len)
{
    const sim_stats_t *st = sim->stats;
    uint32_t now = ocpp_posix_now_ms();
    size_t cap = 1024u + stats_cap() + series_cap(st);
    char *buf = malloc(cap);
    if (buf == NULL) {
        return NULL;
    }
    char started[40];
    char written[40];
    iso(st->start_unix_ms, started, sizeof started);
    iso(unix_ms_now(), written, sizeof written);
    ocpp_jw_t w;
    ocpp_jw_init(&w, buf, cap);
    ocpp_jw_obj_open(&w);
    ocpp_jw_kv_str(&w, "report", "ocpp-sim fleet");
    ocpp_jw_kv_int(&w, "format", 1);
    ocpp_jw_kv_str(&w, "startedAt", started);
    ocpp_jw_kv_str(&w, "writtenAt", written);
    ocpp_jw_key(&w, "durationS");
    ocpp_jw_decimal(&w, (int64_t)(uint32_t)(now - st->start_ms), 3);
    ocpp_jw_key(&w, "stats");
    write_stats(&w, st, now);
    ocpp_jw_key(&w, "series");
    write_series(&w, st, 0);
    ocpp_jw_obj_close(&w);
    if (ocpp_jw_finish(&w, len) != OCPP_OK) {
        free(buf);
        return NULL;
    }
    return buf;
}

/** The HTML report around `json` (its '<' written as \u003c: nothing in it ends the
 *  script element). malloc'd; NULL: out of memory. */
static char *report_html(const char *json, size_t jlen, size_t *len)
{
    const char *mark = strstr(k_report_html, REPORT_MARKER);
    size_t head = (size_t)(mark - k_report_html);
    const char *tail = mark + strlen(REPORT_MARKER);
    size_t lt = 0;
    for (size_t i = 0; i < jlen; i++) {
        lt += json[i] == '<';
    }
    size_t cap = head + jlen + lt * 5u + strlen(tail) + 1u;
    char *out = malloc(cap);
    if (out == NULL) {
        return NULL;
    }
    memcpy(out, k_report_html, head);
    size_t n = head;
    for (size_t i = 0; i < jlen; i++) {
        if (json[i] == '<') {
            static const char esc[6] = {'\\', 'u', '0', '0', '3', 'c'};
            memcpy(out + n, esc, sizeof esc);
            n += sizeof esc;
        } else {
            out[n++] = json[i];
        }
    }
    memcpy(out + n, tail, strlen(tail) + 1u);
    *len = n + strlen(tail);
    return out;
}

/* ------------------------------------------------------------------------ */
/* Report files                                                              */
/* ------------------------------------------------------------------------ */

/** The two file names of --report PATH. */
static int report_paths(const char *path, char *json, char *html, size_t cap)
{
    struct stat sb;
    size_t n = strlen(path);
    bool dir = (n > 0u && path[n - 1u] == '/') || (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode));
    int a;
    int b;
    if (dir) {
        const char *sep = path[n - 1u] == '/' ? "" : "/";
        a = snprintf(json, cap, "%s%s" REPORT_BASE ".json", path, sep);
        b = snprintf(html, cap, "%s%s" REPORT_BASE ".html", path, sep);
    } else {
        if (n > 5u &&
            (strcmp(path + n - 5u, ".json") == 0 || strcmp(path + n - 5u, ".html") == 0)) {
            n -= 5u;
        }
        a = snprintf(json, cap, "%.*s.json", (int)n, path);
        b = snprintf(html, cap, "%.*s.html", (int)n, path);
    }
    return a > 0 && b > 0 && (size_t)a < cap && (size_t)b < cap ? 0 : -1;
}

/** Write `len` bytes to `path` through a temporary file and a rename. */
static int write_file(const char *path, const char *data, size_t len)
{
    char tmp[1100];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
        errno = ENAMETOOLONG;
        return -1;
    }
    FILE *f = fopen(tmp, "wb");
    if (f == NULL) {
        return -1;
    }
    size_t n = fwrite(data, 1, len, f);
    int rc = fclose(f);
    if (n != len || rc != 0 || rename(tmp, path) != 0) {
        int e = errno;
        (void)remove(tmp);
        errno = e;
        return -1;
    }
    return 0;
}

/** Both reports to --report. @return 0, or -1 with why[] filled. */
static int write_reports(const sim_t *sim, char *json_path, char *html_path, size_t cap, char *why,
                         size_t why_cap)
{
    if (report_paths(sim->stats->report_path, json_path, html_path, cap) != 0) {
        snprintf(why, why_cap, "report path too long");
        return -1;
    }
    size_t jlen = 0;
    size_t hlen = 0;
    char *json = report_json(sim, &jlen);
    char *html = json != NULL ? report_html(json, jlen, &hlen) : NULL;
    int rc = -1;
    if (html == NULL) {
        snprintf(why, why_cap, "out of memory");
    } else if (write_file(json_path, json, jlen) != 0) {
        snprintf(why, why_cap, "cannot write %s: %s", json_path, strerror(errno));
    } else if (write_file(html_path, html, hlen) != 0) {
        snprintf(why, why_cap, "cannot write %s: %s", html_path, strerror(errno));
    } else {
        rc = 0;
    }
    free(json);
    free(html);
    return rc;
}

void sim_stats_finish(sim_t *sim)
{
    sim_stats_t *st = sim->stats;
    if (st == NULL) {
        return;
    }
    (void)sim_stats_advance(st, ocpp_posix_now_ms());
    if (st->status_shown) {
        fputc('\n', stderr);
    }
    if (st->report_path != NULL) {
        char json[1024];
        char html[1024];
        char why[1200];
        if (write_reports(sim, json, html, sizeof json, why, sizeof why) == 0) {
            fprintf(stderr, "ocpp-sim: report written to %s and %s\n", json, html);
        } else {
            fprintf(stderr, "ocpp-sim: no report: %s\n", why);
        }
    }
}

/* ------------------------------------------------------------------------ */
/* REST                                                                      */
/* ------------------------------------------------------------------------ */

static void reply_take(sim_reply_t *out, unsigned status, char *body, size_t len)
{
    out->status = status;
    out->body = body;
    out->len = len;
}

static void reply_err(sim_reply_t *out, unsigned status, const char *fmt, ...)
{
    char msg[1400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    size_t cap = 2u * strlen(msg) + 32u;
    char *buf = malloc(cap);
    ocpp_jw_t w;
    size_t n = 0;
    ocpp_jw_init(&w, buf, buf != NULL ? cap : 0u);
    ocpp_jw_obj_open(&w);
    ocpp_jw_kv_str(&w, "error", msg);
    ocpp_jw_obj_close(&w);
    (void)ocpp_jw_finish(&w, &n);
    reply_take(out, status, buf, buf != NULL ? n : 0u);
}

static bool method_is(const char *method, const char *allow, sim_reply_t *out)
{
    if (strcmp(method, allow) == 0) {
        return true;
    }
    reply_err(out, 405, "method %s not allowed here (allowed: %s)", method, allow);
    out->allow = allow;
    return false;
}

/** A writer's result as the answer (500 if it overflowed). */
static void reply_writer(sim_reply_t *out, ocpp_jw_t *w, char *buf)
{
    size_t n = 0;
    if (buf == NULL || ocpp_jw_finish(w, &n) != OCPP_OK) {
        free(buf);
        reply_err(out, 500, "answer too large");
        return;
    }
    reply_take(out, 200, buf, n);
}

static void get_stats(sim_t *sim, sim_reply_t *out)
{
    size_t cap = stats_cap();
    char *buf = malloc(cap);
    ocpp_jw_t w;
    ocpp_jw_init(&w, buf, buf != NULL ? cap : 0u);
    write_stats(&w, sim->stats, ocpp_posix_now_ms());
    reply_writer(out, &w, buf);
}

static void get_series(sim_t *sim, const char *since_s, sim_reply_t *out)
{
    uint32_t since = 0;
    if (since_s != NULL) {
        char *end = NULL;
        errno = 0;
        unsigned long v = strtoul(since_s, &end, 10);
        if (errno != 0 || end == since_s || *end != '\0' || since_s[0] == '-' || v > UINT32_MAX) {
            reply_err(out, 400, "since must be a whole number of seconds (0..%u), got \"%.40s\"",
                      (unsigned)UINT32_MAX, since_s);
            return;
        }
        since = (uint32_t)v;
    }
    size_t cap = series_cap(sim->stats);
    char *buf = malloc(cap);
    ocpp_jw_t w;
    ocpp_jw_init(&w, buf, buf != NULL ? cap : 0u);
    write_series(&w, sim->stats, since);
    reply_writer(out, &w, buf);
}

/** POST /api/fleet/report: no body, or an empty JSON object. */
static void post_report(sim_t *sim, const char *body, size_t len, sim_reply_t *out)
{
    size_t i = 0;
    while (i < len && (body[i] == ' ' || body[i] == '\n' || body[i] == '\r' || body[i] == '\t')) {
        i++;
    }
    if (i < len) {
        ocpp_json_value_t root;
        ocpp_json_iter_t it;
        if (ocpp_json_validate(body, len) != OCPP_OK ||
            ocpp_json_root(body, len, &root) != OCPP_OK || root.type != OCPP_JSON_OBJECT ||
            ocpp_json_iter_init(&it, &root) != OCPP_OK || ocpp_json_iter_next(&it, NULL, NULL)) {
            reply_err(out, 400,
                      "the body must be empty or {} (the report goes where --report says)");
            return;
        }
    }
    if (sim->stats->report_path == NULL) {
        reply_err(out, 409,
                  "no --report PATH on the command line: nowhere to write (GET "
                  "/api/fleet/report and /api/fleet/report.html answer it here)");
        return;
    }
    char json[1024];
    char html[1024];
    char why[1200];
    if (write_reports(sim, json, html, sizeof json, why, sizeof why) != 0) {
        reply_err(out, 500, "%s", why);
        return;
    }
    size_t cap = 2u * (strlen(json) + strlen(html)) + 64u;
    char *buf = malloc(cap);
    ocpp_jw_t w;
    ocpp_jw_init(&w, buf, buf != NULL ? cap : 0u);
    ocpp_jw_obj_open(&w);
    ocpp_jw_kv_str(&w, "json", json);
    ocpp_jw_kv_str(&w, "html", html);
    ocpp_jw_obj_close(&w);
    reply_writer(out, &w, buf);
}

static void get_report(sim_t *sim, bool html, sim_reply_t *out)
{
    size_t jlen = 0;
    char *json = report_json(sim, &jlen);
    if (json == NULL) {
        reply_err(out, 500, "out of memory");
        return;
    }
    if (!html) {
        reply_take(out, 200, json, jlen);
        return;
    }
    size_t hlen = 0;
    char *page = report_html(json, jlen, &hlen);
    free(json);
    if (page == NULL) {
        reply_err(out, 500, "out of memory");
        return;
    }
    reply_take(out, 200, page, hlen);
    out->content_type = "text/html; charset=utf-8";
}

bool sim_stats_route(sim_t *sim, const char *method, const char *rest, const char *since,
                     const char *body, size_t len, sim_reply_t *out)
{
    if (sim->stats == NULL) {
        return false;
    }
    if (strcmp(rest, "stats") == 0) {
        if (method_is(method, "GET", out)) {
            get_stats(sim, out);
        }
    } else if (strcmp(rest, "stats/series") == 0) {
        if (method_is(method, "GET", out)) {
            get_series(sim, since, out);
        }
    } else if (strcmp(rest, "report") == 0) {
        if (strcmp(method, "GET") == 0) {
            get_report(sim, false, out);
        } else if (strcmp(method, "POST") == 0) {
            post_report(sim, body, len, out);
        } else {
            reply_err(out, 405, "method %s not allowed here (allowed: GET, POST)", method);
            out->allow = "GET, POST";
        }
    } else if (strcmp(rest, "report.html") == 0) {
        if (method_is(method, "GET", out)) {
            get_report(sim, true, out);
        }
    } else {
        return false;
    }
    return true;
}
