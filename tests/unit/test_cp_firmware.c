/*
 * Firmware Management profile (src/v16/firmware.c): UpdateFirmware (OCPP 1.6
 * §5.19), GetDiagnostics (§5.9), FirmwareStatusNotification (§4.5),
 * DiagnosticsStatusNotification (§4.4), their TriggerMessage (§5.17) and
 * SupportedFileTransferProtocols (errata 3.90), on a fake transfer port, a
 * memory storage port and the fixture's scripted CSMS.
 */
#include "cp_fixture.h"

/* ---- a memory storage port -------------------------------------------- */

#define REC_MAX 8
#define REC_CAP 4096
typedef struct {
    char key[32];
    uint8_t data[REC_CAP];
    int32_t len; /* -1: free */
} rec_t;
static rec_t g_recs[REC_MAX];

static rec_t *rec_find(const char *key, bool create)
{
    for (int i = 0; i < REC_MAX; i++) {
        if (g_recs[i].len >= 0 && strcmp(g_recs[i].key, key) == 0) {
            return &g_recs[i];
        }
    }
    for (int i = 0; create && i < REC_MAX; i++) {
        if (g_recs[i].len < 0) {
            snprintf(g_recs[i].key, sizeof g_recs[i].key, "%s", key);
            return &g_recs[i];
        }
    }
    return NULL;
}

static int32_t m_read(void *ctx, const char *key, uint8_t *buf, size_t cap)
{
    (void)ctx;
    rec_t *r = rec_find(key, false);
    if (r == NULL) {
        return OCPP_ERR_NOT_FOUND;
    }
    if ((size_t)r->len > cap) {
        return OCPP_ERR_NOMEM;
    }
    memcpy(buf, r->data, (size_t)r->len);
    return r->len;
}

static ocpp_status_t m_write(void *ctx, const char *key, const uint8_t *data, size_t len)
{
    (void)ctx;
    rec_t *r = rec_find(key, true);
    assert_non_null(r);
    assert_true(len <= REC_CAP);
    memcpy(r->data, data, len);
    r->len = (int32_t)len;
    return OCPP_OK;
}

static ocpp_status_t m_remove(void *ctx, const char *key)
{
    (void)ctx;
    rec_t *r = rec_find(key, false);
    if (r != NULL) {
        r->len = -1;
    }
    return OCPP_OK;
}

static const ocpp_storage_port_t g_storage = {NULL, m_read, m_write, m_remove};

/* ---- a fake transfer port --------------------------------------------- */

typedef struct {
    int downloads, uploads, cancels;
    uint32_t started_ms[16]; /* when each transfer began */
    int n_started;
    char url[400];
    ocpp_status_t start_result; /* download() / upload() */
    ocpp_status_t poll_result;  /* poll() while running */
    bool running;
} ft_t;
static ft_t g_ft;
static uint32_t *g_now; /* the fixture's clock */

static ocpp_status_t ft_start(const char *url)
{
    if (g_ft.start_result != OCPP_OK) {
        return g_ft.start_result;
    }
    assert_false(g_ft.running); /* one transfer at a time */
    snprintf(g_ft.url, sizeof g_ft.url, "%s", url);
    if (g_ft.n_started < 16) {
        g_ft.started_ms[g_ft.n_started++] = *g_now;
    }
    g_ft.running = true;
    return OCPP_OK;
}

static ocpp_status_t ft_download(void *ctx, const char *url)
{
    (void)ctx;
    g_ft.downloads++;
    return ft_start(url);
}

static ocpp_status_t ft_upload(void *ctx, const char *url)
{
    (void)ctx;
    g_ft.uploads++;
    return ft_start(url);
}

static ocpp_status_t ft_poll(void *ctx)
{
    (void)ctx;
    assert_true(g_ft.running);
    if (g_ft.poll_result != OCPP_PENDING) {
        g_ft.running = false;
    }
    return g_ft.poll_result;
}

static void ft_cancel(void *ctx)
{
    (void)ctx;
    g_ft.cancels++;
    g_ft.running = false;
}

static const ocpp_transfer_port_t g_transfer = {NULL,      "HTTP,HTTPS,FTP", ft_download,
                                                ft_upload, ft_poll,          ft_cancel};

/* ---- application callbacks -------------------------------------------- */

