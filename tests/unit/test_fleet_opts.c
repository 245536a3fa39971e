/**
 * @file test_fleet_opts.c
 * @brief ocpp-sim's fleet options (apps/simulator/fleet_opts.c, issue 16
 *        "Fleet options"): id patterns, the credentials CSV, the connector
 *        mix, URL and address lists, the boot ramp, the open-files plan; good
 *        and bad input.
 */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fleet_opts.h"

#define MAX_ID 48u

static char err[256];

static void id_of(const sim_fleet_ids_t *ids, unsigned index, const char *want)
{
    char out[MAX_ID + 1];
    assert_int_equal(sim_fleet_id(ids, index, out, sizeof out), (int)strlen(want));
    assert_string_equal(out, want);
}

/* ------------------------------------------------------------------------ */
/* Ids                                                                       */
/* ------------------------------------------------------------------------ */

static void test_ids_default_numbering(void **state)
{
    (void)state;
    sim_fleet_ids_t ids;
    /* one station: the plain id, as before */
    assert_int_equal(sim_fleet_ids_parse(&ids, "CP-1", 1, 1, MAX_ID, err, sizeof err), 0);
    id_of(&ids, 0, "CP-1");
    /* several: ID-0001, ID-0002, ... as before; past 9999 wider */
    assert_int_equal(sim_fleet_ids_parse(&ids, "LOAD", 1, 10001, MAX_ID, err, sizeof err), 0);
    id_of(&ids, 0, "LOAD-0001");
    id_of(&ids, 41, "LOAD-0042");
    id_of(&ids, 10000, "LOAD-10001");
    /* --id-start moves the numbers */
    assert_int_equal(sim_fleet_ids_parse(&ids, "LOAD", 500, 2, MAX_ID, err, sizeof err), 0);
    id_of(&ids, 1, "LOAD-0501");
}

static void test_ids_pattern(void **state)
{
    (void)state;
    sim_fleet_ids_t ids;
    assert_int_equal(sim_fleet_ids_parse(&ids, "SITE{n:05}", 1, 100000, MAX_ID, err, sizeof err),
                     0);
    id_of(&ids, 0, "SITE00001");
    id_of(&ids, 99999, "SITE100000");
    assert_int_equal(sim_fleet_ids_parse(&ids, "a{n}-b{n:03}", 7, 3, MAX_ID, err, sizeof err), 0);
    id_of(&ids, 0, "a7-b007");
    id_of(&ids, 2, "a9-b009");
    /* a pattern with {n} numbers even one station */
    assert_int_equal(sim_fleet_ids_parse(&ids, "X{n}", 0, 1, MAX_ID, err, sizeof err), 0);
    id_of(&ids, 0, "X0");
    /* literal braces */
    assert_int_equal(sim_fleet_ids_parse(&ids, "{{{n}}}", 1, 2, MAX_ID, err, sizeof err), 0);
    id_of(&ids, 1, "{2}");
    assert_int_equal(sim_fleet_ids_parse(&ids, "{{n}}", 1, 2, MAX_ID, err, sizeof err), 0);
    id_of(&ids, 1, "{n}-0002"); /* no placeholder: the default numbering */
}

static void bad_id(const char *pattern, unsigned start, unsigned n, const char *why)
{
    sim_fleet_ids_t ids;
    err[0] = '\0';
    assert_int_equal(sim_fleet_ids_parse(&ids, pattern, start, n, MAX_ID, err, sizeof err), -1);
    if (strstr(err, why) == NULL) {
        fail_msg("%s: \"%s\" lacks \"%s\"", pattern, err, why);
    }
}

static void test_ids_bad(void **state)
{
    (void)state;
    bad_id("", 1, 1, "must not be empty");
    bad_id("A{x}", 1, 2, "bad placeholder at position 2");
    bad_id("A{n", 1, 2, "bad placeholder at position 2");
    bad_id("A{n:5}", 1, 2, "use {n} (the station number) or {n:0W}");
    bad_id("A{n:00}", 1, 2, "bad placeholder");
    bad_id("A{n:010}", 1, 2, "bad placeholder");
    bad_id("A}", 1, 2, "'}' at position 2 without '{'");
    bad_id("A/{n}", 1, 2, "'/' at position 2");
    bad_id("A\t{n}", 1, 2, "control character at position 2");
    /* too long for the library (OCPP_CP_IDENTITY_MAX) at the last station */
    bad_id("XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX{n:05}", 1, 100000,
           "station 100000's id would be 49 characters, at most 48");
    bad_id("XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX", 1, 2, "would be 53 characters");
    bad_id("A{n}", 999999999u, 2, "below 1,000,000,000");
    /* and the longest that fits */
    sim_fleet_ids_t ids;
    assert_int_equal(sim_fleet_ids_parse(&ids, "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX{n:05}",
                                         1, 99999, MAX_ID, err, sizeof err),
                     0);
}

