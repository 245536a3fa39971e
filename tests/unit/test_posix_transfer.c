/*
 * The POSIX file transfer port (ports/posix/posix_transfer.c, libcurl): the
 * contract of ocpp_transfer_port_t (ocpp_port.h) on bad input and failures,
 * offline on 127.0.0.1. Transfers that succeed are covered by
 * tests/integration/firmware.test.mjs (HTTP and FTP servers).
 */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "ocpp/ocpp_posix.h"
#include "ocpp/ocpp_port.h"

#if OCPP_POSIX_HAVE_TRANSFER
#include "ocpp/ocpp_posix_transfer.h"

static char g_dir[64], g_fw[128], g_diag[128];
static ocpp_posix_transfer_t g_t;
static ocpp_transfer_port_t g_p;

static int setup(void **state)
{
    (void)state;
    snprintf(g_dir, sizeof g_dir, "/tmp/ocpp-xfer-XXXXXX");
    assert_non_null(mkdtemp(g_dir));
    snprintf(g_fw, sizeof g_fw, "%s/firmware.img", g_dir);
    snprintf(g_diag, sizeof g_diag, "%s/diag.log", g_dir);
    ocpp_posix_transfer_config_t c = {
        .firmware_path = g_fw, .diagnostics_path = g_diag, .connect_timeout_s = 2};
    assert_int_equal(ocpp_posix_transfer_init(&g_t, &c), OCPP_OK);
    ocpp_posix_transfer_port(&g_t, &g_p);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ocpp_posix_transfer_free(&g_t);
    char part[160];
    snprintf(part, sizeof part, "%s.part", g_fw);
    (void)remove(part);
    (void)remove(g_fw);
    (void)remove(g_diag);
    (void)rmdir(g_dir);
    return 0;
}

/** Poll until the transfer ends (at most 10 s). */
static ocpp_status_t finish(void)
{
    for (int i = 0; i < 1000; i++) {
        ocpp_status_t r = g_p.poll(g_p.ctx);
        if (r != OCPP_PENDING) {
            return r;
        }
        struct timespec ts = {0, 10000000L}; /* 10 ms */
        nanosleep(&ts, NULL);
    }
    fail_msg("transfer did not end");
    return OCPP_PENDING;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void read_file(const char *path, char *out, size_t cap)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t n = fread(out, 1, cap - 1u, f);
    out[n] = '\0';
    fclose(f);
}

/* ocpp_port.h: protocols is SupportedFileTransferProtocols (errata 3.90:
 * "Allowed values: 'FTP', 'FTPS', 'HTTP' and 'HTTPS'"); init checks its
 * arguments. */
static void test_protocols_and_init(void **state)
{
    (void)state;
    assert_non_null(strstr(g_p.protocols, "HTTP"));
    assert_non_null(strstr(g_p.protocols, "FTP"));
    for (const char *c = g_p.protocols; *c != '\0'; c++) {
        assert_true((*c >= 'A' && *c <= 'Z') || *c == ',');
    }
    ocpp_posix_transfer_t t;
    ocpp_posix_transfer_config_t c = {.firmware_path = NULL, .diagnostics_path = g_diag};
    assert_int_equal(ocpp_posix_transfer_init(&t, &c), OCPP_ERR_PARAM);
    assert_int_equal(ocpp_posix_transfer_init(NULL, &c), OCPP_ERR_PARAM);
}

/* poll() without a transfer: OCPP_ERR_STATE; a URL without a scheme or of a
 * protocol the port has not: OCPP_ERR_PARAM (no retry can help). */
static void test_malformed_locations(void **state)
{
    (void)state;
    assert_int_equal(g_p.poll(g_p.ctx), OCPP_ERR_STATE);
    assert_int_equal(g_p.download(g_p.ctx, "not a url"), OCPP_ERR_PARAM);
    assert_int_equal(g_p.download(g_p.ctx, NULL), OCPP_ERR_PARAM);
    assert_int_equal(g_p.poll(g_p.ctx), OCPP_ERR_STATE); /* nothing began */
    assert_int_equal(g_p.download(g_p.ctx, "gopher://127.0.0.1/fw"), OCPP_OK);
    assert_int_equal(finish(), OCPP_ERR_PARAM);
    assert_int_equal(g_p.download(g_p.ctx, "http://[::1/fw"), OCPP_OK);
    assert_int_equal(finish(), OCPP_ERR_PARAM);
}

/* An unreachable location (nothing listens on 127.0.0.1:9): the download
 * fails, the previous image stays, the partial file is gone; one transfer at
 * a time (OCPP_ERR_BUSY); cancel() frees the port and is idempotent. */
static void test_unreachable_keeps_previous_image(void **state)
{
    (void)state;
    write_file(g_fw, "{\"firmwareVersion\":\"old\"}");
    assert_int_equal(g_p.download(g_p.ctx, "http://127.0.0.1:9/fw.json"), OCPP_OK);
    assert_int_equal(g_p.upload(g_p.ctx, "http://127.0.0.1:9/up/"), OCPP_ERR_BUSY);
    ocpp_status_t r = finish();
    assert_true(r == OCPP_ERR_IO || r == OCPP_ERR_TIMEOUT);
    char buf[64];
    read_file(g_fw, buf, sizeof buf);
    assert_string_equal(buf, "{\"firmwareVersion\":\"old\"}");
    char part[160];
    snprintf(part, sizeof part, "%s.part", g_fw);
    assert_int_equal(access(part, F_OK), -1);
    /* cancel: free again at once */
    assert_int_equal(g_p.download(g_p.ctx, "ftp://127.0.0.1:9/fw.bin"), OCPP_OK);
    g_p.cancel(g_p.ctx);
    g_p.cancel(g_p.ctx);
    assert_int_equal(g_p.poll(g_p.ctx), OCPP_ERR_STATE);
    assert_int_equal(access(part, F_OK), -1);
}

/* upload(): the diagnostics slot must exist (OCPP_ERR_IO, nothing begun). */
static void test_upload_without_file(void **state)
{
    (void)state;
    assert_int_equal(g_p.upload(g_p.ctx, "http://127.0.0.1:9/up/x.log"), OCPP_ERR_IO);
    assert_int_equal(g_p.poll(g_p.ctx), OCPP_ERR_STATE);
    write_file(g_diag, "log\n");
    assert_int_equal(g_p.upload(g_p.ctx, "ftp://127.0.0.1:9/up/x.log"), OCPP_OK);
    ocpp_status_t r = finish();
    assert_true(r == OCPP_ERR_IO || r == OCPP_ERR_TIMEOUT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_protocols_and_init, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed_locations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unreachable_keeps_previous_image, setup, teardown),
        cmocka_unit_test_setup_teardown(test_upload_without_file, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

#else /* no libcurl: the port is not built */

static void test_not_built(void **state)
{
    (void)state;
    skip();
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_not_built)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

#endif
