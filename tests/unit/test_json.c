/* JSON reader and writer: RFC 8259 conformance, bounds, decoders, writer overflow. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ocpp/ocpp_json.h"

static ocpp_status_t validate(const char *s)
{
    return ocpp_json_validate(s, strlen(s));
}

/** Root of a document that must validate. */
static ocpp_json_value_t root_of(const char *s)
{
    ocpp_json_value_t v;
    assert_int_equal(validate(s), OCPP_OK);
    assert_int_equal(ocpp_json_root(s, strlen(s), &v), OCPP_OK);
    return v;
}

/** Value at `path` below the root of s. */
static ocpp_json_value_t at(const char *s, const char *path)
{
    ocpp_json_value_t r = root_of(s), v;
    assert_int_equal(ocpp_json_find(&r, path, &v), OCPP_OK);
    return v;
}

/* RFC 8259 §13 Examples. */
static const char rfc_obj[] = "{\n"
                              "  \"Image\": {\n"
                              "      \"Width\":  800,\n"
                              "      \"Height\": 600,\n"
                              "      \"Title\":  \"View from 15th Floor\",\n"
                              "      \"Thumbnail\": {\n"
                              "          \"Url\":    \"http://www.example.com/image/481989943\",\n"
                              "          \"Height\": 125,\n"
                              "          \"Width\":  100\n"
                              "      },\n"
                              "      \"Animated\" : false,\n"
                              "      \"IDs\": [116, 943, 234, 38793]\n"
                              "    }\n"
                              "}";

static const char rfc_arr[] = "[\n"
                              "  {\n"
                              "     \"precision\": \"zip\",\n"
                              "     \"Latitude\":  37.7668,\n"
                              "     \"Longitude\": -122.3959,\n"
                              "     \"Address\":   \"\",\n"
                              "     \"City\":      \"SAN FRANCISCO\",\n"
                              "     \"State\":     \"CA\",\n"
                              "     \"Zip\":       \"94107\",\n"
                              "     \"Country\":   \"US\"\n"
                              "  },\n"
                              "  {\n"
                              "     \"precision\": \"zip\",\n"
                              "     \"Latitude\":  37.371991,\n"
                              "     \"Longitude\": -122.026020,\n"
                              "     \"Address\":   \"\",\n"
                              "     \"City\":      \"SUNNYVALE\",\n"
                              "     \"State\":     \"CA\",\n"
                              "     \"Zip\":       \"94085\",\n"
                              "     \"Country\":   \"US\"\n"
                              "  }\n"
                              "]";

/* RFC 8259 §13: the object example, navigated. */
static void test_rfc_example_object(void **state)
{
    (void)state;
    ocpp_json_value_t v;
    int64_t i;
    bool b;
    v = at(rfc_obj, "Image.Thumbnail.Url");
    assert_true(ocpp_json_string_eq(&v, "http://www.example.com/image/481989943"));
    v = at(rfc_obj, "Image.Width");
    assert_int_equal(ocpp_json_as_int(&v, &i), OCPP_OK);
    assert_int_equal(i, 800);
    v = at(rfc_obj, "Image.Thumbnail.Height");
    assert_int_equal(ocpp_json_as_int(&v, &i), OCPP_OK);
    assert_int_equal(i, 125);
    v = at(rfc_obj, "Image.Animated");
    assert_int_equal(ocpp_json_as_bool(&v, &b), OCPP_OK);
    assert_false(b);
    v = at(rfc_obj, "Image.IDs");
    assert_int_equal(v.type, OCPP_JSON_ARRAY);
    assert_int_equal(ocpp_json_count(&v), 4);
    v = at(rfc_obj, "Image.IDs[3]");
    assert_int_equal(ocpp_json_as_int(&v, &i), OCPP_OK);
    assert_int_equal(i, 38793);
    v = at(rfc_obj, "Image");
    assert_int_equal(ocpp_json_count(&v), 6);
}

/* RFC 8259 §13: the array example, with fractional numbers. */
static void test_rfc_example_array(void **state)
{
    (void)state;
    ocpp_json_value_t v;
    int64_t i;
    char buf[32];
    v = root_of(rfc_arr);
    assert_int_equal(ocpp_json_count(&v), 2);
    v = at(rfc_arr, "[0].Latitude");
    assert_int_equal(ocpp_json_as_decimal(&v, 4, &i), OCPP_OK);
    assert_int_equal(i, 377668);
    v = at(rfc_arr, "[1].Longitude");
    assert_int_equal(ocpp_json_as_decimal(&v, 6, &i), OCPP_OK);
    assert_int_equal(i, -122026020);
    assert_int_equal(ocpp_json_as_int(&v, &i), OCPP_ERR_TYPE);
    v = at(rfc_arr, "[1].City");
    assert_int_equal(ocpp_json_as_string(&v, buf, sizeof(buf), NULL), OCPP_OK);
    assert_string_equal(buf, "SUNNYVALE");
    v = at(rfc_arr, "[0].Address");
    assert_int_equal(ocpp_json_string_len(&v), 0);
    assert_true(ocpp_json_string_eq(&v, ""));
    assert_int_equal(ocpp_json_find(&v, "[2]", &v), OCPP_ERR_TYPE);
    v = root_of(rfc_arr);
    assert_int_equal(ocpp_json_find(&v, "[2]", &v), OCPP_ERR_NOT_FOUND);
}

/* RFC 8259 §13: "Here are three small JSON texts containing only values". */
static void test_rfc_example_scalars(void **state)
{
    (void)state;
    ocpp_json_value_t v;
    int64_t i;
    bool b;
    v = root_of("\"Hello world!\"");
    assert_true(ocpp_json_string_eq(&v, "Hello world!"));
    v = root_of("42");
    assert_int_equal(ocpp_json_as_int(&v, &i), OCPP_OK);
    assert_int_equal(i, 42);
    v = root_of("true");
    assert_int_equal(ocpp_json_as_bool(&v, &b), OCPP_OK);
    assert_true(b);
}

/* Every proper prefix of a valid text is PARTIAL (or itself a valid text). */
static void test_every_prefix_is_partial(void **state)
{
    (void)state;
    const char *docs[] = {rfc_obj, rfc_arr, "\"Hello world!\"",
                          "{\"a\":[1,-2.5e+3,true,false,null,\"\\u00e9\\uD834\\uDD1E\\n\"]}",
                          "\"\xe2\x82\xac\xf0\x9d\x84\x9e\""};
    for (size_t d = 0; d < sizeof(docs) / sizeof(docs[0]); d++) {
        size_t n = strlen(docs[d]);
        assert_int_equal(ocpp_json_validate(docs[d], n), OCPP_OK);
        for (size_t k = 0; k < n; k++) {
            assert_int_equal(ocpp_json_validate(docs[d], k), OCPP_ERR_PARTIAL);
        }
    }
    /* A number prefix is itself a valid text. */
    assert_int_equal(ocpp_json_validate("42", 1), OCPP_OK);
}

/* RFC 8259 §3: literal names must be lowercase; no others are allowed. */
static void test_literals(void **state)
{
    (void)state;
    assert_int_equal(validate("null"), OCPP_OK);
    assert_int_equal(validate("false"), OCPP_OK);
    assert_int_equal(validate("[true,false,null]"), OCPP_OK);
    assert_int_equal(validate("True"), OCPP_ERR_PARSE);
    assert_int_equal(validate("NULL"), OCPP_ERR_PARSE);
    assert_int_equal(validate("trUe"), OCPP_ERR_PARSE);
    assert_int_equal(validate("truex"), OCPP_ERR_PARSE);
    assert_int_equal(validate("nil"), OCPP_ERR_PARSE);
    assert_int_equal(validate("undefined"), OCPP_ERR_PARSE);
    assert_int_equal(validate("[tru]"), OCPP_ERR_PARSE);
    assert_int_equal(validate("tru"), OCPP_ERR_PARTIAL);
    assert_int_equal(validate("[nul"), OCPP_ERR_PARTIAL);
}