/* ------------------------------------------------------------------------ */
/* Credentials                                                               */
/* ------------------------------------------------------------------------ */

static void test_creds_parse(void **state)
{
    (void)state;
    const char text[] = "id,password\r\n"
                        "# a comment\n"
                        "\n"
                        "CP-2,0123456789abcdef\r\n"
                        "CP-1,pass word with spaces\n"
                        "CP-10,id,password\n"; /* more than one comma: an error */
    sim_creds_t c;
    assert_int_equal(sim_creds_parse(&c, text, strlen(text), MAX_ID, err, sizeof err), -1);
    assert_string_equal(err, "line 6: expected id,password (exactly one comma)");
    assert_null(c.v);
    size_t ok_len = strlen(text) - strlen("CP-10,id,password\n");
    assert_int_equal(sim_creds_parse(&c, text, ok_len, MAX_ID, err, sizeof err), 0);
    assert_int_equal(c.n, 2);
    const sim_cred_t *e = sim_creds_find(&c, "CP-1");
    assert_non_null(e);
    assert_string_equal(e->password, "pass word with spaces");
    assert_int_equal(e->line, 5);
    e = sim_creds_find(&c, "CP-2");
    assert_non_null(e);
    assert_string_equal(e->password, "0123456789abcdef"); /* the CR dropped */
    assert_null(sim_creds_find(&c, "CP-3"));
    assert_null(sim_creds_find(&c, "CP-"));
    assert_null(sim_creds_find(&c, "CP-10"));
    sim_creds_free(&c);
    sim_creds_free(&c); /* idempotent */
    /* no trailing newline; an empty file */
    assert_int_equal(sim_creds_parse(&c, "A,b", 3, MAX_ID, err, sizeof err), 0);
    assert_string_equal(sim_creds_find(&c, "A")->password, "b");
    sim_creds_free(&c);
    assert_int_equal(sim_creds_parse(&c, "", 0, MAX_ID, err, sizeof err), 0);
    assert_int_equal(c.n, 0);
    assert_null(sim_creds_find(&c, "A"));
    sim_creds_free(&c);
}

static void bad_creds(const char *text, size_t len, const char *want)
{
    sim_creds_t c;
    err[0] = '\0';
    assert_int_equal(sim_creds_parse(&c, text, len, MAX_ID, err, sizeof err), -1);
    if (strcmp(err, want) != 0) {
        fail_msg("\"%s\" instead of \"%s\"", err, want);
    }
    assert_null(c.text);
}

static void test_creds_bad(void **state)
{
    (void)state;
    bad_creds("A,x\nB\n", 6, "line 2: expected id,password (exactly one comma)");
    bad_creds("A,x\n,x\n", 7, "line 2: empty id");
    bad_creds("A,\n", 3, "line 1: empty password for A");
    bad_creds("A,x\tz\n", 6, "line 1: control character");
    bad_creds("A,x\nB,y\nA,z\n", 12, "line 3: A given again (first on line 1)");
    bad_creds("A,x\nB,\0y\n", 9, "line 2: NUL byte (not a text file)");
    bad_creds("XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX,p", 51,
              "line 1: id longer than 48 characters");
    /* the header only on the first line */
    bad_creds("A,x\nid,password,\n", 17, "line 2: expected id,password (exactly one comma)");
}

static void test_creds_load(void **state)
{
    (void)state;
    char path[] = "/tmp/ocpp-test-creds-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    /* more than one read buffer (64 KiB): 20,000 lines */
    for (unsigned i = 1; i <= 20000u; i++) {
        fprintf(f, "ST%05u,key-%05u-0123456789\n", i, i);
    }
    fclose(f);
    sim_creds_t c;
    assert_int_equal(sim_creds_load(&c, path, MAX_ID, err, sizeof err), 0);
    assert_int_equal(c.n, 20000);
    assert_string_equal(sim_creds_find(&c, "ST12345")->password, "key-12345-0123456789");
    assert_int_equal(sim_creds_find(&c, "ST20000")->line, 20000);
    sim_creds_free(&c);
    f = fopen(path, "a");
    fprintf(f, "broken\n");
    fclose(f);
    assert_int_equal(sim_creds_load(&c, path, MAX_ID, err, sizeof err), -1);
    assert_non_null(strstr(err, "line 20001: expected id,password"));
    assert_non_null(strstr(err, path));
    unlink(path);
    assert_int_equal(sim_creds_load(&c, path, MAX_ID, err, sizeof err), -1);
    assert_non_null(strstr(err, "No such file"));
}

/* ------------------------------------------------------------------------ */
/* Connector mix                                                             */
/* ------------------------------------------------------------------------ */