static int g_installs;
static int g_install_pending;          /* OCPP_PENDING this many times first */
static ocpp_status_t g_install_result; /* then this */
static bool g_diag_ok;                 /* diagnostics available */
static int64_t g_diag_start, g_diag_stop;

static ocpp_status_t cb_install(void *ctx)
{
    (void)ctx;
    g_installs++;
    if (g_install_pending > 0) {
        g_install_pending--;
        return OCPP_PENDING;
    }
    return g_install_result;
}

static bool cb_diag(void *ctx, int64_t start, int64_t stop, char *name, size_t cap)
{
    (void)ctx;
    g_diag_start = start;
    g_diag_stop = stop;
    if (g_diag_ok) {
        snprintf(name, cap, "diag-CP-1.log");
    }
    return g_diag_ok;
}

/* ---- the scripted CSMS -------------------------------------------------- */

static char g_fw[32][24]; /* FirmwareStatusNotification statuses, in order */
static int g_n_fw;
static char g_dg[32][24]; /* DiagnosticsStatusNotification statuses */
static int g_n_dg;
static int g_answered; /* messages of f.sent already answered */
static int g_txid = 100;

static void status_of(const char *msg, char *out, size_t cap)
{
    const char *p = strstr(msg, "\"status\":\"");
    assert_non_null(p);
    p += 10;
    size_t n = (size_t)(strchr(p, '"') - p);
    assert_true(n < cap);
    memcpy(out, p, n);
    out[n] = '\0';
}

/** Answer every CALL the charge point sent (as a CSMS), recording the
 *  firmware and diagnostics statuses; poll until it is quiet. */
static void csms(fx_t *x)
{
    for (int guard = 0; guard < 50 && g_answered < x->f.n_sent; guard++) {
        const char *m = x->f.sent[g_answered++];
        if (strncmp(m, "[2,", 3) != 0) {
            continue;
        }
        const char *payload = "{}";
        char buf[128];
        if (is_call(m, "FirmwareStatusNotification")) {
            assert_true(g_n_fw < 32);
            status_of(m, g_fw[g_n_fw++], sizeof g_fw[0]);
        } else if (is_call(m, "DiagnosticsStatusNotification")) {
            assert_true(g_n_dg < 32);
            status_of(m, g_dg[g_n_dg++], sizeof g_dg[0]);
        } else if (is_call(m, "BootNotification")) {
            payload = "{\"status\":\"Accepted\",\"currentTime\":\"2026-11-22T06:00:00Z\","
                      "\"interval\":3600}";
        } else if (is_call(m, "Authorize")) {
            payload = "{\"idTagInfo\":{\"status\":\"Accepted\"}}";
        } else if (is_call(m, "StartTransaction")) {
            snprintf(buf, sizeof buf,
                     "{\"transactionId\":%d,\"idTagInfo\":{\"status\":\"Accepted\"}}", g_txid++);
            payload = buf;
        } else if (is_call(m, "Heartbeat")) {
            payload = "{\"currentTime\":\"2026-11-22T06:00:00Z\"}";
        }
        char id[40], out[MSG_CAP];
        const char *p = strchr(m, '"');
        const char *e = strchr(p + 1, '"');
        memcpy(id, p + 1, (size_t)(e - p - 1));
        id[e - p - 1] = '\0';
        snprintf(out, sizeof out, "[3,\"%s\",%s]", id, payload);
        push(x, out);
        step(x, 0);
    }
}

/** Advance the clock by ms in steps of at most 1 s, the CSMS answering. */
static void run(fx_t *x, uint32_t ms)
{
    for (uint32_t t = 0; t < ms; t += 1000u) {
        step(x, ms - t < 1000u ? ms - t : 1000u);
        csms(x);
    }
    step(x, 0);
    csms(x);
}

/** The answer to the CALL with message id `id`. */
static const char *answer_to(fx_t *x, const char *id)
{
    char pat[48];
    snprintf(pat, sizeof pat, ",\"%s\",", id);
    for (int i = x->f.n_sent - 1; i >= 0; i--) {
        if ((strncmp(x->f.sent[i], "[3,", 3) == 0 || strncmp(x->f.sent[i], "[4,", 3) == 0) &&
            strncmp(x->f.sent[i] + 2, pat, strlen(pat)) == 0) {
            return x->f.sent[i];
        }
    }
    fail_msg("no answer to %s", id);
    return NULL;
}

