/**
 * @file ocpp_posix_transfer.h
 * @brief The POSIX file transfer port (ocpp_transfer_port_t, ocpp_port.h):
 *        firmware download and diagnostics upload over http://, https://,
 *        ftp:// (and ftps:// where libcurl has it) with libcurl's multi
 *        interface, so that a transfer never blocks the poll loop.
 *
 * Built when CMake finds libcurl (Debian: libcurl4-openssl-dev); the macro
 * OCPP_POSIX_HAVE_TRANSFER is then 1 for users of the ocpp_posix target.
 *
 * The two slots of the port are files: a download goes to
 * `firmware_path` + ".part" and is renamed to `firmware_path` when it is
 * complete (a failed or cancelled download leaves the previous image); an
 * upload sends `diagnostics_path`. Uploads: HTTP(S) with PUT, FTP(S) with
 * STOR (passive mode, the path sent whole, no CWD).
 */
#ifndef OCPP_POSIX_TRANSFER_H
#define OCPP_POSIX_TRANSFER_H

#include <stdbool.h>
#include <stdint.h>

#include "ocpp/ocpp_port.h"
#include "ocpp/ocpp_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/** How a transfer port is set up. Strings must outlive the port. */
typedef struct {
    const char *firmware_path;    /**< The firmware slot (download target). Required. */
    const char *diagnostics_path; /**< The diagnostics slot (upload source). Required. */
    const char *ca_file;          /**< https/ftps: CA certificates (PEM); NULL: the system's. */
    uint32_t connect_timeout_s;   /**< Give up connecting after; 0: 10. */
    uint32_t stall_timeout_s;     /**< Give up when no byte moved for this long; 0: 30. */
    ocpp_log_fn log;              /**< Optional: failures are logged. */
    void *log_ctx;
} ocpp_posix_transfer_config_t;

/** A transfer port (one transfer at a time). Fields are private. */
typedef struct {
    ocpp_posix_transfer_config_t cfg;
    void *multi;        /**< CURLM *, made by the first transfer (NULL before). */
    void *easy;         /**< CURL * of the running transfer, NULL when idle. */
    void *file;         /**< FILE * it reads or writes. */
    bool upload;        /**< The running transfer is an upload. */
    char protocols[24]; /**< SupportedFileTransferProtocols of this libcurl. */
    char part[512];     /**< firmware_path + ".part". */
} ocpp_posix_transfer_t;

/**
 * @brief Set up the port (curl_global_init once per process is done here).
 * @return OCPP_OK; OCPP_ERR_PARAM (missing path, path too long);
 *         OCPP_ERR_NOMEM (libcurl could not be set up).
 */
ocpp_status_t ocpp_posix_transfer_init(ocpp_posix_transfer_t *t,
                                       const ocpp_posix_transfer_config_t *cfg);

/** @brief The port's function table (ctx = t) for ocpp_cp_ports_t.transfer. */
void ocpp_posix_transfer_port(ocpp_posix_transfer_t *t, ocpp_transfer_port_t *out);

/** @brief Cancel what runs and release libcurl's handles. */
void ocpp_posix_transfer_free(ocpp_posix_transfer_t *t);

#ifdef __cplusplus
}
#endif

#endif /* OCPP_POSIX_TRANSFER_H */
