/**
 * @file test_posix_storage.c
 * @brief The POSIX file storage against the ocpp_storage_port_t contract,
 *        plus the clock, random and log helpers of the port.
 */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ocpp/ocpp_posix.h"

typedef struct {
    char root[64]; /* mkdtemp() directory, removed at teardown */
    char dir[128]; /* storage directory below it */
    ocpp_posix_storage_t st;
    ocpp_storage_port_t port;
} fixture_t;

/** Remove root/a/b/c-like trees of plain files (two levels are enough here). */
static void rm_tree(const char *path)
{
    DIR *d = opendir(path);
    if (d != NULL) {
        const struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
                continue;
            }
            char sub[512];
            (void)snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
            rm_tree(sub);
        }
        closedir(d);
        (void)rmdir(path);
    } else {
        (void)unlink(path);
    }
}

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    if (f == NULL) {
        return -1;
    }
    strcpy(f->root, "/tmp/ocpp_posix_st_XXXXXX");
    if (mkdtemp(f->root) == NULL) {
        free(f);
        return -1;
    }
    (void)snprintf(f->dir, sizeof f->dir, "%s/a/b/store", f->root);
    if (ocpp_posix_storage_init(&f->st, f->dir) != OCPP_OK) {
        rm_tree(f->root);
        free(f);
        return -1;
    }
    ocpp_posix_storage_port(&f->st, &f->port);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    rm_tree(f->root);
    free(f);
    return 0;
}

static void write_raw(const fixture_t *f, const char *name, const char *text)
{
    char path[256];
    (void)snprintf(path, sizeof path, "%s/%s", f->dir, name);
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, strlen(text), fp), strlen(text));
    assert_int_equal(fclose(fp), 0);
}

static bool file_exists(const fixture_t *f, const char *name)
{
    char path[256];
    struct stat st;
    (void)snprintf(path, sizeof path, "%s/%s", f->dir, name);
    return stat(path, &st) == 0;
}