/** Send the CSMS's CALL and return the charge point's answer. */
static const char *call(fx_t *x, const char *id, const char *action, const char *payload)
{
    char buf[MSG_CAP];
    snprintf(buf, sizeof buf, "[2,\"%s\",\"%s\",%s]", id, action, payload);
    push(x, buf);
    step(x, 0);
    const char *a = answer_to(x, id);
    csms(x);
    return a;
}

static ocpp_transfer_port_t g_transfer_port; /* what the charge point gets */

/** Power on (with `version` as the firmware's) and boot, Accepted. */
static fx_t *fw_power_on(const char *version, bool boot)
{
    fx_t *x = &fx_storage;
    memset(x, 0, sizeof *x);
    g_answered = 0;
    g_now = &x->now;
    x->port = (ocpp_msg_port_t){&x->f, f_open, f_send, f_recv, f_close, NULL, NULL, NULL};
    x->rng = 42;
    ocpp_cp_config_t c = {.identity = "CP-1",
                          .csms_url = "ws://127.0.0.1:9000/ocpp",
                          .vendor = "V",
                          .model = "M",
                          .firmware_version = version,
                          .connectors = 2};
    ocpp_cp_ports_t p = {.msg = &x->port,
                         .storage = &g_storage,
                         .transfer = &g_transfer_port,
                         .random = seq_random,
                         .random_ctx = &x->rng};
    ocpp_cp_callbacks_t cb = {.ctx = x,
                              .on_event = on_event,
                              .permit = cb_permit,
                              .read_meter = cb_read_meter,
                              .reset = cb_reset,
                              .firmware_install = cb_install,
                              .diagnostics = cb_diag};
    assert_int_equal(ocpp_cp_init(&x->cp, &c, &p, &cb, x->tx, sizeof x->tx), OCPP_OK);
    ocpp_cp_key_set(&x->cp, "MeterValueSampleInterval", "0");
    x->meter_wh[1] = 1000;
    x->now = 1000;
    if (boot) {
        step(x, 0);
        assert_true(is_call(last(x), "BootNotification"));
        csms(x);
        assert_int_equal(ocpp_cp_connection(&x->cp), OCPP_CP_ACCEPTED);
    }
    return x;
}

static int setup(void **state)
{
    (void)state;
    for (int i = 0; i < REC_MAX; i++) {
        g_recs[i].len = -1;
    }
    memset(&g_ft, 0, sizeof g_ft);
    g_ft.poll_result = OCPP_PENDING;
    g_transfer_port = g_transfer;
    g_installs = 0;
    g_install_pending = 0;
    g_install_result = OCPP_OK;
    g_diag_ok = true;
    g_n_fw = g_n_dg = 0;
    return 0;
}

static void assert_fw(int n, const char *const *expected)
{
    assert_int_equal(g_n_fw, n);
    for (int i = 0; i < n; i++) {
        assert_string_equal(g_fw[i], expected[i]);
    }
}

#define UPDATE(extra)                        \
    "{\"location\":\"http://127.0.0.1:8080/" \
    "fw.json\",\"retrieveDate\":\"2026-11-22T05:00:00Z\"" extra "}"

/* ---- tests ---------------------------------------------------------------- */

/* §5.19 "During downloading and installation of the firmware, the Charge Point
 * MUST send FirmwareStatusNotification.req PDUs"; §6.56 the answer has no
 * fields; errata 3.47: reboot "before sending the status: Installed"; the new
 * firmwareVersion in the BootNotification after the reboot (§4.2, §6.2). */