/* RFC 8259 §6: number = [ minus ] int [ frac ] [ exp ]; int = zero / ( digit1-9 *DIGIT ). */
static void test_numbers_valid(void **state)
{
    (void)state;
    const char *ok[] = {"0",
                        "-0",
                        "0.0",
                        "-0.0",
                        "1",
                        "-1",
                        "123",
                        "1.5",
                        "1e5",
                        "1E5",
                        "1e+5",
                        "1e-5",
                        "1E-05",
                        "0e0",
                        "-0e-0",
                        "1.5e10",
                        "-122.026020",
                        "123456789012345678901234567890",
                        "[0,-0,1.25e-3]"};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        assert_int_equal(validate(ok[i]), OCPP_OK);
    }
}

/* RFC 8259 §6: "Leading zeros are not allowed"; a plus sign, a bare point and
 * non-finite values are not part of the grammar. */
static void test_numbers_invalid(void **state)
{
    (void)state;
    const char *bad[] = {"01",    "-01",   "00",     "+1",       ".5",        "[1.]", "[1e]",
                         "[1e+]", "[-]",   "- 1",    "--1",      "0x10",      "1.e5", "1.5.5",
                         "1e5.5", "1e5e5", "NaN",    "Infinity", "-Infinity", "[.5]", "[01]",
                         "1,",    "1 2",   "[1ee5]", "0.-1",     "1_000"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        print_message("%s\n", bad[i]);
        assert_int_equal(validate(bad[i]), OCPP_ERR_PARSE);
    }
    /* A leading zero followed by a digit is wrong whatever comes after it, even
     * when the input then ends where a fraction or exponent digit is due. */
    assert_int_equal(validate("01."), OCPP_ERR_PARSE);
    assert_int_equal(validate("-01e"), OCPP_ERR_PARSE);
    assert_int_equal(validate("[00"), OCPP_ERR_PARSE);
    assert_int_equal(validate("-0."), OCPP_ERR_PARTIAL);
    /* At the very end of the input these could still become numbers. */
    assert_int_equal(validate("-"), OCPP_ERR_PARTIAL);
    assert_int_equal(validate("1."), OCPP_ERR_PARTIAL);
    assert_int_equal(validate("1e"), OCPP_ERR_PARTIAL);
    assert_int_equal(validate("1E-"), OCPP_ERR_PARTIAL);
    assert_int_equal(validate("[1"), OCPP_ERR_PARTIAL);
}

/* RFC 8259 §7: escapes are \" \\ \/ \b \f \n \r \t \uXXXX; "All Unicode characters may
 * be placed within the quotation marks, except for the characters that MUST be escaped:
 * quotation mark, reverse solidus, and the control characters (U+0000 through U+001F)." */
static void test_strings(void **state)
{
    (void)state;
    assert_int_equal(validate("\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u0041 \\u00e9 \\uFFFF\""),
                     OCPP_OK);
    assert_int_equal(validate("\"\x7f\""), OCPP_OK); /* DEL need not be escaped */
    assert_int_equal(validate("\"\\x41\""), OCPP_ERR_PARSE);
    assert_int_equal(validate("\"\\a\""), OCPP_ERR_PARSE);
    assert_int_equal(validate("\"\\'\""), OCPP_ERR_PARSE);
    assert_int_equal(validate("\"\\U0041\""), OCPP_ERR_PARSE);
    assert_int_equal(validate("\"\\u12\""), OCPP_ERR_PARSE);
    assert_int_equal(validate("\"\\u12G4\""), OCPP_ERR_PARSE);
    assert_int_equal(validate("'single'"), OCPP_ERR_PARSE);
    for (int c = 0; c < 0x20; c++) {
        char s[4] = {'"', (char)c, '"', 0};
        assert_int_equal(ocpp_json_validate(s, 3), OCPP_ERR_PARSE);
    }
    assert_int_equal(ocpp_json_validate("\"\0\"", 3), OCPP_ERR_PARSE);
    assert_int_equal(validate("\"abc"), OCPP_ERR_PARTIAL);
    assert_int_equal(validate("\"\\"), OCPP_ERR_PARTIAL);
    assert_int_equal(validate("\"\\u00"), OCPP_ERR_PARTIAL);
    assert_int_equal(validate("\"abc\"def\""), OCPP_ERR_PARSE);
}

/* RFC 8259 §7: a character outside the BMP is escaped as a UTF-16 surrogate pair;
 * RFC 8259 §8.2: strings with unpaired surrogates are not interoperable: we reject them. */
static void test_surrogate_escapes(void **state)
{
    (void)state;
    assert_int_equal(validate("\"\\uD834\\uDD1E\""), OCPP_OK);
    assert_int_equal(validate("\"\\udbff\\udfff\""), OCPP_OK);
    assert_int_equal(validate("\"\\uD834\""), OCPP_ERR_PARSE);
    assert_int_equal(validate("\"\\uD834x\""), OCPP_ERR_PARSE);
    assert_int_equal(validate("\"\\uD834\\n\""), OCPP_ERR_PARSE);
    assert_int_equal(validate("\"\\uD834\\u0041\""), OCPP_ERR_PARSE);
    assert_int_equal(validate("\"\\uD834\\uD834\""), OCPP_ERR_PARSE);
    assert_int_equal(validate("\"\\uDD1E\""), OCPP_ERR_PARSE);
    assert_int_equal(validate("\"\\uDD1E\\uD834\""), OCPP_ERR_PARSE);
    /* A high surrogate needs "\\u" next: anything else is wrong at once, even
     * where the input ends right after it. */
    assert_int_equal(validate("\"\\uD834x"), OCPP_ERR_PARSE);
    assert_int_equal(validate("\"\\uD834\\x"), OCPP_ERR_PARSE);
    assert_int_equal(validate("\"\\uD834\\uDDxx\""), OCPP_ERR_PARSE);
    /* RFC 8259 §4: a name is a string: the same rules. */
    assert_int_equal(validate("{\"\\uD834\\uDD1E\":1}"), OCPP_OK);
    assert_int_equal(validate("{\"\\uD834\":1}"), OCPP_ERR_PARSE);
    assert_int_equal(validate("{\"\\uDD1E\":1}"), OCPP_ERR_PARSE);
    assert_int_equal(validate("{\"\xed\xa0\x80\":1}"), OCPP_ERR_PARSE);
    assert_int_equal(validate("{\"\\uD834"), OCPP_ERR_PARTIAL);
    assert_int_equal(validate("\"\\uD834"), OCPP_ERR_PARTIAL);
    assert_int_equal(validate("\"\\uD834\\"), OCPP_ERR_PARTIAL);
    assert_int_equal(validate("\"\\uD834\\u"), OCPP_ERR_PARTIAL);
    assert_int_equal(validate("\"\\uD834\\uDD"), OCPP_ERR_PARTIAL);
}

/* RFC 8259 §8.1: "JSON text exchanged between systems ... MUST be encoded using UTF-8";
 * RFC 3629 §3/§4 and Unicode Table 3-7: no overlongs, no surrogates, max U+10FFFF. */
