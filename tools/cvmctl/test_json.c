// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit test of cvmctl's JSON writer (json.c) on the kernel's
 * kselftest_harness.h. Every case writes into a memory stream and compares
 * the exact bytes; a failing case is named, with both strings.
 *
 * Build and run: make test (with -fsanitize=address,undefined).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "json.h"

struct json_case {
	const char *name;
	bool pretty;
	void (*build)(struct jsonw *jw);
	const char *expect;
	bool expect_error;	/* jsonw_finish() must fail */
};

static void build_empty_object(struct jsonw *jw)
{
	jsonw_start_object(jw);
	jsonw_end_object(jw);
}

static void build_empty_array(struct jsonw *jw)
{
	jsonw_start_array(jw);
	jsonw_end_array(jw);
}

static void build_scalars(struct jsonw *jw)
{
	jsonw_start_object(jw);
	jsonw_string_field(jw, "s", "v");
	jsonw_uint_field(jw, "u", 42);
	jsonw_int_field(jw, "i", -7);
	jsonw_bool_field(jw, "t", true);
	jsonw_bool_field(jw, "f", false);
	jsonw_null_field(jw, "n");
	jsonw_string_field(jw, "e", "");
	jsonw_string_field(jw, "sn", NULL);
	jsonw_end_object(jw);
}

static void build_quote_backslash(struct jsonw *jw)
{
	jsonw_start_array(jw);
	jsonw_string(jw, "a\"b\\c");
	jsonw_string(jw, "\"");
	jsonw_string(jw, "\\\\");
	jsonw_string(jw, "/");
	jsonw_end_array(jw);
}

static void build_control_chars(struct jsonw *jw)
{
	jsonw_start_array(jw);
	jsonw_string(jw, "\x01\x02\x1f");
	jsonw_string(jw, "a\nb\tc\rd\be\ff");
	jsonw_string(jw, "\x1b[0m");
	jsonw_end_array(jw);
}

static void build_high_bytes(struct jsonw *jw)
{
	/* UTF-8 and DEL are not control characters for JSON: unchanged. */
	jsonw_string(jw, "caf\xc3\xa9 \x7f");
}

static void build_escaped_name(struct jsonw *jw)
{
	jsonw_start_object(jw);
	jsonw_uint_field(jw, "k\"e\\y\n", 1);
	jsonw_end_object(jw);
}

static void build_u64_max(struct jsonw *jw)
{
	jsonw_start_object(jw);
	jsonw_uint_field(jw, "max", UINT64_MAX);
	jsonw_uint_field(jw, "zero", 0);
	jsonw_int_field(jw, "min", INT64_MIN);
	jsonw_int_field(jw, "imax", INT64_MAX);
	jsonw_end_object(jw);
}

static void build_nesting(struct jsonw *jw)
{
	jsonw_start_object(jw);
	jsonw_name(jw, "a");
	jsonw_start_array(jw);
	jsonw_uint(jw, 1);
	jsonw_uint(jw, 2);
	jsonw_start_object(jw);
	jsonw_name(jw, "b");
	jsonw_start_array(jw);
	jsonw_end_array(jw);
	jsonw_end_object(jw);
	jsonw_start_array(jw);
	jsonw_start_array(jw);
	jsonw_end_array(jw);
	jsonw_end_array(jw);
	jsonw_end_array(jw);
	jsonw_name(jw, "c");
	jsonw_start_object(jw);
	jsonw_name(jw, "d");
	jsonw_start_object(jw);
	jsonw_end_object(jw);
	jsonw_end_object(jw);
	jsonw_uint_field(jw, "z", 3);
	jsonw_end_object(jw);
}

static void build_array_of_objects(struct jsonw *jw)
{
	int i;

	jsonw_start_array(jw);
	for (i = 0; i < 3; i++) {
		jsonw_start_object(jw);
		jsonw_uint_field(jw, "i", i);
		jsonw_end_object(jw);
	}
	jsonw_end_array(jw);
}

static void build_two_top_level(struct jsonw *jw)
{
	jsonw_null(jw);
	build_empty_object(jw);
}