static void test_update_download_install_reboot_installed(void **s)
{
    (void)s;
    fx_t *x = fw_power_on("1.0", true);
    const char *a = call(x, "u1", "UpdateFirmware", UPDATE(""));
    assert_string_equal(a, "[3,\"u1\",{}]");
    run(x, 0);
    assert_int_equal(g_ft.downloads, 1);
    assert_string_equal(g_ft.url, "http://127.0.0.1:8080/fw.json");
    g_install_pending = 2;
    g_ft.poll_result = OCPP_OK;
    run(x, 5000);
    assert_int_equal(g_installs, 3); /* PENDING twice, then OK */
    assert_int_equal(x->resets, 1);  /* the reboot hook */
    assert_true(x->reset_hard);
    static const char *const before[] = {"Downloading", "Downloaded", "Installing"};
    assert_fw(3, before);
    /* ...and the application sees each status as it is reported (OCPP_CP_EV_FIRMWARE_STATUS) */
    assert_int_equal(x->events[OCPP_CP_EV_FIRMWARE_STATUS], 3);
    assert_int_equal(x->last_value[OCPP_CP_EV_FIRMWARE_STATUS], OCPP_FW_INSTALLING);
    run(x, 5000);
    assert_int_equal(x->resets, 1); /* once */

    /* The new firmware boots: its version, then Installed. */
    x = fw_power_on("2.0", false);
    step(x, 0);
    assert_true(is_call(last(x), "BootNotification"));
    assert_non_null(strstr(last(x), "\"firmwareVersion\":\"2.0\""));
    /* §4.2 Pending: nothing else is sent; Installed waits without a busy loop */
    reply(x, "{\"status\":\"Pending\",\"currentTime\":\"2026-11-22T06:00:00Z\",\"interval\":5}");
    g_answered = x->f.n_sent;
    /* (the clock was just set: one poll places the next clock-aligned boundary) */
    assert_int_equal(ocpp_cp_next_wakeup_ms(&x->cp, x->now), 0u);
    step(x, 0);
    assert_int_equal(ocpp_cp_next_wakeup_ms(&x->cp, x->now), 1000u); /* the transport's cap */
    step(x, 3000);
    assert_int_equal(g_answered, x->f.n_sent);
    step(x, 2000);
    assert_true(is_call(last(x), "BootNotification"));
    csms(x);
    run(x, 1000);
    static const char *const after[] = {"Downloading", "Downloaded", "Installing", "Installed"};
    assert_fw(4, after);
    assert_int_equal(x->last_value[OCPP_CP_EV_FIRMWARE_STATUS], OCPP_FW_INSTALLED);
    /* done: the next power-up reports nothing */
    x = fw_power_on("2.0", true);
    run(x, 2000);
    assert_int_equal(g_n_fw, 4);
}

/* §6.55 retrieveDate (errata 3.63): "the date and time after which the Charge
 * Point is allowed to retrieve the (new) firmware". */
static void test_retrieve_date_is_waited_for(void **s)
{
    (void)s;
    fx_t *x = fw_power_on("1.0", true);
    /* the clock is 06:00:00; retrieve at 06:00:30 */
    call(x, "u1", "UpdateFirmware",
         "{\"location\":\"ftp://u:p@127.0.0.1/fw.bin\",\"retrieveDate\":\"2026-11-22T06:00:30Z\"}");
    run(x, 25000);
    assert_int_equal(g_ft.downloads, 0);
    assert_int_equal(g_n_fw, 0);
    run(x, 6000);
    assert_int_equal(g_ft.downloads, 1);
    assert_string_equal(g_ft.url, "ftp://u:p@127.0.0.1/fw.bin");
    assert_int_equal(g_n_fw, 1);
    assert_string_equal(g_fw[0], "Downloading");
}

/* §6.55 retries: "how many times Charge Point must try to download the
 * firmware before giving up"; retryInterval: "The interval in seconds after
 * which a retry may be attempted"; §7.25 DownloadFailed. */
static void test_download_retried_then_failed(void **s)
{
    (void)s;
    fx_t *x = fw_power_on("1.0", true);
    g_ft.poll_result = OCPP_ERR_NOT_FOUND;
    call(x, "u1", "UpdateFirmware", UPDATE(",\"retries\":3,\"retryInterval\":10"));
    run(x, 35000);
    assert_int_equal(g_ft.downloads, 3);
    for (int i = 1; i < 3; i++) {
        uint32_t gap = g_ft.started_ms[i] - g_ft.started_ms[i - 1];
        assert_true(gap >= 10000u && gap <= 11000u);
    }
    assert_int_equal(g_n_fw, 4);
    assert_string_equal(g_fw[3], "DownloadFailed");
    assert_int_equal(g_installs, 0);
    run(x, 30000);
    assert_int_equal(g_ft.downloads, 3); /* given up */
}

/* §5.19: "it is RECOMMENDED to wait until Charging Session has ended (Charge
 * Point idle) before commencing installation". */
