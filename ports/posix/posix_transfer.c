/**
 * @file posix_transfer.c
 * @brief The file transfer port on libcurl's multi interface: each poll()
 *        runs curl_multi_perform() once (non-blocking; DNS runs in
 *        libcurl's resolver thread) and reads the result when it is done.
 */
#define _POSIX_C_SOURCE 200809L

#include "ocpp/ocpp_posix_transfer.h"

#include <curl/curl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void tlog(const ocpp_posix_transfer_t *t, ocpp_log_level_t level, const char *fmt, ...)
{
    if (t->cfg.log == NULL) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    t->cfg.log(t->cfg.log_ctx, level, fmt, ap);
    va_end(ap);
}

/** SupportedFileTransferProtocols: what this libcurl was built with. */
static void find_protocols(ocpp_posix_transfer_t *t)
{
    static const char *const names[] = {"http", "https", "ftp", "ftps"};
    const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);
    t->protocols[0] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        for (const char *const *p = v->protocols; p != NULL && *p != NULL; p++) {
            if (strcmp(*p, names[i]) == 0) {
                size_t n = strlen(t->protocols);
                snprintf(t->protocols + n, sizeof t->protocols - n, "%s%s", n > 0 ? "," : "",
                         names[i]);
                break;
            }
        }
    }
    for (char *c = t->protocols; *c != '\0'; c++) {
        *c = (char)(*c >= 'a' && *c <= 'z' ? *c - 'a' + 'A' : *c);
    }
}

ocpp_status_t ocpp_posix_transfer_init(ocpp_posix_transfer_t *t,
                                       const ocpp_posix_transfer_config_t *cfg)
{
    if (t == NULL || cfg == NULL || cfg->firmware_path == NULL || cfg->diagnostics_path == NULL ||
        strlen(cfg->firmware_path) + sizeof ".part" > sizeof t->part) {
        return OCPP_ERR_PARAM;
    }
    memset(t, 0, sizeof *t);
    t->cfg = *cfg;
    snprintf(t->part, sizeof t->part, "%s.part", cfg->firmware_path);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        return OCPP_ERR_NOMEM;
    }
    find_protocols(t); /* the multi handle (some KB) comes with the first transfer */
    return OCPP_OK;
}

static void finish(ocpp_posix_transfer_t *t)
{
    if (t->easy != NULL) {
        curl_multi_remove_handle(t->multi, t->easy);
        curl_easy_cleanup(t->easy);
        t->easy = NULL;
    }
    if (t->file != NULL) {
        fclose(t->file);
        t->file = NULL;
    }
}

static ocpp_status_t begin(ocpp_posix_transfer_t *t, const char *url, bool upload)
{
    if (t->easy != NULL) {
        return OCPP_ERR_BUSY;
    }
    if (url == NULL || strstr(url, "://") == NULL) {
        return OCPP_ERR_PARAM;
    }
    t->upload = upload;
    t->file = fopen(upload ? t->cfg.diagnostics_path : t->part, upload ? "rb" : "wb");
    if (t->file == NULL) {
        tlog(t, OCPP_LOG_ERROR, "transfer: cannot open %s",
             upload ? t->cfg.diagnostics_path : t->part);
        return OCPP_ERR_IO;
    }
    CURL *e = curl_easy_init();
    if (e == NULL) {
        finish(t);
        return OCPP_ERR_IO;
    }
    t->easy = e;
    long stall = t->cfg.stall_timeout_s != 0u ? (long)t->cfg.stall_timeout_s : 30L;
    long conn = t->cfg.connect_timeout_s != 0u ? (long)t->cfg.connect_timeout_s : 10L;
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https,ftp,ftps");
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_FAILONERROR, 1L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, conn);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, stall);
    curl_easy_setopt(e, CURLOPT_FTP_USE_EPSV, 0L);
    curl_easy_setopt(e, CURLOPT_FTP_FILEMETHOD, (long)CURLFTPMETHOD_NOCWD);
    if (t->cfg.ca_file != NULL) {
        curl_easy_setopt(e, CURLOPT_CAINFO, t->cfg.ca_file);
    }
    if (upload) {
        /* HTTP(S): PUT; FTP(S): STOR */
        fseek(t->file, 0, SEEK_END);
        long size = ftell(t->file);
        fseek(t->file, 0, SEEK_SET);
        curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(e, CURLOPT_READDATA, t->file);
        curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, (curl_off_t)(size > 0 ? size : 0));
    } else {
        curl_easy_setopt(e, CURLOPT_WRITEDATA, t->file);
        curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
        curl_easy_setopt(e, CURLOPT_MAXREDIRS, 5L);
    }
    if (t->multi == NULL) {
        t->multi = curl_multi_init();
    }
    if (t->multi == NULL || curl_multi_add_handle(t->multi, e) != CURLM_OK) {
        finish(t);
        return OCPP_ERR_IO;
    }
    return OCPP_OK;
}

