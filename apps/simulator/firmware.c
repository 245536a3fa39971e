/**
 * @file firmware.c
 * @brief ocpp-sim as the application of the Firmware Management profile:
 *        the file transfer port (libcurl, ports/posix), the installation of
 *        a firmware image, and the diagnostics file.
 *
 * A firmware image for ocpp-sim is a JSON file {"firmwareVersion":"..."}
 * (1..50 characters); anything else is refused (InstallationFailed).
 * Installing it stores the version in record "sim.firmware" of the
 * station's data dir; the library then reboots the station (its reset
 * hook), and the new firmware's BootNotification carries that version.
 * The diagnostics file is the station's recent OCPP message log (what
 * GET log answers) for the requested period.
 * Slots: <data-dir>/<id>/firmware.img and diagnostics.log.
 */
#define _POSIX_C_SOURCE 200809L

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

#define SIM_FW_RECORD    "sim.firmware"
#define SIM_FW_IMAGE_MAX 4096

/** The station of a library callback: its context is the EVSE application
 *  (evse_callbacks()), which the station embeds. */
static sim_station_t *station_of(void *ctx)
{
    return (sim_station_t *)(void *)((char *)ctx - offsetof(sim_station_t, evse));
}

/** The version in an image {"firmwareVersion":"..."}; false if it is none. */
static bool image_version(const char *buf, size_t n, char *out, size_t cap)
{
    ocpp_json_value_t root, v;
    size_t len = 0;
    return ocpp_json_validate(buf, n) == OCPP_OK && ocpp_json_root(buf, n, &root) == OCPP_OK &&
           root.type == OCPP_JSON_OBJECT &&
           ocpp_json_get(&root, "firmwareVersion", &v) == OCPP_OK &&
           ocpp_json_as_string(&v, out, cap, &len) == OCPP_OK && len >= 1u && len <= 50u;
}

static ocpp_status_t sim_install(void *ctx)
{
    sim_station_t *s = station_of(ctx);
    char buf[SIM_FW_IMAGE_MAX];
    char version[sizeof s->fw_version];
    FILE *f = s->fw_image != NULL ? fopen(s->fw_image, "rb") : NULL;
    size_t n = f != NULL ? fread(buf, 1, sizeof buf, f) : 0u;
    bool whole = f != NULL && feof(f);
    if (f != NULL) {
        fclose(f);
    }
    if (!whole || !image_version(buf, n, version, sizeof version)) {
        fprintf(stderr, "%s: firmware image refused (not {\"firmwareVersion\":\"...\"})\n", s->id);
        return OCPP_ERR_PARSE;
    }
    ocpp_status_t st = s->store_port.write(s->store_port.ctx, SIM_FW_RECORD,
                                           (const uint8_t *)version, strlen(version));
    if (st != OCPP_OK) {
        return st;
    }
    snprintf(s->fw_version, sizeof s->fw_version, "%s", version);
    fprintf(stderr, "%s: firmware %s installed\n", s->id, version);
    return OCPP_OK;
}

typedef struct {
    FILE *f;
    int64_t start, stop;
} diag_t;

static void diag_line(void *ctx, const sim_log_rec_t *e)
{
    const diag_t *d = ctx;
    int64_t t = e->unix_ms / 1000;
    if ((d->start == 0 || t >= d->start) && (d->stop == 0 || t <= d->stop)) {
        fprintf(d->f, "%" PRId64 " %s %.*s\n", e->unix_ms, e->out ? "TX" : "RX", (int)e->len,
                e->text);
    }
}

static bool sim_diagnostics(void *ctx, int64_t start, int64_t stop, char *name, size_t cap)
{
    sim_station_t *s = station_of(ctx);
    diag_t d = {
        .f = s->diag_file != NULL ? fopen(s->diag_file, "wb") : NULL, .start = start, .stop = stop};
    if (d.f == NULL) {
        return false;
    }
    sim_log_each(s, diag_line, &d);
    bool ok = fclose(d.f) == 0;
    snprintf(name, cap, "%s-%" PRId64 ".log", s->id, ocpp_posix_unix_time());
    return ok;
}

void sim_firmware_init(sim_station_t *s, const char *ca_file)
{
    /* the two paths in one allocation of their size (not 2 x 600 bytes a station) */
    size_t pn = strlen(s->dir) + sizeof "/diagnostics.log";
    s->fw_image = malloc(2u * pn);
    s->diag_file = s->fw_image != NULL ? s->fw_image + pn : NULL;
    if (s->fw_image != NULL) {
        snprintf(s->fw_image, pn, "%s/firmware.img", s->dir);
        snprintf(s->diag_file, pn, "%s/diagnostics.log", s->dir);
    }
    char v[sizeof s->fw_version];
    int32_t n = s->store_port.read(s->store_port.ctx, SIM_FW_RECORD, (uint8_t *)v, sizeof v - 1u);
    if (n > 0) {
        v[n] = '\0';
        snprintf(s->fw_version, sizeof s->fw_version, "%s", v);
    } else {
        snprintf(s->fw_version, sizeof s->fw_version, "%s", SIM_FIRMWARE_VERSION);
    }
#if OCPP_POSIX_HAVE_TRANSFER
    if (s->fw_image == NULL) {
        fprintf(stderr, "%s: out of memory: no firmware transfers\n", s->id);
        return;
    }
    ocpp_posix_transfer_config_t tc = {.firmware_path = s->fw_image,
                                       .diagnostics_path = s->diag_file,
                                       .ca_file = ca_file,
                                       .log = ocpp_posix_log,
                                       .log_ctx = &s->log};
    /* malloc'd: written at boot, it would keep a page of every station resident */
    s->transfer = malloc(sizeof *s->transfer);
    if (s->transfer != NULL && ocpp_posix_transfer_init(s->transfer, &tc) == OCPP_OK) {
        ocpp_posix_transfer_port(s->transfer, &s->transfer_port);
        s->has_transfer = true;
    } else {
        free(s->transfer);
        s->transfer = NULL;
    }
#else
    (void)ca_file;
#endif
}

void sim_firmware_attach(sim_station_t *s, ocpp_cp_ports_t *ports, ocpp_cp_callbacks_t *cb)
{
    if (s->has_transfer) {
        /* a (re)boot: a transfer of the firmware before is gone */
        s->transfer_port.cancel(s->transfer_port.ctx);
    }
    ports->transfer = s->has_transfer ? &s->transfer_port : NULL;
    cb->firmware_install = sim_install;
    cb->diagnostics = sim_diagnostics;
}

void sim_firmware_free(sim_station_t *s)
{
#if OCPP_POSIX_HAVE_TRANSFER
    if (s->has_transfer) {
        ocpp_posix_transfer_free(s->transfer);
    }
    free(s->transfer);
    s->transfer = NULL;
#endif
    s->has_transfer = false;
    free(s->fw_image);
    s->fw_image = s->diag_file = NULL;
}