static void test_install_waits_for_the_session(void **s)
{
    (void)s;
    fx_t *x = fw_power_on("1.0", true);
    ocpp_cp_plugged(&x->cp, 1, true);
    ocpp_cp_present_id(&x->cp, 1, "TAG1");
    run(x, 1000);
    ocpp_cp_connector_info_t ci;
    ocpp_cp_connector_info(&x->cp, 1, &ci);
    assert_true(ci.in_transaction);
    g_ft.poll_result = OCPP_OK;
    call(x, "u1", "UpdateFirmware", UPDATE(""));
    run(x, 30000);
    assert_int_equal(g_installs, 0);
    assert_int_equal(g_n_fw, 2);
    assert_string_equal(g_fw[1], "Downloaded");
    ocpp_cp_present_id(&x->cp, 1, "TAG1"); /* the session ends */
    run(x, 2000);
    assert_int_equal(g_installs, 1);
    assert_int_equal(x->resets, 1);
    assert_string_equal(g_fw[2], "Installing");
}

/* §7.25 InstallationFailed: the application refuses the image; no reboot;
 * a later update starts afresh. */
static void test_installation_failed(void **s)
{
    (void)s;
    fx_t *x = fw_power_on("1.0", true);
    g_ft.poll_result = OCPP_OK;
    g_install_result = OCPP_ERR_PARSE;
    call(x, "u1", "UpdateFirmware", UPDATE(""));
    run(x, 3000);
    static const char *const seq[] = {"Downloading", "Downloaded", "Installing",
                                      "InstallationFailed"};
    assert_fw(4, seq);
    assert_int_equal(x->resets, 0);
    assert_null(rec_find("firmware", false)); /* nothing left to resume */
    call(x, "u2", "UpdateFirmware", UPDATE(""));
    run(x, 1000);
    assert_int_equal(g_ft.downloads, 2);
}

/* A power cut during the download: the persisted update goes on after the
 * restart (§5.19: "install the new firmware as soon as it is able to"). */
static void test_power_cut_resumes_the_update(void **s)
{
    (void)s;
    fx_t *x = fw_power_on("1.0", true);
    call(x, "u1", "UpdateFirmware", UPDATE(",\"retries\":2"));
    run(x, 1000);
    assert_int_equal(g_ft.downloads, 1);
    g_ft.running = false; /* the power goes */
    x = fw_power_on("1.0", true);
    g_ft.poll_result = OCPP_OK;
    run(x, 3000);
    assert_int_equal(g_ft.downloads, 2);
    assert_string_equal(g_ft.url, "http://127.0.0.1:8080/fw.json");
    assert_int_equal(g_installs, 1);
}

/* §5.9: the answer states "the name of the file containing the diagnostic
 * information that will be uploaded"; §4.4 Uploading/Uploaded; §6.25 the
 * location is a directory: the file name is appended; startTime/stopTime go
 * to the application. */
static void test_diagnostics_uploaded(void **s)
{
    (void)s;
    fx_t *x = fw_power_on("1.0", true);
    const char *a =
        call(x, "d1", "GetDiagnostics",
             "{\"location\":\"ftp://127.0.0.1:2121/up/\","
             "\"startTime\":\"2026-11-22T05:00:00Z\",\"stopTime\":\"2026-11-22T06:00:00Z\"}");
    assert_string_equal(a, "[3,\"d1\",{\"fileName\":\"diag-CP-1.log\"}]");
    assert_int_equal(g_diag_start, 1795323600);
    assert_int_equal(g_diag_stop, 1795327200);
    run(x, 0);
    assert_int_equal(g_ft.uploads, 1);
    assert_string_equal(g_ft.url, "ftp://127.0.0.1:2121/up/diag-CP-1.log");
    g_ft.poll_result = OCPP_OK;
    run(x, 1000);
    assert_int_equal(g_n_dg, 2);
    assert_string_equal(g_dg[0], "Uploading");
    assert_string_equal(g_dg[1], "Uploaded");
    /* a location that names the file itself is used as it is */
    call(x, "d2", "GetDiagnostics", "{\"location\":\"http://127.0.0.1/put/here.log\"}");
    run(x, 1000);
    assert_string_equal(g_ft.url, "http://127.0.0.1/put/here.log");
}