static ocpp_status_t status_of(CURLcode c, long response)
{
    switch (c) {
    case CURLE_OK: return OCPP_OK;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT: return OCPP_ERR_PARAM;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY: return OCPP_ERR_DNS;
    case CURLE_OPERATION_TIMEDOUT: return OCPP_ERR_TIMEOUT;
    case CURLE_LOGIN_DENIED: return OCPP_ERR_AUTH;
    case CURLE_REMOTE_FILE_NOT_FOUND: return OCPP_ERR_NOT_FOUND;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE: return OCPP_ERR_TLS;
    case CURLE_HTTP_RETURNED_ERROR:
        return response == 401 || response == 403 ? OCPP_ERR_AUTH
               : response == 404                  ? OCPP_ERR_NOT_FOUND
                                                  : OCPP_ERR_PROTOCOL;
    default: return OCPP_ERR_IO;
    }
}

static ocpp_status_t t_download(void *ctx, const char *url)
{
    return begin(ctx, url, false);
}

static ocpp_status_t t_upload(void *ctx, const char *url)
{
    return begin(ctx, url, true);
}

static ocpp_status_t t_poll(void *ctx)
{
    ocpp_posix_transfer_t *t = ctx;
    if (t->easy == NULL) {
        return OCPP_ERR_STATE;
    }
    int running = 0;
    (void)curl_multi_perform(t->multi, &running);
    int left = 0;
    CURLMsg *m;
    while ((m = curl_multi_info_read(t->multi, &left)) != NULL) {
        if (m->msg != CURLMSG_DONE || m->easy_handle != t->easy) {
            continue;
        }
        long response = 0;
        CURLcode code = m->data.result; /* m is freed with the handle */
        curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &response);
        ocpp_status_t st = status_of(code, response);
        bool upload = t->upload;
        finish(t);
        if (st != OCPP_OK) {
            tlog(t, OCPP_LOG_WARN, "transfer: %s failed: %s (response %ld)",
                 upload ? "upload" : "download", curl_easy_strerror(code), response);
            if (!upload) {
                (void)remove(t->part);
            }
            return st;
        }
        if (!upload && rename(t->part, t->cfg.firmware_path) != 0) {
            return OCPP_ERR_IO;
        }
        return OCPP_OK;
    }
    return OCPP_PENDING;
}

static void t_cancel(void *ctx)
{
    ocpp_posix_transfer_t *t = ctx;
    bool download = t->easy != NULL && !t->upload;
    finish(t);
    if (download) {
        (void)remove(t->part);
    }
}

void ocpp_posix_transfer_port(ocpp_posix_transfer_t *t, ocpp_transfer_port_t *out)
{
    *out = (ocpp_transfer_port_t){.ctx = t,
                                  .protocols = t->protocols,
                                  .download = t_download,
                                  .upload = t_upload,
                                  .poll = t_poll,
                                  .cancel = t_cancel};
}

void ocpp_posix_transfer_free(ocpp_posix_transfer_t *t)
{
    if (t == NULL) {
        return;
    }
    t_cancel(t);
    if (t->multi != NULL) {
        curl_multi_cleanup(t->multi);
        t->multi = NULL;
    }
}