/* The exact line 'cvmctl -j status' prints on a plain VM. */
static void build_status(struct jsonw *jw)
{
	jsonw_start_object(jw);
	jsonw_string_field(jw, "technology", "none");
	jsonw_bool_field(jw, "mem_encrypt", false);
	jsonw_string_field(jw, "version", "0.1.0");
	jsonw_uint_field(jw, "event_ratelimit", 100);
	jsonw_uint_field(jw, "events_sent", 0);
	jsonw_uint_field(jw, "events_dropped", 0);
	jsonw_name(jw, "modules");
	jsonw_start_array(jw);
	jsonw_start_object(jw);
	jsonw_string_field(jw, "name", "cvm_core");
	jsonw_string_field(jw, "version", "0.1.0");
	jsonw_string_field(jw, "state", "live");
	jsonw_uint_field(jw, "refcnt", 0);
	jsonw_bool_field(jw, "registered", true);
	jsonw_end_object(jw);
	jsonw_end_array(jw);
	jsonw_end_object(jw);
}

static void build_pretty_empty(struct jsonw *jw)
{
	jsonw_start_object(jw);
	jsonw_name(jw, "a");
	build_empty_array(jw);
	jsonw_name(jw, "o");
	build_empty_object(jw);
	jsonw_end_object(jw);
}

static void build_err_end_unopened(struct jsonw *jw)
{
	jsonw_end_object(jw);
}

static void build_err_mismatch(struct jsonw *jw)
{
	jsonw_start_object(jw);
	jsonw_end_array(jw);
}

static void build_err_value_without_name(struct jsonw *jw)
{
	jsonw_start_object(jw);
	jsonw_uint(jw, 1);
	jsonw_end_object(jw);
}

static void build_err_name_in_array(struct jsonw *jw)
{
	jsonw_start_array(jw);
	jsonw_name(jw, "x");
	jsonw_end_array(jw);
}

static void build_err_name_without_value(struct jsonw *jw)
{
	jsonw_start_object(jw);
	jsonw_name(jw, "x");
	jsonw_end_object(jw);
}

static void build_err_unclosed(struct jsonw *jw)
{
	jsonw_start_array(jw);
	jsonw_uint(jw, 1);
}

static void build_err_too_deep(struct jsonw *jw)
{
	int i;

	for (i = 0; i < JSONW_MAX_DEPTH + 1; i++)
		jsonw_start_array(jw);
	for (i = 0; i < JSONW_MAX_DEPTH + 1; i++)
		jsonw_end_array(jw);
}

static void build_max_depth(struct jsonw *jw)
{
	int i;

	for (i = 0; i < JSONW_MAX_DEPTH; i++)
		jsonw_start_array(jw);
	for (i = 0; i < JSONW_MAX_DEPTH; i++)
		jsonw_end_array(jw);
}