/* errata 3.50, §6.25 retries: "how many times Charge Point must retry to
 * upload the diagnostics before giving up"; §7.24 UploadFailed. */
static void test_diagnostics_retried_then_failed(void **s)
{
    (void)s;
    fx_t *x = fw_power_on("1.0", true);
    g_ft.poll_result = OCPP_ERR_IO;
    call(x, "d1", "GetDiagnostics",
         "{\"location\":\"http://127.0.0.1:1/\",\"retries\":2,\"retryInterval\":5}");
    run(x, 20000);
    assert_int_equal(g_ft.uploads, 3); /* the try and 2 retries */
    assert_true(g_ft.started_ms[1] - g_ft.started_ms[0] >= 5000u);
    assert_true(g_ft.started_ms[2] - g_ft.started_ms[1] >= 5000u);
    assert_string_equal(g_dg[g_n_dg - 1], "UploadFailed");
}

/* §5.9: "If no diagnostics file is available, then GetDiagnostics.conf SHALL
 * NOT contain a file name." (none from the application; a protocol not in
 * SupportedFileTransferProtocols; one already being uploaded) */
static void test_diagnostics_without_file(void **s)
{
    (void)s;
    fx_t *x = fw_power_on("1.0", true);
    g_diag_ok = false;
    assert_string_equal(call(x, "d1", "GetDiagnostics", "{\"location\":\"ftp://h/\"}"),
                        "[3,\"d1\",{}]");
    g_diag_ok = true;
    assert_string_equal(call(x, "d2", "GetDiagnostics", "{\"location\":\"ftps://h/\"}"),
                        "[3,\"d2\",{}]");
    assert_string_equal(call(x, "d3", "GetDiagnostics", "{\"location\":\"ftp://h/\"}"),
                        "[3,\"d3\",{\"fileName\":\"diag-CP-1.log\"}]");
    assert_string_equal(call(x, "d4", "GetDiagnostics", "{\"location\":\"ftp://h/\"}"),
                        "[3,\"d4\",{}]");
    run(x, 1000);
    assert_int_equal(g_ft.uploads, 1);
}

/* Bad input gets the spec's answer and changes nothing: OCPP-J §4.2.3
 * PropertyConstraintViolation for a location that is no URL (anyURI with
 * the protocol, §8), OccurenceConstraintViolation for a missing required
 * field, TypeConstraintViolation for a wrong type; a location this charge
 * point cannot use (§8: the protocols of SupportedFileTransferProtocols) is
 * DownloadFailed without touching the update in progress. */
static void test_bad_locations_change_nothing(void **s)
{
    (void)s;
    fx_t *x = fw_power_on("1.0", true);
    call(x, "u0", "UpdateFirmware", UPDATE(",\"retries\":1"));
    run(x, 0);
    assert_int_equal(g_ft.downloads, 1);
    assert_non_null(strstr(call(x, "u1", "UpdateFirmware",
                                "{\"location\":\"not a url\",\"retrieveDate\":"
                                "\"2026-11-22T05:00:00Z\"}"),
                           "\"PropertyConstraintViolation\""));
    assert_non_null(strstr(call(x, "u2", "UpdateFirmware", "{\"location\":\"http://h/x\"}"),
                           "\"OccurenceConstraintViolation\""));
    assert_non_null(strstr(call(x, "u3", "UpdateFirmware",
                                "{\"location\":\"http://h/x\",\"retrieveDate\":\"yesterday\"}"),
                           "\"PropertyConstraintViolation\""));
    assert_non_null(strstr(call(x, "d1", "GetDiagnostics", "{\"location\":42}"),
                           "\"TypeConstraintViolation\""));
    assert_non_null(strstr(call(x, "d2", "GetDiagnostics", "{\"location\":\"/tmp/x\"}"),
                           "\"PropertyConstraintViolation\""));
    assert_non_null(
        strstr(call(x, "d3", "GetDiagnostics", "{\"location\":\"ftp://h/\",\"retries\":-1}"),
               "\"PropertyConstraintViolation\""));
    assert_int_equal(g_ft.cancels, 0);
    assert_int_equal(g_ft.uploads, 0);
    /* a protocol the port does not have: DownloadFailed at once */
    assert_string_equal(call(x, "u4", "UpdateFirmware",
                             "{\"location\":\"sftp://h/fw\",\"retrieveDate\":"
                             "\"2026-11-22T05:00:00Z\"}"),
                        "[3,\"u4\",{}]");
    run(x, 0);
    assert_int_equal(g_ft.downloads, 1);
    assert_int_equal(g_ft.cancels, 0);
    assert_string_equal(g_fw[g_n_fw - 1], "DownloadFailed");
    /* longer than OCPP_CONFIG_TRANSFER_URL_MAX: the same */
    char big[MSG_CAP];
    int n = snprintf(big, sizeof big,
                     "{\"retrieveDate\":\"2026-11-22T05:00:00Z\",\"location\":\"http://h/");
    memset(big + n, 'a', OCPP_CONFIG_TRANSFER_URL_MAX);
    snprintf(big + n + OCPP_CONFIG_TRANSFER_URL_MAX,
             sizeof big - (size_t)n - OCPP_CONFIG_TRANSFER_URL_MAX, "\"}");
    int failed = g_n_fw;
    assert_string_equal(call(x, "u5", "UpdateFirmware", big), "[3,\"u5\",{}]");
    run(x, 0);
    assert_int_equal(g_n_fw, failed + 1);
    assert_string_equal(g_fw[g_n_fw - 1], "DownloadFailed");
    assert_int_equal(g_ft.downloads, 1);
    big[2] = 'x'; /* "xetrieveDate": GetDiagnostics ignores it; no fileName */
    assert_string_equal(call(x, "d4", "GetDiagnostics", big), "[3,\"d4\",{}]");
    assert_int_equal(g_ft.uploads, 0);
    /* the update in progress goes on */
    g_ft.poll_result = OCPP_OK;
    run(x, 1000);
    assert_int_equal(g_installs, 1);
}