static void test_utf8(void **state)
{
    (void)state;
    const char *ok[] = {
        "\"\xc2\x80\"",         /* U+0080 */
        "\"\xdf\xbf\"",         /* U+07FF */
        "\"\xe0\xa0\x80\"",     /* U+0800 */
        "\"\xed\x9f\xbf\"",     /* U+D7FF */
        "\"\xee\x80\x80\"",     /* U+E000 */
        "\"\xef\xbf\xbf\"",     /* U+FFFF */
        "\"\xf0\x90\x80\x80\"", /* U+10000 */
        "\"\xf4\x8f\xbf\xbf\"", /* U+10FFFF */
        "\"\xe2\x82\xac\"",     /* EURO SIGN */
    };
    const char *bad[] = {
        "\"\x80\"",             /* lone continuation byte */
        "\"\xbf\"",             /* lone continuation byte */
        "\"\xc0\x80\"",         /* overlong NUL */
        "\"\xc1\xbf\"",         /* overlong U+007F */
        "\"\xe0\x80\x80\"",     /* overlong */
        "\"\xe0\x9f\xbf\"",     /* overlong U+07FF */
        "\"\xf0\x80\x80\x80\"", /* overlong */
        "\"\xf0\x8f\xbf\xbf\"", /* overlong U+FFFF */
        "\"\xed\xa0\x80\"",     /* U+D800 encoded in UTF-8 */
        "\"\xed\xbf\xbf\"",     /* U+DFFF encoded in UTF-8 */
        "\"\xf4\x90\x80\x80\"", /* U+110000 */
        "\"\xf5\x80\x80\x80\"", /* lead byte above F4 */
        "\"\xfe\"",
        "\"\xff\"",
        "\"\xc2\"",         /* truncated 2-byte sequence */
        "\"\xe2\x82\"",     /* truncated 3-byte sequence */
        "\"\xf0\x9d\x84\"", /* truncated 4-byte sequence */
        "\"\xe2"
        "a\"", /* ASCII where a continuation belongs */
        "\xc2\xa0"
        "1", /* NBSP is no JSON whitespace */
        "\xef\xbb\xbf"
        "1", /* no BOM (RFC 8259 §8.1: MUST NOT add a BOM) */
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        assert_int_equal(validate(ok[i]), OCPP_OK);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        print_message("bad utf8 #%u\n", (unsigned)i);
        assert_int_equal(validate(bad[i]), OCPP_ERR_PARSE);
    }
    /* Truncated at the end of the input: more bytes could complete it. */
    assert_int_equal(validate("\"\xe2\x82"), OCPP_ERR_PARTIAL);
    assert_int_equal(validate("\"\xf0\x9d\x84"), OCPP_ERR_PARTIAL);
    assert_int_equal(validate("\"\xe0\x80"), OCPP_ERR_PARSE); /* already overlong */
}

/* RFC 8259 §2: JSON-text = ws value ws; begin-array, name-separator etc. */
static void test_structure(void **state)
{
    (void)state;
    const char *ok[] = {
        " \t\r\n[ 1 , 2 ] \n", "{}", "[]", "[[]]", "{\"\":{}}", "{ \"a\" : 1 , \"b\" : [ ] }",
        "{\"a\":1,\"a\":2}"};
    const char *bad[] = {"[1,]",       "[,1]",  "{,}",        "{\"a\"}",   "{\"a\":}",  "{\"a\" 1}",
                         "{1:1}",      "[1 2]", "{\"a\":1,}", "[1]]",      "]",         "}",
                         "[}",         "{]",    "[1}",        "{\"a\":1]", "[] []",     "1 2",
                         "{'a':1}",    "{a:1}", "\"a\" x",    "\f1",       "1\v",       "[1;2]",
                         "{\"a\"::1}", ",",     ":",          "[\"a\":1]", "{\"a\",1}", "/*c*/1"};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        assert_int_equal(validate(ok[i]), OCPP_OK);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        print_message("%s\n", bad[i]);
        assert_int_equal(validate(bad[i]), OCPP_ERR_PARSE);
    }
    assert_int_equal(ocpp_json_validate("1\0", 2), OCPP_ERR_PARSE); /* trailing NUL */
    assert_int_equal(ocpp_json_validate(NULL, 0), OCPP_ERR_PARAM);
}

/* Input that ends inside a value is PARTIAL, not PARSE. */
static void test_partial(void **state)
{
    (void)state;
    const char *partial[] = {
        "",          "   ", "{",   "[",       "{\"a\"", "{\"a\":", "{\"a\":1",
        "{\"a\":1,", "[1,", "[[]", "{\"a\" ", "\"abc",  "[\"a\"",  "{\"a\":{\"b\":[true,"};
    for (size_t i = 0; i < sizeof(partial) / sizeof(partial[0]); i++) {
        print_message("%s\n", partial[i]);
        assert_int_equal(validate(partial[i]), OCPP_ERR_PARTIAL);
    }
}

/** n nested arrays, or objects {"a":...} when obj, around a 0. */
static size_t nest(char *buf, size_t n, bool obj)
{
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        len += (size_t)sprintf(buf + len, "%s", obj ? "{\"a\":" : "[");
    }
    buf[len++] = '0';
    for (size_t i = 0; i < n; i++) {
        buf[len++] = obj ? '}' : ']';
    }
    buf[len] = '\0';
    return len;
}

/* OCPP_CONFIG_JSON_MAX_DEPTH: nesting exactly at the bound is accepted, above it rejected. */
static void test_depth_limit(void **state)
{
    (void)state;
    char buf[8 * (OCPP_CONFIG_JSON_MAX_DEPTH + 2)];
    for (int obj = 0; obj < 2; obj++) {
        size_t n = nest(buf, OCPP_CONFIG_JSON_MAX_DEPTH, obj != 0);
        assert_int_equal(ocpp_json_validate(buf, n), OCPP_OK);
        n = nest(buf, OCPP_CONFIG_JSON_MAX_DEPTH + 1, obj != 0);
        assert_int_equal(ocpp_json_validate(buf, n), OCPP_ERR_DEPTH);
        /* Only the openings: unterminated, but already too deep. */
        assert_int_equal(ocpp_json_validate(buf, n - OCPP_CONFIG_JSON_MAX_DEPTH - 2),
                         OCPP_ERR_DEPTH);
    }
    /* Mixed nesting: the bit stack must restore the outer container's kind. */
    assert_int_equal(validate("[{\"a\":[{\"b\":[]}],\"c\":[1]},{}]"), OCPP_OK);
    assert_int_equal(validate("[{\"a\":[{\"b\":[]}]],\"c\":[1]},{}]"), OCPP_ERR_PARSE);
    /* Sequential containers do not accumulate depth. */
    char seq[4 * OCPP_CONFIG_JSON_MAX_DEPTH * 4 + 3];
    size_t len = 0;
    seq[len++] = '[';
    for (int i = 0; i < OCPP_CONFIG_JSON_MAX_DEPTH * 4; i++) {
        memcpy(seq + len, i ? ",[]" : "[] ", 3);
        len += 3;
    }
    seq[len++] = ']';
    assert_int_equal(ocpp_json_validate(seq, len), OCPP_OK);
}

/* RFC 8259 §4: names within an object SHOULD be unique; we document "first wins". */
static void test_get(void **state)
{
    (void)state;
    ocpp_json_value_t r, v;
    int64_t i;
    r = root_of("{\"a\":1,\"ab\":2,\"a\\u0062c\":3,\"a\":4,\"n\":{\"a\":5},\"\":6}");
    assert_int_equal(ocpp_json_get(&r, "a", &v), OCPP_OK);
    assert_int_equal(ocpp_json_as_int(&v, &i), OCPP_OK);
    assert_int_equal(i, 1);
    assert_int_equal(ocpp_json_get(&r, "abc", &v), OCPP_OK);
    assert_int_equal(ocpp_json_as_int(&v, &i), OCPP_OK);
    assert_int_equal(i, 3);
    assert_int_equal(ocpp_json_get(&r, "", &v), OCPP_OK);
    assert_int_equal(ocpp_json_as_int(&v, &i), OCPP_OK);
    assert_int_equal(i, 6);
    assert_int_equal(ocpp_json_get(&r, "A", &v), OCPP_ERR_NOT_FOUND);
    assert_int_equal(ocpp_json_get(&r, "abcd", &v), OCPP_ERR_NOT_FOUND);
    assert_int_equal(ocpp_json_get(&r, "n.a", &v), OCPP_ERR_NOT_FOUND); /* one level only */
    r = root_of("[1]");
    assert_int_equal(ocpp_json_get(&r, "a", &v), OCPP_ERR_TYPE);
    r = root_of("\"a\"");
    assert_int_equal(ocpp_json_get(&r, "a", &v), OCPP_ERR_TYPE);
    assert_int_equal(ocpp_json_get(NULL, "a", &v), OCPP_ERR_PARAM);
    assert_int_equal(ocpp_json_get(&r, NULL, &v), OCPP_ERR_PARAM);
}

