/**
 * @file posix_storage.c
 * @brief One file per key, replaced atomically (write temp, fsync, rename,
 *        fsync the directory).
 */
#define _POSIX_C_SOURCE 200809L

#include "ocpp/ocpp_posix.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/** Longest key, as ocpp_port.h promises. */
#define KEY_MAX 31u
/** Suffix of the temporary file; '~' cannot occur in a key. */
#define TMP_SUFFIX ".tmp~"
/** dir + '/' + key + suffix + NUL. */
#define PATH_MAX_LEN (OCPP_POSIX_STORAGE_DIR_MAX + 1u + KEY_MAX + sizeof TMP_SUFFIX)

#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif

static bool key_valid(const char *key)
{
    if (key == NULL || key[0] == '\0' || strcmp(key, ".") == 0 || strcmp(key, "..") == 0) {
        return false;
    }
    size_t i = 0;
    for (; key[i] != '\0'; i++) {
        char c = key[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '.' || c == '-';
        if (!ok || i >= KEY_MAX) {
            return false;
        }
    }
    return true;
}

/** path = dir "/" key suffix. The lengths are checked by init and key_valid. */
static void make_path(char *path, const ocpp_posix_storage_t *s, const char *key,
                      const char *suffix)
{
    (void)snprintf(path, PATH_MAX_LEN, "%s/%s%s", s->dir, key, suffix);
}

/** Write all of data, retrying on EINTR and short writes. @return 0 or errno. */
static int write_all(int fd, const uint8_t *data, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(fd, data + done, len - done);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            return errno;
        }
        done += (size_t)w;
    }
    return 0;
}

/** fsync() the directory so that a rename or unlink in it is durable. */
static int sync_dir(const ocpp_posix_storage_t *s)
{
#if defined(O_DIRECTORY)
    int fd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        return errno;
    }
    int err = (fsync(fd) == 0) ? 0 : errno;
    (void)close(fd);
    /* Some file systems cannot sync a directory; that is not a failure. */
    return (err == EINVAL || err == EBADF) ? 0 : err;
#else
    (void)s;
    return 0;
#endif
}

static ocpp_status_t errno_status(int err)
{
    if (err == ENOSPC
#if defined(EDQUOT)
        || err == EDQUOT
#endif
    ) {
        return OCPP_ERR_NOMEM;
    }
    return OCPP_ERR_IO;
}

/** mkdir -p with mode 0700. @return 0 or errno. */
static int make_dirs(char *path)
{
    size_t len = strlen(path);
    for (size_t i = 1; i <= len; i++) {
        if (path[i] != '/' && path[i] != '\0') {
            continue;
        }
        char saved = path[i];
        path[i] = '\0';
        struct stat st;
        int err = 0;
        if (mkdir(path, 0700) != 0 && errno != EEXIST) {
            /* e.g. EACCES on an existing parent: fine if it is a directory */
            err = (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) ? 0 : errno;
        }
        path[i] = saved;
        if (err != 0) {
            return err;
        }
    }
    struct stat st;
    if (stat(path, &st) != 0) {
        return errno;
    }
    return S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
}

ocpp_status_t ocpp_posix_storage_init(ocpp_posix_storage_t *s, const char *dir)
{
    if (s == NULL || dir == NULL) {
        return OCPP_ERR_PARAM;
    }
    size_t len = strlen(dir);
    if (len == 0 || len >= sizeof s->dir) {
        return OCPP_ERR_PARAM;
    }
    memcpy(s->dir, dir, len + 1u);
    while (len > 1u && s->dir[len - 1u] == '/') { /* "a/b/" -> "a/b" */
        s->dir[--len] = '\0';
    }
    return make_dirs(s->dir) == 0 ? OCPP_OK : OCPP_ERR_IO;
}

/** Read exactly `size` bytes. @return 0 or an ocpp_status_t. */
static int32_t read_exact(int fd, uint8_t *buf, size_t size)
{
    size_t got = 0;
    while (got < size) {
        ssize_t r = read(fd, buf + got, size - got);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            return OCPP_ERR_IO; /* error, or the file shrank under us */
        }
        got += (size_t)r;
    }
    return 0;
}

static int32_t storage_read(void *ctx, const char *key, uint8_t *buf, size_t cap)
{
    const ocpp_posix_storage_t *s = ctx;
    if (s == NULL || !key_valid(key) || (buf == NULL && cap > 0u)) {
        return OCPP_ERR_PARAM;
    }
    char path[PATH_MAX_LEN];
    make_path(path, s, key, "");
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return errno == ENOENT ? OCPP_ERR_NOT_FOUND : OCPP_ERR_IO;
    }
    struct stat st;
    int32_t rc;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        rc = OCPP_ERR_IO;
    } else if ((uint64_t)st.st_size > (uint64_t)cap || (uint64_t)st.st_size > INT32_MAX) {
        rc = OCPP_ERR_NOMEM;
    } else {
        rc = read_exact(fd, buf, (size_t)st.st_size);
        if (rc == 0) {
            rc = (int32_t)st.st_size;
        }
    }
    (void)close(fd);
    return rc;
}

/** Write and fsync the temporary file. @return 0 or errno. */
static int write_tmp(const char *tmp, const uint8_t *data, size_t len)
{
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        return errno;
    }
    int err = write_all(fd, data, len);
    if (err == 0 && fsync(fd) != 0) {
        err = errno;
    }
    if (close(fd) != 0 && err == 0) {
        err = errno;
    }
    return err;
}

static ocpp_status_t storage_write(void *ctx, const char *key, const uint8_t *data, size_t len)
{
    const ocpp_posix_storage_t *s = ctx;
    if (s == NULL || !key_valid(key) || (data == NULL && len > 0u) || len > INT32_MAX) {
        return OCPP_ERR_PARAM;
    }
    char path[PATH_MAX_LEN];
    char tmp[PATH_MAX_LEN];
    make_path(path, s, key, "");
    make_path(tmp, s, key, TMP_SUFFIX);
    int err = write_tmp(tmp, data, len);
    if (err == 0 && rename(tmp, path) != 0) {
        err = errno;
    }
    if (err != 0) {
        (void)unlink(tmp);
        return errno_status(err);
    }
    return sync_dir(s) == 0 ? OCPP_OK : OCPP_ERR_IO;
}

static ocpp_status_t storage_remove(void *ctx, const char *key)
{
    const ocpp_posix_storage_t *s = ctx;
    if (s == NULL || !key_valid(key)) {
        return OCPP_ERR_PARAM;
    }
    char path[PATH_MAX_LEN];
    char tmp[PATH_MAX_LEN];
    make_path(path, s, key, "");
    make_path(tmp, s, key, TMP_SUFFIX);
    (void)unlink(tmp);
    if (unlink(path) != 0) {
        return errno == ENOENT ? OCPP_OK : OCPP_ERR_IO;
    }
    return sync_dir(s) == 0 ? OCPP_OK : OCPP_ERR_IO;
}

void ocpp_posix_storage_port(ocpp_posix_storage_t *s, ocpp_storage_port_t *out)
{
    if (out == NULL) {
        return;
    }
    out->ctx = s;
    out->read = storage_read;
    out->write = storage_write;
    out->remove = storage_remove;
}