/* An unreachable location (the port cannot begin: a bad host) fails without
 * retrying; without a transfer port every download fails. */
static void test_unusable_location_and_no_port(void **s)
{
    (void)s;
    fx_t *x = fw_power_on("1.0", true);
    g_ft.start_result = OCPP_ERR_PARAM;
    call(x, "u1", "UpdateFirmware", UPDATE(",\"retries\":3,\"retryInterval\":1"));
    run(x, 5000);
    assert_int_equal(g_ft.downloads, 1);
    assert_string_equal(g_fw[g_n_fw - 1], "DownloadFailed");

    g_transfer_port.protocols = "";
    x = fw_power_on("1.0", true);
    g_n_fw = 0;
    call(x, "u2", "UpdateFirmware", UPDATE(""));
    run(x, 1000);
    assert_int_equal(g_n_fw, 1);
    assert_string_equal(g_fw[0], "DownloadFailed");
}

/* §4.5 / §4.4: "The Charge Point SHALL only send the status Idle after
 * receipt of a TriggerMessage ..., when it is not busy"; §5.17 the triggered
 * message goes after the answer, with the current status. */
static void test_trigger_reports_current_status(void **s)
{
    (void)s;
    fx_t *x = fw_power_on("1.0", true);
    assert_string_equal(
        call(x, "t1", "TriggerMessage", "{\"requestedMessage\":\"FirmwareStatusNotification\"}"),
        "[3,\"t1\",{\"status\":\"Accepted\"}]");
    assert_string_equal(
        call(x, "t2", "TriggerMessage", "{\"requestedMessage\":\"DiagnosticsStatusNotification\"}"),
        "[3,\"t2\",{\"status\":\"Accepted\"}]");
    run(x, 0);
    assert_int_equal(g_n_fw, 1);
    assert_string_equal(g_fw[0], "Idle");
    assert_int_equal(g_n_dg, 1);
    assert_string_equal(g_dg[0], "Idle");
    call(x, "u1", "UpdateFirmware", UPDATE(""));
    call(x, "d1", "GetDiagnostics", "{\"location\":\"ftp://h/\"}");
    run(x, 0);
    call(x, "t3", "TriggerMessage", "{\"requestedMessage\":\"FirmwareStatusNotification\"}");
    call(x, "t4", "TriggerMessage", "{\"requestedMessage\":\"DiagnosticsStatusNotification\"}");
    run(x, 0);
    assert_string_equal(g_fw[g_n_fw - 1], "Downloading");
    assert_string_equal(g_dg[g_n_dg - 1], "Uploading"); /* waits for the port */
}