static void test_find(void **state)
{
    (void)state;
    static const char doc[] = "{\"idTagInfo\":{\"status\":\"Accepted\"},"
                              "\"periods\":[{\"limit\":32.5},{\"limit\":16}],"
                              "\"m\":[[1,2],[3,[4,5]]],\"s\":\"x\"}";
    ocpp_json_value_t r = root_of(doc), v;
    int64_t i;
    assert_true(ocpp_json_string_eq(&(ocpp_json_value_t){0}, "") == false);
    v = at(doc, "idTagInfo.status");
    assert_true(ocpp_json_string_eq(&v, "Accepted"));
    v = at(doc, "periods[1].limit");
    assert_int_equal(ocpp_json_as_int(&v, &i), OCPP_OK);
    assert_int_equal(i, 16);
    v = at(doc, "periods[0].limit");
    assert_int_equal(ocpp_json_as_decimal(&v, 1, &i), OCPP_OK);
    assert_int_equal(i, 325);
    v = at(doc, "m[1][1][0]");
    assert_int_equal(ocpp_json_as_int(&v, &i), OCPP_OK);
    assert_int_equal(i, 4);
    v = at(doc, ""); /* the empty path is the root itself */
    assert_ptr_equal(v.ptr, r.ptr);
    assert_int_equal(ocpp_json_find(&r, "periods[2]", &v), OCPP_ERR_NOT_FOUND);
    assert_int_equal(ocpp_json_find(&r, "periods[99999999999999999999999]", &v),
                     OCPP_ERR_NOT_FOUND);
    assert_int_equal(ocpp_json_find(&r, "nope.x", &v), OCPP_ERR_NOT_FOUND);
    assert_int_equal(ocpp_json_find(&r, "s.x", &v), OCPP_ERR_TYPE);
    assert_int_equal(ocpp_json_find(&r, "s[0]", &v), OCPP_ERR_TYPE);
    assert_int_equal(ocpp_json_find(&r, "[0]", &v), OCPP_ERR_TYPE);
    assert_int_equal(ocpp_json_find(&r, "periods.limit", &v), OCPP_ERR_TYPE);
    const char *malformed[] = {".",   "a.",    ".a", "a..b",  "[",     "[]",    "[x]",
                               "a[0", "a[0]x", "a]", "a[-1]", "a[0]]", "a.[0]", "[0]."};
    for (size_t k = 0; k < sizeof(malformed) / sizeof(malformed[0]); k++) {
        print_message("%s\n", malformed[k]);
        assert_int_equal(ocpp_json_find(&r, malformed[k], &v), OCPP_ERR_PARAM);
    }
    assert_int_equal(ocpp_json_find(&r, NULL, &v), OCPP_ERR_PARAM);
}

static void test_iter(void **state)
{
    (void)state;
    ocpp_json_iter_t it;
    ocpp_json_value_t r, k, v;
    int64_t i;
    r = root_of(" { \"a\" : 1 , \"b\" : [ 2 , { \"c\" : \"}]\\\"\" } ] , \"d\" : null } ");
    assert_int_equal(ocpp_json_iter_init(&it, &r), OCPP_OK);
    assert_true(ocpp_json_iter_next(&it, &k, &v));
    assert_true(ocpp_json_string_eq(&k, "a"));
    assert_int_equal(ocpp_json_as_int(&v, &i), OCPP_OK);
    assert_int_equal(i, 1);
    assert_true(ocpp_json_iter_next(&it, &k, &v));
    assert_true(ocpp_json_string_eq(&k, "b"));
    assert_int_equal(v.type, OCPP_JSON_ARRAY);
    assert_int_equal(ocpp_json_count(&v), 2);
    assert_true(ocpp_json_iter_next(&it, NULL, &v));
    assert_int_equal(v.type, OCPP_JSON_NULL);
    assert_int_equal(v.len, 4);
    assert_false(ocpp_json_iter_next(&it, &k, &v));
    assert_false(ocpp_json_iter_next(&it, &k, &v));
    assert_int_equal(ocpp_json_count(&r), 3);

    r = root_of("[ ]");
    assert_int_equal(ocpp_json_iter_init(&it, &r), OCPP_OK);
    assert_false(ocpp_json_iter_next(&it, &k, &v));
    assert_int_equal(ocpp_json_count(&r), 0);
    r = root_of("{}");
    assert_int_equal(ocpp_json_count(&r), 0);

    /* Arrays leave the key untouched. */
    r = root_of("[\"x\",true]");
    k.len = 12345;
    assert_int_equal(ocpp_json_iter_init(&it, &r), OCPP_OK);
    assert_true(ocpp_json_iter_next(&it, &k, &v));
    assert_int_equal(k.len, 12345);
    assert_true(ocpp_json_string_eq(&v, "x"));

    r = root_of("5");
    assert_int_equal(ocpp_json_iter_init(&it, &r), OCPP_ERR_TYPE);
    assert_int_equal(ocpp_json_count(&r), 0);
    assert_int_equal(ocpp_json_count(NULL), 0);
}

/* RFC 8259 §7: inside a string, '"' and '\\' are escaped with a reverse solidus. A
 * quote ends the string unless an odd run of backslashes precedes it. */
static void test_navigation_escaped_quotes(void **state)
{
    (void)state;
    static const char doc[] =
        "[\"\\\\\",\"\\\"\",\"a\\\\\\\"b\",\"\\\\\\\\\",{\"k\\\\\":\"v\\\"\"},\"]\"]";
    static const char *const want[] = {"\\", "\"", "a\\\"b", "\\\\"};
    ocpp_json_value_t r = root_of(doc), v, k;
    ocpp_json_iter_t it;
    char out[16];
    assert_int_equal(r.len, strlen(doc));
    assert_int_equal(ocpp_json_count(&r), 6);
    assert_int_equal(ocpp_json_iter_init(&it, &r), OCPP_OK);
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        assert_true(ocpp_json_iter_next(&it, NULL, &v));
        assert_int_equal(v.type, OCPP_JSON_STRING);
        assert_int_equal(ocpp_json_as_string(&v, out, sizeof(out), NULL), OCPP_OK);
        assert_string_equal(out, want[i]);
        assert_true(ocpp_json_string_eq(&v, want[i]));
    }
    assert_true(ocpp_json_iter_next(&it, NULL, &v));
    assert_int_equal(v.type, OCPP_JSON_OBJECT);
    assert_int_equal(ocpp_json_get(&v, "k\\", &k), OCPP_OK);
    assert_true(ocpp_json_string_eq(&k, "v\""));
    assert_true(ocpp_json_iter_next(&it, NULL, &v));
    assert_true(ocpp_json_string_eq(&v, "]"));
    assert_false(ocpp_json_iter_next(&it, NULL, &v));
    /* Unterminated: the last quote is escaped. */
    assert_int_equal(ocpp_json_root("\"ab\\\"", 5, &r), OCPP_ERR_PARSE);
    assert_int_equal(ocpp_json_root("[\"\\\"]", 5, &r), OCPP_ERR_PARSE);
}

/* Navigation stays inside [ptr, ptr+len) and terminates on any input. */
static void test_navigation_on_garbage(void **state)
{
    (void)state;
    const char *garbage[] = {"{\"a\":",
                             "{\"a\":[1,2",
                             "[\"\\",
                             "{\"a\\\":1}",
                             "[[[[[",
                             "]]]]",
                             "{\"a\" 1 \"b\":2}",
                             "[1 2 3]",
                             "{:::}",
                             "\"",
                             "{\"a\":tru}",
                             "[-, +, .]",
                             "{1:2,3:4}",
                             "[}{]",
                             "x",
                             "",
                             "{\"a\":\"\\ud800\"}",
                             "[\"\\u12\"]"};
    for (size_t g = 0; g < sizeof(garbage) / sizeof(garbage[0]); g++) {
        const char *s = garbage[g];
        ocpp_json_value_t r, v, k;
        ocpp_json_iter_t it;
        if (ocpp_json_root(s, strlen(s), &r) != OCPP_OK) {
            continue;
        }
        assert_true(r.ptr >= s && r.ptr + r.len <= s + strlen(s));
        (void)ocpp_json_find(&r, "a[0].b", &v);
        (void)ocpp_json_count(&r);
        if (ocpp_json_iter_init(&it, &r) == OCPP_OK) {
            for (int n = 0; ocpp_json_iter_next(&it, &k, &v); n++) {
                char out[16];
                int64_t i;
                assert_true(n < 100);
                assert_true(v.ptr >= r.ptr && v.ptr + v.len <= r.ptr + r.len);
                (void)ocpp_json_as_string(&v, out, sizeof(out), NULL);
                (void)ocpp_json_as_int(&v, &i);
                (void)ocpp_json_as_decimal(&v, 3, &i);
            }
        }
    }
    ocpp_json_value_t r;
    assert_int_equal(ocpp_json_root("  ", 2, &r), OCPP_ERR_PARSE);
    assert_int_equal(ocpp_json_root("[1", 2, &r), OCPP_ERR_PARSE); /* unterminated */
    assert_int_equal(ocpp_json_root(NULL, 0, &r), OCPP_ERR_PARAM);
    /* Only `len` bytes count: the rest of the buffer is invisible. */
    assert_int_equal(ocpp_json_root("\"ab\"", 3, &r), OCPP_ERR_PARSE);
    /* A bad escape in an unvalidated string is reported, not decoded. */
    char out[8];
    assert_int_equal(ocpp_json_root("\"\\q\"", 4, &r), OCPP_OK);
    assert_int_equal(ocpp_json_as_string(&r, out, sizeof(out), NULL), OCPP_ERR_PARSE);
    assert_string_equal(out, "");
    assert_int_equal(ocpp_json_string_len(&r), 0);
}