static void test_init_creates_directory_with_parents(void **state)
{
    const fixture_t *f = *state;
    struct stat st;
    assert_int_equal(stat(f->dir, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    /* A second init on an existing directory, with a trailing slash. */
    ocpp_posix_storage_t s2;
    char with_slash[160];
    (void)snprintf(with_slash, sizeof with_slash, "%s/", f->dir);
    assert_int_equal(ocpp_posix_storage_init(&s2, with_slash), OCPP_OK);
    assert_string_equal(s2.dir, f->dir);
}

static void test_init_bad_params(void **state)
{
    const fixture_t *f = *state;
    ocpp_posix_storage_t s;
    assert_int_equal(ocpp_posix_storage_init(NULL, "/tmp"), OCPP_ERR_PARAM);
    assert_int_equal(ocpp_posix_storage_init(&s, NULL), OCPP_ERR_PARAM);
    assert_int_equal(ocpp_posix_storage_init(&s, ""), OCPP_ERR_PARAM);
    char longdir[OCPP_POSIX_STORAGE_DIR_MAX + 8];
    memset(longdir, 'x', sizeof longdir - 1u);
    longdir[0] = '/';
    longdir[sizeof longdir - 1u] = '\0';
    assert_int_equal(ocpp_posix_storage_init(&s, longdir), OCPP_ERR_PARAM);
    /* A path through a regular file cannot become a directory. */
    write_raw(f, "plainfile", "x");
    char through[200];
    (void)snprintf(through, sizeof through, "%s/plainfile/sub", f->dir);
    assert_int_equal(ocpp_posix_storage_init(&s, through), OCPP_ERR_IO);
    (void)snprintf(through, sizeof through, "%s/plainfile", f->dir);
    assert_int_equal(ocpp_posix_storage_init(&s, through), OCPP_ERR_IO);
}

static void test_write_read_replace_remove(void **state)
{
    const fixture_t *f = *state;
    const ocpp_storage_port_t *p = &f->port;
    uint8_t buf[64];
    assert_int_equal(p->write(p->ctx, "cfg", (const uint8_t *)"hello", 5), OCPP_OK);
    assert_int_equal(p->read(p->ctx, "cfg", buf, sizeof buf), 5);
    assert_memory_equal(buf, "hello", 5);
    /* ocpp_port.h: "Atomically create or replace record `key`." */
    assert_int_equal(p->write(p->ctx, "cfg", (const uint8_t *)"hi", 2), OCPP_OK);
    assert_int_equal(p->read(p->ctx, "cfg", buf, sizeof buf), 2);
    assert_memory_equal(buf, "hi", 2);
    assert_false(file_exists(f, "cfg.tmp~")); /* no temporary file left */
    /* Exactly cap bytes fit. */
    assert_int_equal(p->read(p->ctx, "cfg", buf, 2), 2);
    assert_int_equal(p->remove(p->ctx, "cfg"), OCPP_OK);
    assert_int_equal(p->read(p->ctx, "cfg", buf, sizeof buf), OCPP_ERR_NOT_FOUND);
    /* ocpp_port.h: remove returns OCPP_OK "also if it did not exist". */
    assert_int_equal(p->remove(p->ctx, "cfg"), OCPP_OK);
}

static void test_read_not_found(void **state)
{
    const fixture_t *f = *state;
    uint8_t buf[8];
    assert_int_equal(f->port.read(f->port.ctx, "missing", buf, sizeof buf), OCPP_ERR_NOT_FOUND);
}

static void test_read_cap_too_small_is_nomem(void **state)
{
    const fixture_t *f = *state;
    const ocpp_storage_port_t *p = &f->port;
    uint8_t buf[4] = {0xAA, 0xAA, 0xAA, 0xAA};
    assert_int_equal(p->write(p->ctx, "k", (const uint8_t *)"12345", 5), OCPP_OK);
    /* ocpp_port.h: "OCPP_ERR_NOMEM if the record is larger than cap". */
    assert_int_equal(p->read(p->ctx, "k", buf, 4), OCPP_ERR_NOMEM);
    assert_int_equal(p->read(p->ctx, "k", NULL, 0), OCPP_ERR_NOMEM);
}

static void test_zero_byte_record(void **state)
{
    const fixture_t *f = *state;
    const ocpp_storage_port_t *p = &f->port;
    uint8_t buf[4];
    assert_int_equal(p->write(p->ctx, "empty", NULL, 0), OCPP_OK);
    assert_int_equal(p->read(p->ctx, "empty", buf, sizeof buf), 0);
    assert_int_equal(p->read(p->ctx, "empty", NULL, 0), 0);
    assert_int_equal(p->write(p->ctx, "empty", (const uint8_t *)"", 0), OCPP_OK);
    assert_int_equal(p->read(p->ctx, "empty", buf, 0), 0);
}

static void test_big_record(void **state)
{
    const fixture_t *f = *state;
    const ocpp_storage_port_t *p = &f->port;
    const size_t len = 1024u * 1024u + 17u;
    uint8_t *data = malloc(len);
    uint8_t *back = malloc(len);
    assert_non_null(data);
    assert_non_null(back);
    ocpp_posix_rng_t rng;
    ocpp_posix_rng_seed(&rng, 42);
    for (size_t i = 0; i < len; i++) {
        data[i] = (uint8_t)ocpp_posix_rng_next(&rng);
    }
    assert_int_equal(p->write(p->ctx, "big.bin", data, len), OCPP_OK);
    assert_int_equal(p->read(p->ctx, "big.bin", back, len), (int32_t)len);
    assert_memory_equal(data, back, len);
    assert_int_equal(p->read(p->ctx, "big.bin", back, len - 1u), OCPP_ERR_NOMEM);
    free(data);
    free(back);
}

static void test_leftover_tmp_is_ignored(void **state)
{
    const fixture_t *f = *state;
    const ocpp_storage_port_t *p = &f->port;
    uint8_t buf[32];
    assert_int_equal(p->write(p->ctx, "queue", (const uint8_t *)"old", 3), OCPP_OK);
    /* A power cut during write() left a half-written temporary file.
       ocpp_port.h: "if power fails during write(), a later read() returns
       either the old or the new record, never a mix". */
    write_raw(f, "queue.tmp~", "new-but-trunc");
    assert_int_equal(p->read(p->ctx, "queue", buf, sizeof buf), 3);
    assert_memory_equal(buf, "old", 3);
    /* The next write replaces the leftover and succeeds. */
    assert_int_equal(p->write(p->ctx, "queue", (const uint8_t *)"newer", 5), OCPP_OK);
    assert_int_equal(p->read(p->ctx, "queue", buf, sizeof buf), 5);
    assert_memory_equal(buf, "newer", 5);
    assert_false(file_exists(f, "queue.tmp~"));
    /* A leftover of a record that never existed is not a record. */
    write_raw(f, "ghost.tmp~", "x");
    assert_int_equal(p->read(p->ctx, "ghost", buf, sizeof buf), OCPP_ERR_NOT_FOUND);
    /* remove() also clears a leftover. */
    assert_int_equal(p->remove(p->ctx, "ghost"), OCPP_OK);
    assert_false(file_exists(f, "ghost.tmp~"));
}

static void test_key_dot_tmp_does_not_collide(void **state)
{
    const fixture_t *f = *state;
    const ocpp_storage_port_t *p = &f->port;
    uint8_t buf[8];
    /* "a.tmp" is a valid key; writing "a" must not touch it. */
    assert_int_equal(p->write(p->ctx, "a.tmp", (const uint8_t *)"T", 1), OCPP_OK);
    assert_int_equal(p->write(p->ctx, "a", (const uint8_t *)"A", 1), OCPP_OK);
    assert_int_equal(p->read(p->ctx, "a.tmp", buf, sizeof buf), 1);
    assert_int_equal(buf[0], 'T');
    assert_int_equal(p->read(p->ctx, "a", buf, sizeof buf), 1);
    assert_int_equal(buf[0], 'A');
}

static void test_valid_key_edges(void **state)
{
    const fixture_t *f = *state;
    const ocpp_storage_port_t *p = &f->port;
    /* ocpp_port.h: keys are [A-Za-z0-9_.-], at most 31 characters. */
    const char *k31 = "abcdefghijABCDEFGHIJ0123456789_";
    assert_int_equal(strlen(k31), 31);
    uint8_t buf[4];
    assert_int_equal(p->write(p->ctx, k31, (const uint8_t *)"1", 1), OCPP_OK);
    assert_int_equal(p->read(p->ctx, k31, buf, sizeof buf), 1);
    assert_int_equal(p->write(p->ctx, "-._", (const uint8_t *)"2", 1), OCPP_OK);
    assert_int_equal(p->read(p->ctx, "-._", buf, sizeof buf), 1);
    assert_int_equal(p->write(p->ctx, "...", (const uint8_t *)"3", 1), OCPP_OK);
    assert_int_equal(p->remove(p->ctx, "..."), OCPP_OK);
}

static void test_bad_keys(void **state)
{
    const fixture_t *f = *state;
    const ocpp_storage_port_t *p = &f->port;
    static const char *const bad[] = {
        "",
        ".",
        "..",
        "a/b",
        "../x",
        "/etc",
        "a b",
        "k~",
        "key.tmp~",
        "é",
        "a\\b",
        "a:b",
        "abcdefghijABCDEFGHIJ0123456789_x", /* 32 characters */
    };
    uint8_t buf[4];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(p->write(p->ctx, bad[i], (const uint8_t *)"x", 1), OCPP_ERR_PARAM);
        assert_int_equal(p->read(p->ctx, bad[i], buf, sizeof buf), OCPP_ERR_PARAM);
        assert_int_equal(p->remove(p->ctx, bad[i]), OCPP_ERR_PARAM);
    }
    assert_int_equal(p->write(p->ctx, NULL, (const uint8_t *)"x", 1), OCPP_ERR_PARAM);
    assert_int_equal(p->read(p->ctx, NULL, buf, sizeof buf), OCPP_ERR_PARAM);
    assert_int_equal(p->remove(p->ctx, NULL), OCPP_ERR_PARAM);
    /* Other bad arguments. */
    assert_int_equal(p->write(p->ctx, "ok", NULL, 1), OCPP_ERR_PARAM);
    assert_int_equal(p->read(p->ctx, "ok", NULL, 1), OCPP_ERR_PARAM);
    assert_int_equal(p->write(NULL, "ok", (const uint8_t *)"x", 1), OCPP_ERR_PARAM);
    assert_int_equal(p->read(NULL, "ok", buf, sizeof buf), OCPP_ERR_PARAM);
    assert_int_equal(p->remove(NULL, "ok"), OCPP_ERR_PARAM);
}

static void test_read_directory_is_io(void **state)
{
    const fixture_t *f = *state;
    char path[256];
    (void)snprintf(path, sizeof path, "%s/subdir", f->dir);
    assert_int_equal(mkdir(path, 0700), 0);
    uint8_t buf[4];
    assert_int_equal(f->port.read(f->port.ctx, "subdir", buf, sizeof buf), OCPP_ERR_IO);
    /* rename() of a file over a directory fails: IO, and no leftover. */
    assert_int_equal(f->port.write(f->port.ctx, "subdir", (const uint8_t *)"x", 1), OCPP_ERR_IO);
    assert_false(file_exists(f, "subdir.tmp~"));
}

/* ---- clock, random and log of the port ---- */

static void test_clock(void **state)
{
    (void)state;
    uint32_t a = ocpp_posix_now_ms();
    uint32_t b = ocpp_posix_now_ms();
    assert_true((uint32_t)(b - a) < 60000u);          /* monotonic: never goes back */
    assert_true(ocpp_posix_unix_time() > 1600000000); /* after Sept 2020 */
}

static void test_rng_deterministic(void **state)
{
    (void)state;
    ocpp_posix_rng_t r1;
    ocpp_posix_rng_t r2;
    ocpp_posix_rng_seed(&r1, 7);
    ocpp_posix_rng_seed(&r2, 7);
    uint32_t first = ocpp_posix_rng_next(&r1);
    assert_int_equal(first, ocpp_posix_rng_next(&r2));
    for (int i = 0; i < 100; i++) {
        assert_int_equal(ocpp_posix_rng_next(&r1), ocpp_posix_rng_next(&r2));
    }
    ocpp_posix_rng_seed(&r2, 8);
    assert_int_not_equal(first, ocpp_posix_rng_next(&r2));
    ocpp_posix_rng_seed(&r1, 0); /* seed 0 is allowed */
    assert_int_not_equal(r1.state, 0);
    assert_int_equal(ocpp_posix_rng_next(NULL), 0);
    ocpp_posix_rng_seed(NULL, 1); /* no crash */
}

static void test_os_random_varies(void **state)
{
    (void)state;
    /* 8 draws all equal has probability 2^-224. */
    uint32_t first = ocpp_posix_random(NULL);
    bool differs = false;
    for (int i = 0; i < 8; i++) {
        differs = differs || ocpp_posix_random(NULL) != first;
    }
    assert_true(differs);
}

static void test_os_random_bytes(void **state)
{
    (void)state;
    uint8_t a[64];
    uint8_t b[64];
    memset(a, 0, sizeof a);
    memset(b, 0, sizeof b);
    assert_true(ocpp_posix_random_bytes(a, sizeof a));
    assert_true(ocpp_posix_random_bytes(b, sizeof b));
    /* Two equal 512-bit draws: probability 2^-512. */
    assert_memory_not_equal(a, b, sizeof a);
    assert_true(ocpp_posix_random_bytes(NULL, 0));
    assert_false(ocpp_posix_random_bytes(NULL, 1));
}

static void call_log(void *ctx, ocpp_log_level_t lvl, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ocpp_posix_log(ctx, lvl, fmt, ap);
    va_end(ap);
}

static void test_log_to_stderr(void **state)
{
    (void)state;
    fflush(stderr);
    int saved = dup(STDERR_FILENO);
    FILE *cap = tmpfile();
    assert_non_null(cap);
    assert_true(dup2(fileno(cap), STDERR_FILENO) >= 0);
    ocpp_posix_log_t cfg = {OCPP_LOG_INFO, "CP-1"};
    call_log(&cfg, OCPP_LOG_WARN, "answer %d", 42);
    call_log(&cfg, OCPP_LOG_DEBUG, "dropped %d", 1);
    call_log(NULL, OCPP_LOG_DEBUG, "%s", "plain");
    char longmsg[700];
    memset(longmsg, 'z', sizeof longmsg - 1u);
    longmsg[sizeof longmsg - 1u] = '\0';
    call_log(NULL, OCPP_LOG_ERROR, "%s", longmsg);
    assert_true(dup2(saved, STDERR_FILENO) >= 0);
    close(saved);
    char out[2048] = "";
    rewind(cap);
    size_t n = fread(out, 1, sizeof out - 1u, cap);
    fclose(cap);
    out[n] = '\0';
    assert_non_null(strstr(out, "] W CP-1: answer 42\n"));
    assert_null(strstr(out, "dropped"));
    assert_non_null(strstr(out, "] D plain\n"));
    const char *lng = strstr(out, "] E zzz");
    assert_non_null(lng);
    const char *end = strchr(lng, '\n');
    assert_non_null(end);
    assert_memory_equal(end - 3, "...", 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_init_creates_directory_with_parents, setup, teardown),
        cmocka_unit_test_setup_teardown(test_init_bad_params, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_read_replace_remove, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_not_found, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_cap_too_small_is_nomem, setup, teardown),
        cmocka_unit_test_setup_teardown(test_zero_byte_record, setup, teardown),
        cmocka_unit_test_setup_teardown(test_big_record, setup, teardown),
        cmocka_unit_test_setup_teardown(test_leftover_tmp_is_ignored, setup, teardown),
        cmocka_unit_test_setup_teardown(test_key_dot_tmp_does_not_collide, setup, teardown),
        cmocka_unit_test_setup_teardown(test_valid_key_edges, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_directory_is_io, setup, teardown),
        cmocka_unit_test(test_clock),
        cmocka_unit_test(test_rng_deterministic),
        cmocka_unit_test(test_os_random_varies),
        cmocka_unit_test(test_os_random_bytes),
        cmocka_unit_test(test_log_to_stderr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