/* errata 3.90 §9.5.1 SupportedFileTransferProtocols: "which file transfer
 * protocols are supported by the Charge Point"; §3.1 the profile is listed. */
static void test_supported_protocols_and_profile(void **s)
{
    (void)s;
    fx_t *x = fw_power_on("1.0", true);
    char v[128];
    assert_int_equal(ocpp_cp_key_get(&x->cp, "SupportedFileTransferProtocols", v, sizeof v),
                     OCPP_OK);
    assert_string_equal(v, "HTTP,HTTPS,FTP");
    assert_int_equal(ocpp_cp_key_get(&x->cp, "SupportedFeatureProfiles", v, sizeof v), OCPP_OK);
    assert_non_null(strstr(v, "FirmwareManagement"));
    assert_int_equal(ocpp_cp_key_set(&x->cp, "SupportedFileTransferProtocols", "FTP"),
                     OCPP_KEY_REJECTED);
    const char *a = call(x, "c1", "ChangeConfiguration",
                         "{\"key\":\"SupportedFileTransferProtocols\",\"value\":\"FTP\"}");
    assert_string_equal(a, "[3,\"c1\",{\"status\":\"Rejected\"}]");
}

/* Compiled out (OCPP_CONFIG_PROFILE_FIRMWARE 0): §3.1 the profile is not listed, its CALLs are
 * NotSupported (OCPP-J §4.2.3: "Requested Action is recognized but not supported by the
 * receiver"), its key does not exist, and §5.17: "If the requested message is unknown or not
 * implemented the Charge Point SHALL return NOTIMPLEMENTED". */
static void test_compiled_out(void **s)
{
    (void)s;
    fx_t *x = fw_power_on("1.0", true);
    char v[128];
    assert_int_equal(ocpp_cp_key_get(&x->cp, "SupportedFeatureProfiles", v, sizeof v), OCPP_OK);
    assert_null(strstr(v, "FirmwareManagement"));
    assert_int_equal(ocpp_cp_key_get(&x->cp, "SupportedFileTransferProtocols", v, sizeof v),
                     OCPP_ERR_NOT_FOUND);
    assert_non_null(strstr(call(x, "u1", "UpdateFirmware", UPDATE("")), "\"NotSupported\""));
    assert_non_null(
        strstr(call(x, "d1", "GetDiagnostics", "{\"location\":\"ftp://h/\"}"), "\"NotSupported\""));
    /* (with Remote Trigger compiled out too, TriggerMessage itself is NotSupported) */
    assert_string_equal(
        call(x, "t1", "TriggerMessage", "{\"requestedMessage\":\"FirmwareStatusNotification\"}"),
        OCPP_CONFIG_PROFILE_REMOTE_TRIGGER
            ? "[3,\"t1\",{\"status\":\"NotImplemented\"}]"
            : "[4,\"t1\",\"NotSupported\",\"action not supported\",{}]");
    run(x, 2000);
    assert_int_equal(g_ft.downloads + g_ft.uploads + g_n_fw + g_n_dg, 0);
}

int main(void)
{
    const struct CMUnitTest off[] = {cmocka_unit_test_setup(test_compiled_out, setup)};
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_update_download_install_reboot_installed, setup),
        cmocka_unit_test_setup(test_retrieve_date_is_waited_for, setup),
        cmocka_unit_test_setup(test_download_retried_then_failed, setup),
        cmocka_unit_test_setup(test_install_waits_for_the_session, setup),
        cmocka_unit_test_setup(test_installation_failed, setup),
        cmocka_unit_test_setup(test_power_cut_resumes_the_update, setup),
        cmocka_unit_test_setup(test_diagnostics_uploaded, setup),
        cmocka_unit_test_setup(test_diagnostics_retried_then_failed, setup),
        cmocka_unit_test_setup(test_diagnostics_without_file, setup),
        cmocka_unit_test_setup(test_bad_locations_change_nothing, setup),
        cmocka_unit_test_setup(test_unusable_location_and_no_port, setup),
        cmocka_unit_test_setup(test_trigger_reports_current_status, setup),
        cmocka_unit_test_setup(test_supported_protocols_and_profile, setup),
    };
    if (!OCPP_CONFIG_PROFILE_FIRMWARE) {
        return cmocka_run_group_tests(off, NULL, NULL);
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