/* RFC 8259 §7: escapes decode to their characters; \uXXXX pairs to one code point (UTF-8). */
static void test_as_string(void **state)
{
    (void)state;
    char out[64];
    size_t n = 99;
    ocpp_json_value_t v =
        root_of("\"a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\\u0041\\u00e9\\u20AC\\uD834\\uDD1E\"");
    static const char want[] = "a\"b\\c/d\be\ff\ng\rh\tiA\xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e";
    assert_int_equal(ocpp_json_as_string(&v, out, sizeof(out), &n), OCPP_OK);
    assert_string_equal(out, want);
    assert_int_equal(n, strlen(want));
    assert_int_equal(ocpp_json_string_len(&v), strlen(want));
    assert_true(ocpp_json_string_eq(&v, want));
    /* Exactly enough room for text + NUL, then one byte less. */
    assert_int_equal(ocpp_json_as_string(&v, out, strlen(want) + 1, NULL), OCPP_OK);
    memset(out, 'x', sizeof(out));
    assert_int_equal(ocpp_json_as_string(&v, out, strlen(want), &n), OCPP_ERR_NOMEM);
    assert_int_equal(out[0], '\0');
    assert_int_equal(ocpp_json_as_string(&v, NULL, 0, NULL), OCPP_ERR_NOMEM);
    assert_int_equal(ocpp_json_as_string(&v, NULL, 5, NULL), OCPP_ERR_PARAM);
    /* Embedded NUL: decoded, counted, and not equal to the shorter C string. */
    v = root_of("\"a\\u0000b\"");
    assert_int_equal(ocpp_json_as_string(&v, out, sizeof(out), &n), OCPP_OK);
    assert_int_equal(n, 3);
    assert_memory_equal(out, "a\0b", 4);
    assert_false(ocpp_json_string_eq(&v, "a"));
    v = root_of("\"\"");
    assert_int_equal(ocpp_json_as_string(&v, out, 1, &n), OCPP_OK);
    assert_int_equal(n, 0);
    v = root_of("12");
    assert_int_equal(ocpp_json_as_string(&v, out, sizeof(out), NULL), OCPP_ERR_TYPE);
    assert_int_equal(ocpp_json_string_len(&v), 0);
    assert_false(ocpp_json_string_eq(&v, "12"));
}

static void test_string_eq(void **state)
{
    (void)state;
    ocpp_json_value_t v = root_of("\"Acc\\u0065pted\"");
    assert_true(ocpp_json_string_eq(&v, "Accepted"));
    assert_false(ocpp_json_string_eq(&v, "Accepte"));
    assert_false(ocpp_json_string_eq(&v, "Acceptedd"));
    assert_false(ocpp_json_string_eq(&v, "accepted"));
    assert_false(ocpp_json_string_eq(&v, ""));
    assert_false(ocpp_json_string_eq(&v, NULL));
    assert_false(ocpp_json_string_eq(NULL, "x"));
    v = root_of("\"\xe2\x82\xac\"");
    assert_true(ocpp_json_string_eq(&v, "\xe2\x82\xac"));
    v = root_of("\"\\u20ac\"");
    assert_true(ocpp_json_string_eq(&v, "\xe2\x82\xac"));
    assert_false(ocpp_json_string_eq(&v, "\xe2\x82"));
}

static ocpp_status_t int_of(const char *s, int64_t *out)
{
    return ocpp_json_as_int(&(ocpp_json_value_t){s, strlen(s), OCPP_JSON_NUMBER}, out);
}

/* int64 bounds: INT64_MIN parses, INT64_MAX + 1 overflows. */
static void test_as_int(void **state)
{
    (void)state;
    int64_t i;
    assert_int_equal(int_of("0", &i), OCPP_OK);
    assert_int_equal(i, 0);
    assert_int_equal(int_of("-0", &i), OCPP_OK);
    assert_int_equal(i, 0);
    assert_int_equal(int_of("9223372036854775807", &i), OCPP_OK);
    assert_true(i == INT64_MAX);
    assert_int_equal(int_of("-9223372036854775808", &i), OCPP_OK);
    assert_true(i == INT64_MIN);
    assert_int_equal(int_of("9223372036854775808", &i), OCPP_ERR_RANGE);
    assert_int_equal(int_of("-9223372036854775809", &i), OCPP_ERR_RANGE);
    assert_int_equal(int_of("18446744073709551616", &i), OCPP_ERR_RANGE);
    assert_int_equal(int_of("99999999999999999999999", &i), OCPP_ERR_RANGE);
    assert_int_equal(int_of("1.0", &i), OCPP_ERR_TYPE);
    assert_int_equal(int_of("1e2", &i), OCPP_ERR_TYPE);
    assert_int_equal(int_of("-", &i), OCPP_ERR_PARSE);
    assert_int_equal(int_of("1-", &i), OCPP_ERR_PARSE);
    ocpp_json_value_t v = root_of("\"1\"");
    assert_int_equal(ocpp_json_as_int(&v, &i), OCPP_ERR_TYPE);
    v = root_of("[123]");
    assert_int_equal(ocpp_json_as_int(&v, &i), OCPP_ERR_TYPE);
    assert_int_equal(ocpp_json_as_int(NULL, &i), OCPP_ERR_TYPE);
    assert_int_equal(ocpp_json_as_int(&v, NULL), OCPP_ERR_PARAM);
}

static int64_t dec(const char *s, unsigned scale)
{
    int64_t i = 0;
    assert_int_equal(validate(s), OCPP_OK);
    assert_int_equal(
        ocpp_json_as_decimal(&(ocpp_json_value_t){s, strlen(s), OCPP_JSON_NUMBER}, scale, &i),
        OCPP_OK);
    return i;
}

static ocpp_status_t dec_st(const char *s, unsigned scale)
{
    int64_t i;
    return ocpp_json_as_decimal(&(ocpp_json_value_t){s, strlen(s), OCPP_JSON_NUMBER}, scale, &i);
}