static void test_conn_mix(void **state)
{
    (void)state;
    sim_conn_mix_t m;
    assert_int_equal(sim_conn_mix_parse(&m, "3", 8, err, sizeof err), 0);
    assert_int_equal(sim_conn_mix_of(&m, 0), 3);
    assert_int_equal(sim_conn_mix_of(&m, 99999), 3);
    assert_int_equal(m.max, 3);
    /* a cyclic list by station index */
    assert_int_equal(sim_conn_mix_parse(&m, "1,2,2,4", 8, err, sizeof err), 0);
    const uint8_t want[] = {1, 2, 2, 4, 1, 2, 2, 4};
    for (unsigned i = 0; i < 8u; i++) {
        assert_int_equal(sim_conn_mix_of(&m, i), want[i]);
    }
    assert_int_equal(m.max, 4);
    /* shares: exactly so in every block of 100 stations, spread */
    assert_int_equal(sim_conn_mix_parse(&m, "1:20%,2:70%,4:10%", 8, err, sizeof err), 0);
    for (unsigned block = 0; block < 3u; block++) {
        unsigned count[9] = {0};
        for (unsigned i = 0; i < 100u; i++) {
            count[sim_conn_mix_of(&m, block * 100u + i)]++;
        }
        assert_int_equal(count[1], 20);
        assert_int_equal(count[2], 70);
        assert_int_equal(count[4], 10);
    }
    unsigned first10[9] = {0};
    for (unsigned i = 0; i < 10u; i++) {
        first10[sim_conn_mix_of(&m, i)]++;
    }
    assert_true(first10[1] >= 1u && first10[2] >= 5u && first10[4] >= 1u); /* spread */
    /* deterministic: the same index, the same count */
    sim_conn_mix_t again;
    assert_int_equal(sim_conn_mix_parse(&again, "1:20%,2:70%,4:10%", 8, err, sizeof err), 0);
    for (unsigned i = 0; i < 1000u; i++) {
        assert_int_equal(sim_conn_mix_of(&m, i), sim_conn_mix_of(&again, i));
    }
    assert_int_equal(sim_conn_mix_parse(&m, "8:100%", 8, err, sizeof err), 0);
    assert_int_equal(sim_conn_mix_of(&m, 12345), 8);
}

static void bad_mix(const char *s, const char *want)
{
    sim_conn_mix_t m;
    err[0] = '\0';
    assert_int_equal(sim_conn_mix_parse(&m, s, 8, err, sizeof err), -1);
    if (strstr(err, want) == NULL) {
        fail_msg("%s: \"%s\" lacks \"%s\"", s, err, want);
    }
}

static void test_conn_mix_bad(void **state)
{
    (void)state;
    bad_mix("9", "--connectors must be 1..8");
    bad_mix("0", "--connectors must be 1..8");
    bad_mix("", "(item 1)");
    bad_mix("x", "got x (item 1)");
    bad_mix("2,", "(item 2)");
    bad_mix("1,,2", "(item 2)");
    bad_mix("1,9", "(item 2)");
    bad_mix("2 ", "unexpected ' '");
    bad_mix("1:50%,2:40%", "add up to 90%, not 100%");
    bad_mix("1:50%,2:60%", "more than 100%");
    bad_mix("1:50%,2", "item 2 of 1:50%,2 is no COUNT:PERCENT%");
    bad_mix("1:50,2:50%", "item 1");
    bad_mix("1:0%,2:100%", "item 1");
    bad_mix("1:101%", "item 1");
    char many[400] = "1";
    for (int i = 0; i < 100; i++) {
        strcat(many, ",2");
    }
    bad_mix(many, "at most 100 items");
    char shares[800] = "1:1%";
    for (int i = 0; i < 100; i++) {
        strcat(shares, ",1:1%"); /* 101 shares */
    }
    bad_mix(shares, "at most 100 items");
}

/* ------------------------------------------------------------------------ */
/* Lists, ramp, open files                                                   */
/* ------------------------------------------------------------------------ */