static const struct json_case cases[] = {
	{ "empty object", false, build_empty_object, "{}\n", false },
	{ "empty array", false, build_empty_array, "[]\n", false },
	{ "scalars and commas", false, build_scalars,
	  "{\"s\":\"v\",\"u\":42,\"i\":-7,\"t\":true,\"f\":false,"
	  "\"n\":null,\"e\":\"\",\"sn\":null}\n", false },
	{ "escape quote and backslash", false, build_quote_backslash,
	  "[\"a\\\"b\\\\c\",\"\\\"\",\"\\\\\\\\\",\"/\"]\n", false },
	{ "escape control chars as \\u00XX", false, build_control_chars,
	  "[\"\\u0001\\u0002\\u001f\","
	  "\"a\\u000ab\\u0009c\\u000dd\\u0008e\\u000cf\","
	  "\"\\u001b[0m\"]\n", false },
	{ "bytes >= 0x7f unchanged", false, build_high_bytes,
	  "\"caf\xc3\xa9 \x7f\"\n", false },
	{ "escape member names", false, build_escaped_name,
	  "{\"k\\\"e\\\\y\\u000a\":1}\n", false },
	{ "u64 max and s64 limits", false, build_u64_max,
	  "{\"max\":18446744073709551615,\"zero\":0,"
	  "\"min\":-9223372036854775808,\"imax\":9223372036854775807}\n", false },
	{ "nesting and commas", false, build_nesting,
	  "{\"a\":[1,2,{\"b\":[]},[[]]],\"c\":{\"d\":{}},\"z\":3}\n", false },
	{ "array of objects", false, build_array_of_objects,
	  "[{\"i\":0},{\"i\":1},{\"i\":2}]\n", false },
	{ "one line per top-level value", false, build_two_top_level,
	  "null\n{}\n", false },
	{ "status line", false, build_status,
	  "{\"technology\":\"none\",\"mem_encrypt\":false,"
	  "\"version\":\"0.1.0\",\"event_ratelimit\":100,"
	  "\"events_sent\":0,\"events_dropped\":0,"
	  "\"modules\":[{\"name\":\"cvm_core\",\"version\":\"0.1.0\","
	  "\"state\":\"live\",\"refcnt\":0,\"registered\":true}]}\n", false },
	{ "pretty status", true, build_status,
	  "{\n"
	  "  \"technology\": \"none\",\n"
	  "  \"mem_encrypt\": false,\n"
	  "  \"version\": \"0.1.0\",\n"
	  "  \"event_ratelimit\": 100,\n"
	  "  \"events_sent\": 0,\n"
	  "  \"events_dropped\": 0,\n"
	  "  \"modules\": [\n"
	  "    {\n"
	  "      \"name\": \"cvm_core\",\n"
	  "      \"version\": \"0.1.0\",\n"
	  "      \"state\": \"live\",\n"
	  "      \"refcnt\": 0,\n"
	  "      \"registered\": true\n"
	  "    }\n"
	  "  ]\n"
	  "}\n", false },
	{ "pretty nesting", true, build_nesting,
	  "{\n"
	  "  \"a\": [\n"
	  "    1,\n"
	  "    2,\n"
	  "    {\n"
	  "      \"b\": []\n"
	  "    },\n"
	  "    [\n"
	  "      []\n"
	  "    ]\n"
	  "  ],\n"
	  "  \"c\": {\n"
	  "    \"d\": {}\n"
	  "  },\n"
	  "  \"z\": 3\n"
	  "}\n", false },
	{ "pretty empty containers", true, build_pretty_empty,
	  "{\n  \"a\": [],\n  \"o\": {}\n}\n", false },
	{ "pretty empty object", true, build_empty_object, "{}\n", false },
	{ "max depth is allowed", false, build_max_depth,
	  "[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]\n", false },
	{ "error: close unopened", false, build_err_end_unopened, "", true },
	{ "error: mismatched close", false, build_err_mismatch, "{", true },
	{ "error: value without name", false, build_err_value_without_name,
	  "{", true },
	{ "error: name in array", false, build_err_name_in_array, "[", true },
	{ "error: name without value", false, build_err_name_without_value,
	  "{\"x\":", true },
	{ "error: unclosed", false, build_err_unclosed, "[1", true },
	{ "error: too deep", false, build_err_too_deep,
	  "[[[[[[[[[[[[[[[[", true },
};

/* Print @s as a C-ish literal on one TAP diagnostic line. */
static void diag_string(const char *label, const char *s, size_t len)
{
	size_t i;

	printf("# %s: \"", label);
	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		if (c == '\n')
			fputs("\\n", stdout);
		else if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
	printf("\"\n");
}

static bool run_case(const struct json_case *tc)
{
	struct jsonw jw;
	char *buf = NULL;
	size_t len = 0;
	bool ok, err;
	FILE *f;

	f = open_memstream(&buf, &len);
	if (!f) {
		printf("# open_memstream failed\n");
		return false;
	}
	jsonw_init(&jw, f, tc->pretty);
	tc->build(&jw);
	err = jsonw_finish(&jw) != 0;
	fclose(f);

	ok = len == strlen(tc->expect) && !memcmp(buf, tc->expect, len) &&
	     err == tc->expect_error;
	if (!ok) {
		diag_string("expected", tc->expect, strlen(tc->expect));
		diag_string("got     ", buf, len);
		printf("# finish: expected %s, got %s\n",
		       tc->expect_error ? "error" : "ok", err ? "error" : "ok");
	}
	free(buf);
	return ok;
}

TEST(json_writer)
{
	unsigned int i;

	/* EXPECT_* is two statements: braces, or the handler leaves the loop */
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		EXPECT_TRUE(run_case(&cases[i]))
			TH_LOG("case %u: %s", i + 1, cases[i].name);
	}
}

TEST_HARNESS_MAIN