/* Fixed point: round-half-away-from-zero(value * 10^scale), with overflow detection. */
static void test_as_decimal(void **state)
{
    (void)state;
    assert_int_equal(dec("12.5", 1), 125);
    assert_int_equal(dec("1e2", 0), 100);
    assert_int_equal(dec("12", 3), 12000);
    assert_int_equal(dec("12.345", 2), 1235);
    assert_int_equal(dec("-12.345", 2), -1235);
    assert_int_equal(dec("12.344999", 2), 1234);
    assert_int_equal(dec("0.5", 0), 1);
    assert_int_equal(dec("-0.5", 0), -1);
    assert_int_equal(dec("0.49999", 0), 0);
    assert_int_equal(dec("-0.4", 0), 0);
    assert_int_equal(dec("1.5e-1", 1), 2);
    assert_int_equal(dec("15E-2", 1), 2);
    assert_int_equal(dec("5e-10", 0), 0);
    assert_int_equal(dec("5e-1", 0), 1);
    assert_int_equal(dec("0.000000000000000000000000000000000001e36", 0), 1);
    assert_int_equal(dec("0e999999999999", 0), 0);
    assert_int_equal(dec("1e-999999999999", 9), 0);
    assert_int_equal(dec("1", 9), 1000000000);
    assert_int_equal(dec("-122.3959", 4), -1223959);
    assert_int_equal(dec("37.7668", 0), 38);
    assert_true(dec("922337203685477580.7", 1) == INT64_MAX);
    assert_true(dec("-922337203685477580.8", 1) == INT64_MIN);
    assert_true(dec("9223372036854775807.4", 0) == INT64_MAX);
    assert_true(dec("-9223372036854775807.5", 0) == INT64_MIN);
    assert_true(dec("9.223372036854775807e18", 0) == INT64_MAX);
    /* Rounding looks at the first digit beyond the scale, wherever the point was. */
    assert_int_equal(dec("0.05", 1), 1);
    assert_int_equal(dec("-0.05", 1), -1);
    assert_int_equal(dec("0.0499", 1), 0);
    assert_int_equal(dec("4.5e-1", 0), 0);
    assert_int_equal(dec("9.5", 0), 10);
    assert_int_equal(dec("99.95", 1), 1000);
    assert_int_equal(dec("0.0e5", 0), 0);
    assert_int_equal(dec("-0", 3), 0);
    /* Leading zeros of the fraction do not count against int64 (RFC 8259 §6
     * lets an implementation limit range and precision; ours is int64). */
    assert_true(dec("0.000000000000000000000000001e45", 0) == INT64_C(1000000000000000000));
    assert_int_equal(dec_st("0.000000000000000000000000001e46", 0), OCPP_ERR_RANGE);
    assert_true(dec("-9.223372036854775808e18", 0) == INT64_MIN);
    assert_int_equal(dec_st("-9.223372036854775809e18", 0), OCPP_ERR_RANGE);
    assert_int_equal(dec_st("922337203685477580.8", 1), OCPP_ERR_RANGE);
    assert_int_equal(dec_st("9223372036854775807.5", 0), OCPP_ERR_RANGE);
    assert_int_equal(dec_st("-9223372036854775808.5", 0), OCPP_ERR_RANGE);
    assert_int_equal(dec_st("1e19", 0), OCPP_ERR_RANGE);
    assert_int_equal(dec_st("1e999999999999", 0), OCPP_ERR_RANGE);
    assert_int_equal(dec_st("9223372036854775807", 1), OCPP_ERR_RANGE);
    assert_int_equal(dec_st("1", 10), OCPP_ERR_PARAM);
    assert_int_equal(dec_st("1.", 0), OCPP_ERR_PARSE);
    assert_int_equal(dec_st("1e", 0), OCPP_ERR_PARSE);
    ocpp_json_value_t v = root_of("true");
    int64_t i;
    assert_int_equal(ocpp_json_as_decimal(&v, 0, &i), OCPP_ERR_TYPE);
}

static void test_as_bool(void **state)
{
    (void)state;
    bool b = false;
    ocpp_json_value_t v = root_of("[true,false,null,1,\"true\"]"), e;
    assert_int_equal(ocpp_json_find(&v, "[0]", &e), OCPP_OK);
    assert_int_equal(ocpp_json_as_bool(&e, &b), OCPP_OK);
    assert_true(b);
    assert_int_equal(ocpp_json_find(&v, "[1]", &e), OCPP_OK);
    assert_int_equal(ocpp_json_as_bool(&e, &b), OCPP_OK);
    assert_false(b);
    for (int k = 2; k < 5; k++) {
        char path[8];
        snprintf(path, sizeof(path), "[%d]", k);
        assert_int_equal(ocpp_json_find(&v, path, &e), OCPP_OK);
        assert_int_equal(ocpp_json_as_bool(&e, &b), OCPP_ERR_TYPE);
    }
    assert_int_equal(ocpp_json_as_bool(&(ocpp_json_value_t){"tru", 3, OCPP_JSON_BOOL}, &b),
                     OCPP_ERR_TYPE);
}

/* ------------------------------------------------------------------------ */
/* Writer                                                                    */
/* ------------------------------------------------------------------------ */

/** Finish and compare the output. */
static void expect_out(ocpp_jw_t *w, const char *want)
{
    size_t n = 0;
    assert_int_equal(ocpp_jw_finish(w, &n), OCPP_OK);
    assert_int_equal(n, strlen(want));
    assert_memory_equal(w->buf, want, n);
    assert_int_equal(w->buf[n], '\0');
}

static void test_writer_basic(void **state)
{
    (void)state;
    char buf[256];
    ocpp_jw_t w;
    ocpp_jw_init(&w, buf, sizeof(buf));
    ocpp_jw_obj_open(&w);
    ocpp_jw_kv_str(&w, "s", "x");
    ocpp_jw_kv_int(&w, "i", -42);
    ocpp_jw_kv_bool(&w, "t", true);
    ocpp_jw_kv_bool(&w, "f", false);
    ocpp_jw_key(&w, "n");
    ocpp_jw_null(&w);
    ocpp_jw_key(&w, "d");
    ocpp_jw_decimal(&w, 125, 1);
    ocpp_jw_key(&w, "a");
    ocpp_jw_arr_open(&w);
    ocpp_jw_int(&w, 1);
    ocpp_jw_arr_open(&w);
    ocpp_jw_arr_close(&w);
    ocpp_jw_obj_open(&w);
    ocpp_jw_obj_close(&w);
    ocpp_jw_raw(&w, "[1,2]", 5);
    ocpp_jw_str(&w, "");
    ocpp_jw_arr_close(&w);
    ocpp_jw_obj_close(&w);
    expect_out(&w, "{\"s\":\"x\",\"i\":-42,\"t\":true,\"f\":false,\"n\":null,\"d\":12.5,"
                   "\"a\":[1,[],{},[1,2],\"\"]}");
    /* A scalar is a complete document too (RFC 8259 §2). */
    ocpp_jw_init(&w, buf, sizeof(buf));
    ocpp_jw_int(&w, 7);
    expect_out(&w, "7");
}

/* RFC 8259 §7: quotation mark, reverse solidus and U+0000..U+001F MUST be escaped. */
static void test_writer_escapes(void **state)
{
    (void)state;
    char buf[512], in[0x20 + 4];
    ocpp_jw_t w;
    for (int c = 0; c < 0x20; c++) {
        in[c] = (char)(c + 1 == 0x20 ? 0 : c + 1); /* 0x01..0x1F, then NUL */
    }
    in[0x20] = '"';
    in[0x21] = '\\';
    in[0x22] = '/';
    in[0x23] = '\x7f';
    ocpp_jw_init(&w, buf, sizeof(buf));
    ocpp_jw_strn(&w, in, sizeof(in));
    expect_out(&w, "\"\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r"
                   "\\u000e\\u000f\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017"
                   "\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f\\u0000\\\"\\\\/"
                   "\x7f\"");
    /* UTF-8 passes through unchanged, keys are escaped too. */
    ocpp_jw_init(&w, buf, sizeof(buf));
    ocpp_jw_obj_open(&w);
    ocpp_jw_kv_str(&w, "k\"\n", "\xe2\x82\xac \xf0\x9d\x84\x9e");
    ocpp_jw_obj_close(&w);
    expect_out(&w, "{\"k\\\"\\n\":\"\xe2\x82\xac \xf0\x9d\x84\x9e\"}");
}

static void test_writer_numbers(void **state)
{
    (void)state;
    static const struct {
        int64_t v;
        unsigned scale;
        const char *want;
    } cases[] = {
        {0, 0, "0"},
        {-1, 0, "-1"},
        {INT64_MAX, 0, "9223372036854775807"},
        {INT64_MIN, 0, "-9223372036854775808"},
        {125, 1, "12.5"},
        {-5, 1, "-0.5"},
        {-125, 2, "-1.25"},
        {5, 3, "0.005"},
        {-5, 3, "-0.005"},
        {0, 2, "0.00"},
        {100, 2, "1.00"},
        {1, 9, "0.000000001"},
        {INT64_MIN, 9, "-9223372036.854775808"},
        {INT64_MAX, 9, "9223372036.854775807"},
    };
    char buf[64];
    ocpp_jw_t w;
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        ocpp_jw_init(&w, buf, sizeof(buf));
        ocpp_jw_decimal(&w, cases[k].v, cases[k].scale);
        expect_out(&w, cases[k].want);
        /* And back: the reader yields the same fixed-point value. */
        int64_t back;
        ocpp_json_value_t v = root_of(buf);
        assert_int_equal(ocpp_json_as_decimal(&v, cases[k].scale, &back), OCPP_OK);
        assert_true(back == cases[k].v);
    }
    ocpp_jw_init(&w, buf, sizeof(buf));
    ocpp_jw_int(&w, INT64_MIN);
    expect_out(&w, "-9223372036854775808");
    ocpp_jw_init(&w, buf, sizeof(buf));
    ocpp_jw_decimal(&w, 1, 10);
    assert_int_equal(ocpp_jw_finish(&w, NULL), OCPP_ERR_STATE);
}