static void test_lists(void **state)
{
    (void)state;
    sim_fleet_list_t l;
    assert_int_equal(sim_fleet_list_parse(&l, "ws://a:1/ocpp,wss://b/x", SIM_LIST_URL, "--csms",
                                          err, sizeof err),
                     0);
    assert_int_equal(l.n, 2);
    assert_string_equal(sim_fleet_list_at(&l, 0), "ws://a:1/ocpp");
    assert_string_equal(sim_fleet_list_at(&l, 1), "wss://b/x");
    assert_string_equal(sim_fleet_list_at(&l, 4), "ws://a:1/ocpp"); /* round-robin */
    sim_fleet_list_free(&l);
    sim_fleet_list_free(&l);
    assert_null(sim_fleet_list_at(&l, 0));
    assert_int_equal(sim_fleet_list_parse(&l, "127.0.0.2,::1,127.0.0.3", SIM_LIST_ADDR, "--bind",
                                          err, sizeof err),
                     0);
    assert_string_equal(sim_fleet_list_at(&l, 5), "127.0.0.3");
    sim_fleet_list_free(&l);

    const struct {
        const char *s;
        sim_list_kind_t kind;
        const char *want;
    } bad[] = {
        {"", SIM_LIST_URL, "--x: item 1 is empty"},
        {"ws://a,", SIM_LIST_URL, "--x: item 2 is empty"},
        {"ws://a,,ws://b", SIM_LIST_URL, "--x: item 2 is empty"},
        {"http://a", SIM_LIST_URL, "--x: http://a is no ws:// or wss:// URL"},
        {"localhost", SIM_LIST_ADDR, "--x: localhost is no numeric IPv4 or IPv6 address"},
        {"127.0.0.2,127.0.0.300", SIM_LIST_ADDR, "--x: 127.0.0.300 is no numeric"},
        {"127.0.0.2 ", SIM_LIST_ADDR, "is no numeric"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        assert_int_equal(sim_fleet_list_parse(&l, bad[i].s, bad[i].kind, "--x", err, sizeof err),
                         -1);
        if (strstr(err, bad[i].want) == NULL) {
            fail_msg("%s: \"%s\" lacks \"%s\"", bad[i].s, err, bad[i].want);
        }
        assert_null(l.buf);
    }
    char many[1024] = "127.0.0.1";
    for (int i = 0; i < 64; i++) {
        strcat(many, ",127.0.0.1");
    }
    assert_int_equal(sim_fleet_list_parse(&l, many, SIM_LIST_ADDR, "--bind", err, sizeof err), -1);
    assert_string_equal(err, "--bind: at most 64 items");
}

static void test_ramp(void **state)
{
    (void)state;
    uint32_t r = 0;
    assert_int_equal(sim_fleet_ramp_parse("200", &r, err, sizeof err), 0);
    assert_int_equal(r, 200000);
    assert_int_equal(sim_fleet_ramp_offset_ms(r, 0), 0);
    assert_int_equal(sim_fleet_ramp_offset_ms(r, 1), 5);
    assert_int_equal(sim_fleet_ramp_offset_ms(r, 1000), 5000);
    assert_int_equal(sim_fleet_ramp_parse("2.5", &r, err, sizeof err), 0);
    assert_int_equal(r, 2500);
    assert_int_equal(sim_fleet_ramp_offset_ms(r, 5), 2000);
    assert_int_equal(sim_fleet_ramp_parse("0.1", &r, err, sizeof err), 0);
    assert_int_equal(sim_fleet_ramp_offset_ms(r, 99999), 999990000u); /* fits */
    assert_int_equal(sim_fleet_ramp_parse("100000", &r, err, sizeof err), 0);
    assert_int_equal(sim_fleet_ramp_offset_ms(0, 12345), 0); /* no ramp */
    const char *const bad[] = {"", "0", "0.09", "100000.001", "1e3", "-1", ".5", "5x", "12345678"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        assert_int_equal(sim_fleet_ramp_parse(bad[i], &r, err, sizeof err), -1);
        assert_non_null(strstr(err, "--ramp: stations per second, 0.1..100000"));
    }
}

static void test_nofile_plan(void **state)
{
    (void)state;
    uint64_t soft = 0;
    /* enough under the hard limit: raise the soft one to what is needed */
    assert_int_equal(sim_fleet_nofile_plan(1024, 20000, 10000, &soft), 10000);
    assert_int_equal(soft, 10000u + SIM_FLEET_FD_RESERVE);
    /* never lowered */
    assert_int_equal(sim_fleet_nofile_plan(50000, 60000, 100, &soft), 100);
    assert_int_equal(soft, 50000);
    /* the hard limit of this machine: 20,000 of 50,000 get a socket, less the reserve */
    assert_int_equal(sim_fleet_nofile_plan(1024, 20000, 50000, &soft),
                     20000u - SIM_FLEET_FD_RESERVE);
    assert_int_equal(soft, 20000);
    assert_int_equal(sim_fleet_nofile_plan(10, 10, 5, &soft), 0);
    assert_int_equal(sim_fleet_nofile_plan(1024, UINT64_MAX, 100000, &soft), 100000);
    assert_int_equal(soft, 100000u + SIM_FLEET_FD_RESERVE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ids_default_numbering),
        cmocka_unit_test(test_ids_pattern),
        cmocka_unit_test(test_ids_bad),
        cmocka_unit_test(test_creds_parse),
        cmocka_unit_test(test_creds_bad),
        cmocka_unit_test(test_creds_load),
        cmocka_unit_test(test_conn_mix),
        cmocka_unit_test(test_conn_mix_bad),
        cmocka_unit_test(test_lists),
        cmocka_unit_test(test_ramp),
        cmocka_unit_test(test_nofile_plan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