/* Each misuse makes finish() report OCPP_ERR_STATE. */
static void test_writer_misuse(void **state)
{
    (void)state;
    char buf[64];
    ocpp_jw_t w;
    enum { N = 15 };
    for (int k = 0; k < N; k++) {
        ocpp_jw_init(&w, buf, sizeof(buf));
        switch (k) {
        case 0: break;                       /* nothing written */
        case 1: ocpp_jw_obj_open(&w); break; /* unclosed */
        case 2:
            ocpp_jw_obj_open(&w);
            ocpp_jw_int(&w, 1);
            ocpp_jw_obj_close(&w);
            break;
        case 3:
            ocpp_jw_arr_open(&w);
            ocpp_jw_key(&w, "a");
            ocpp_jw_arr_close(&w);
            break;
        case 4: ocpp_jw_key(&w, "a"); break;
        case 5:
            ocpp_jw_obj_open(&w);
            ocpp_jw_key(&w, "a");
            ocpp_jw_obj_close(&w);
            break;
        case 6:
            ocpp_jw_obj_open(&w);
            ocpp_jw_key(&w, "a");
            ocpp_jw_key(&w, "b");
            ocpp_jw_int(&w, 1);
            ocpp_jw_obj_close(&w);
            break;
        case 7:
            ocpp_jw_obj_open(&w);
            ocpp_jw_arr_close(&w);
            break;
        case 8:
            ocpp_jw_arr_open(&w);
            ocpp_jw_obj_close(&w);
            break;
        case 9: ocpp_jw_arr_close(&w); break;
        case 10:
            ocpp_jw_int(&w, 1);
            ocpp_jw_int(&w, 2);
            break; /* two top-level values */
        case 11:
            ocpp_jw_arr_open(&w);
            ocpp_jw_arr_close(&w);
            ocpp_jw_arr_open(&w);
            break;
        case 12: ocpp_jw_str(&w, NULL); break;
        case 13:
            for (int d = 0; d <= OCPP_CONFIG_JSON_WRITER_MAX_DEPTH; d++) {
                ocpp_jw_arr_open(&w);
            }
            for (int d = 0; d <= OCPP_CONFIG_JSON_WRITER_MAX_DEPTH; d++) {
                ocpp_jw_arr_close(&w);
            }
            break;
        case 14:
            ocpp_jw_obj_open(&w);
            ocpp_jw_kv_str(&w, NULL, "x");
            ocpp_jw_obj_close(&w);
            break;
        }
        print_message("misuse case %d\n", k);
        assert_int_equal(ocpp_jw_finish(&w, NULL), OCPP_ERR_STATE);
    }
    /* Exactly at the writer's depth bound is fine. */
    char deep[2 * OCPP_CONFIG_JSON_WRITER_MAX_DEPTH + 1];
    ocpp_jw_init(&w, deep, sizeof(deep));
    for (int d = 0; d < OCPP_CONFIG_JSON_WRITER_MAX_DEPTH; d++) {
        ocpp_jw_arr_open(&w);
    }
    for (int d = 0; d < OCPP_CONFIG_JSON_WRITER_MAX_DEPTH; d++) {
        ocpp_jw_arr_close(&w);
    }
    assert_int_equal(ocpp_jw_finish(&w, NULL), OCPP_OK);
    assert_int_equal(ocpp_jw_finish(NULL, NULL), OCPP_ERR_PARAM);
    ocpp_jw_int(NULL, 1); /* ignored, no crash */
}

/** The sample document; records the length after each call in marks[]. */
static size_t write_sample(ocpp_jw_t *w, size_t *marks)
{
    size_t n = 0;
#define STEP(call)           \
    do {                     \
        call;                \
        marks[n++] = w->len; \
    } while (0)
    STEP(ocpp_jw_arr_open(w));
    STEP(ocpp_jw_int(w, 2));
    STEP(ocpp_jw_str(w, "19223"));
    STEP(ocpp_jw_str(w, "StartTransaction"));
    STEP(ocpp_jw_obj_open(w));
    STEP(ocpp_jw_key(w, "connectorId"));
    STEP(ocpp_jw_int(w, 1));
    STEP(ocpp_jw_key(w, "idTag"));
    STEP(ocpp_jw_str(w, "tag\"\x01\xc3\xa9"));
    STEP(ocpp_jw_key(w, "meterStart"));
    STEP(ocpp_jw_decimal(w, -5, 1));
    STEP(ocpp_jw_key(w, "list"));
    STEP(ocpp_jw_arr_open(w));
    STEP(ocpp_jw_bool(w, true));
    STEP(ocpp_jw_null(w));
    STEP(ocpp_jw_int(w, INT64_MIN));
    STEP(ocpp_jw_arr_close(w));
    STEP(ocpp_jw_obj_close(w));
    STEP(ocpp_jw_arr_close(w));
#undef STEP
    return n;
}

/* Overflow at every cap from 0 to the full length: complete output or OCPP_ERR_NOMEM,
 * never a byte past cap, and the counted length always ends on a token boundary. */
static void test_writer_overflow_every_cap(void **state)
{
    (void)state;
    char full[256], buf[256 + 8];
    size_t marks[32], tmp[32], full_len, nmarks;
    ocpp_jw_t w;
    ocpp_jw_init(&w, full, sizeof(full));
    nmarks = write_sample(&w, marks);
    assert_int_equal(ocpp_jw_finish(&w, &full_len), OCPP_OK);
    assert_int_equal(validate(full), OCPP_OK);
    for (size_t cap = 0; cap <= full_len + 1; cap++) {
        size_t n = 0;
        bool on_boundary = false;
        memset(buf, '#', sizeof(buf));
        ocpp_jw_init(&w, buf, cap);
        write_sample(&w, tmp);
        ocpp_status_t st = ocpp_jw_finish(&w, &n);
        for (size_t k = cap; k < sizeof(buf); k++) {
            assert_int_equal(buf[k], '#'); /* nothing written at or past cap */
        }
        assert_true(n <= cap);
        assert_memory_equal(buf, full, n);
        if (cap < full_len) {
            assert_int_equal(st, OCPP_ERR_NOMEM);
        } else {
            assert_int_equal(st, OCPP_OK);
            assert_int_equal(n, full_len);
        }
        if (n < cap) {
            assert_int_equal(buf[n], '\0');
        } else if (cap > 0) {
            assert_int_not_equal(buf[cap - 1], '\0');
        }
        on_boundary = n == 0;
        for (size_t k = 0; k < nmarks; k++) {
            on_boundary = on_boundary || marks[k] == n;
        }
        assert_true(on_boundary);
    }
    /* A NULL buffer is a zero-capacity buffer. */
    ocpp_jw_init(&w, NULL, 100);
    write_sample(&w, tmp);
    assert_int_equal(ocpp_jw_finish(&w, NULL), OCPP_ERR_NOMEM);
}

/* A sink that collects what the writer hands over; fails from call `fail_at` on. */
typedef struct {
    char out[300];
    size_t len;
    int calls, fail_at;
} sink_t;

static bool sink_flush(ocpp_jw_t *w)
{
    sink_t *k = w->flush_ctx;
    assert_int_equal(w->len, w->cap); /* only a full buffer goes */
    assert_int_equal(w->flushed, k->len);
    if (++k->calls >= k->fail_at) {
        return false;
    }
    assert_true(k->len + w->len <= sizeof(k->out));
    memcpy(k->out + k->len, w->buf, w->len);
    k->len += w->len;
    return true;
}

/* With a flush sink (the session streams a message larger than its send
 * buffer as WebSocket fragments, RFC 6455 §5.4), a buffer of any size from 1
 * byte carries the whole document: the pieces add up to the output of a
 * large buffer, each a full buffer, tokens split where the buffer ends. A
 * document that fills the buffer exactly is not flushed at all. A sink that
 * fails turns into the usual sticky overflow. */
static void test_writer_flush_every_cap(void **state)
{
    (void)state;
    char full[256], buf[256 + 8];
    size_t marks[32], full_len, n;
    ocpp_jw_t w;
    sink_t k;
    ocpp_jw_init(&w, full, sizeof(full));
    write_sample(&w, marks);
    assert_int_equal(ocpp_jw_finish(&w, &full_len), OCPP_OK);
    for (size_t cap = 1; cap <= full_len + 1; cap++) {
        memset(&k, 0, sizeof(k));
        k.fail_at = 1000;
        memset(buf, '#', sizeof(buf));
        ocpp_jw_init(&w, buf, cap);
        w.flush = sink_flush;
        w.flush_ctx = &k;
        write_sample(&w, marks);
        assert_int_equal(ocpp_jw_finish(&w, &n), OCPP_OK);
        assert_true(n >= 1 && n <= cap);
        assert_int_equal(w.flushed + n, full_len);
        assert_int_equal(k.calls, (int)((full_len - 1) / cap));
        memcpy(k.out + k.len, buf, n);
        assert_memory_equal(k.out, full, full_len);
        for (size_t i = cap; i < sizeof(buf); i++) {
            assert_int_equal(buf[i], '#');
        }
    }
    /* The sink fails at its second call: overflow, nothing more handed over. */
    memset(&k, 0, sizeof(k));
    k.fail_at = 2;
    ocpp_jw_init(&w, buf, 16);
    w.flush = sink_flush;
    w.flush_ctx = &k;
    write_sample(&w, marks);
    assert_int_equal(ocpp_jw_finish(&w, &n), OCPP_ERR_NOMEM);
    assert_int_equal(k.calls, 2);
    assert_int_equal(w.flushed, 16);
    assert_int_equal(ocpp_jw_status(&w), OCPP_ERR_NOMEM);
}

/* Writer -> validate -> reader returns what was written. */
static void test_round_trip(void **state)
{
    (void)state;
    static const char nasty[] =
        "q\"b\\s/\b\f\n\r\t\x01\x1f\x7f \xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e";
    char buf[512], out[64];
    size_t n;
    ocpp_jw_t w;
    ocpp_json_value_t r, v;
    int64_t i;
    ocpp_jw_init(&w, buf, sizeof(buf));
    ocpp_jw_obj_open(&w);
    ocpp_jw_kv_str(&w, nasty, nasty);
    ocpp_jw_key(&w, "bin");
    ocpp_jw_strn(&w, "a\0b", 3);
    ocpp_jw_key(&w, "nums");
    ocpp_jw_arr_open(&w);
    ocpp_jw_int(&w, INT64_MIN);
    ocpp_jw_int(&w, INT64_MAX);
    ocpp_jw_decimal(&w, -5, 1);
    ocpp_jw_arr_close(&w);
    ocpp_jw_obj_close(&w);
    assert_int_equal(ocpp_jw_finish(&w, &n), OCPP_OK);
    assert_int_equal(ocpp_json_validate(buf, n), OCPP_OK);
    assert_int_equal(ocpp_json_root(buf, n, &r), OCPP_OK);
    assert_int_equal(ocpp_json_get(&r, nasty, &v), OCPP_OK);
    assert_int_equal(ocpp_json_as_string(&v, out, sizeof(out), &n), OCPP_OK);
    assert_int_equal(n, strlen(nasty));
    assert_string_equal(out, nasty);
    assert_int_equal(ocpp_json_get(&r, "bin", &v), OCPP_OK);
    assert_int_equal(ocpp_json_as_string(&v, out, sizeof(out), &n), OCPP_OK);
    assert_int_equal(n, 3);
    assert_memory_equal(out, "a\0b", 3);
    assert_int_equal(ocpp_json_find(&r, "nums[0]", &v), OCPP_OK);
    assert_int_equal(ocpp_json_as_int(&v, &i), OCPP_OK);
    assert_true(i == INT64_MIN);
    assert_int_equal(ocpp_json_find(&r, "nums[1]", &v), OCPP_OK);
    assert_int_equal(ocpp_json_as_int(&v, &i), OCPP_OK);
    assert_true(i == INT64_MAX);
    assert_int_equal(ocpp_json_find(&r, "nums[2]", &v), OCPP_OK);
    assert_int_equal(ocpp_json_as_decimal(&v, 1, &i), OCPP_OK);
    assert_int_equal(i, -5);
}

/*
 * RFC 8259 §7: "All Unicode characters may be placed within the quotation
 * marks, except for the characters that MUST be escaped: quotation mark,
 * reverse solidus, and the control characters (U+0000 through U+001F)."
 * The reader and writer skip plain runs four bytes at a time: a special byte
 * at every position of strings of 0..11 bytes (every word offset and tail).
 */
static void test_special_byte_every_position(void **state)
{
    static const char specials[] = {'"', '\\', 0x01, 0x1F, 0x7F, (char)0x80};
    (void)state;
    for (size_t len = 1; len <= 11; len++) {
        for (size_t pos = 0; pos < len; pos++) {
            for (size_t k = 0; k < sizeof specials; k++) {
                char doc[16], dec[16], out[64];
                char b = specials[k];
                memset(doc, 'a', sizeof doc);
                doc[0] = '"';
                doc[1 + pos] = b;
                doc[1 + len] = '"';
                ocpp_status_t want =
                    OCPP_ERR_PARSE; /* junk after a quote, bad escape, control, lone 0x80 */
                if (b == 0x7F) {
                    want = OCPP_OK; /* DEL is not a control character in JSON */
                } else if (b == '\\' && pos == len - 1) {
                    want = OCPP_ERR_PARTIAL; /* \" escapes the closing quote */
                }
                assert_int_equal(ocpp_json_validate(doc, len + 2), want);
                if (b == (char)0x80) {
                    continue; /* the writer copies UTF-8 as it is */
                }
                /* The writer escapes it; the output validates and decodes back. */
                ocpp_jw_t w;
                size_t n = 0, dn = 0;
                ocpp_json_value_t v;
                ocpp_jw_init(&w, out, sizeof out);
                ocpp_jw_strn(&w, doc + 1, len);
                assert_int_equal(ocpp_jw_finish(&w, &n), OCPP_OK);
                assert_int_equal(ocpp_json_validate(out, n), OCPP_OK);
                assert_int_equal(ocpp_json_root(out, n, &v), OCPP_OK);
                assert_int_equal(v.len, n);
                assert_int_equal(ocpp_json_as_string(&v, dec, sizeof dec, &dn), OCPP_OK);
                assert_int_equal(dn, len);
                assert_memory_equal(dec, doc + 1, len);
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc_example_object),
        cmocka_unit_test(test_rfc_example_array),
        cmocka_unit_test(test_rfc_example_scalars),
        cmocka_unit_test(test_every_prefix_is_partial),
        cmocka_unit_test(test_literals),
        cmocka_unit_test(test_numbers_valid),
        cmocka_unit_test(test_numbers_invalid),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_surrogate_escapes),
        cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_structure),
        cmocka_unit_test(test_partial),
        cmocka_unit_test(test_depth_limit),
        cmocka_unit_test(test_get),
        cmocka_unit_test(test_find),
        cmocka_unit_test(test_iter),
        cmocka_unit_test(test_navigation_escaped_quotes),
        cmocka_unit_test(test_navigation_on_garbage),
        cmocka_unit_test(test_as_string),
        cmocka_unit_test(test_string_eq),
        cmocka_unit_test(test_as_int),
        cmocka_unit_test(test_as_decimal),
        cmocka_unit_test(test_as_bool),
        cmocka_unit_test(test_writer_basic),
        cmocka_unit_test(test_writer_escapes),
        cmocka_unit_test(test_writer_numbers),
        cmocka_unit_test(test_writer_misuse),
        cmocka_unit_test(test_writer_overflow_every_cap),
        cmocka_unit_test(test_writer_flush_every_cap),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_special_byte_every_position),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
