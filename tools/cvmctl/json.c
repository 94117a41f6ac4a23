// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tiny streaming JSON writer for cvmctl.  See json.h for the model.
 *
 * Strings are written as UTF-8 byte strings: '"' and '\\' are escaped, every
 * control character U+0000..U+001F is written as \u00xx (lower-case hex),
 * and all other bytes, including bytes >= 0x80, are copied unchanged.
 */
#include <inttypes.h>

#include "json.h"

void jsonw_init(struct jsonw *jw, FILE *out, bool pretty)
{
	jw->out = out;
	jw->pretty = pretty;
	jw->error = false;
	jw->after_name = false;
	jw->depth = 0;
	jw->kind[0] = 0;
	jw->nonempty[0] = false;
}

/**
 * jsonw_finish() - check that the document is complete
 * @jw: writer
 *
 * Return: 0 if no misuse was detected, every container was closed and the
 * output stream has no error; -1 otherwise.
 */
int jsonw_finish(struct jsonw *jw)
{
	if (jw->error || jw->depth || jw->after_name || ferror(jw->out))
		return -1;
	return 0;
}

static void jsonw_indent(struct jsonw *jw, unsigned int depth)
{
	fputc('\n', jw->out);
	fprintf(jw->out, "%*s", (int)(2 * depth), "");
}

/* Separator before a member of the innermost open container. */
static void jsonw_member(struct jsonw *jw)
{
	if (jw->nonempty[jw->depth])
		fputc(',', jw->out);
	jw->nonempty[jw->depth] = true;
	if (jw->pretty)
		jsonw_indent(jw, jw->depth);
}

/*
 * Called before every value.  Inside an object the value must follow a
 * name (which already wrote the separator); inside an array the value is
 * a member of its own.
 */
static bool jsonw_begin_value(struct jsonw *jw)
{
	if (jw->error)
		return false;
	if (jw->after_name) {
		jw->after_name = false;
		return true;
	}
	if (!jw->depth)
		return true;
	if (jw->kind[jw->depth] != '[') {
		jw->error = true;
		return false;
	}
	jsonw_member(jw);
	return true;
}

/* A complete top-level value ends with a newline. */
static void jsonw_end_value(struct jsonw *jw)
{
	if (!jw->depth)
		fputc('\n', jw->out);
}

/* Runs of bytes that need no escape go out in one fwrite(). */
static void jsonw_put_string(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *run = p;

	fputc('"', out);
	for (; *p; p++) {
		if (*p >= 0x20 && *p != '"' && *p != '\\')
			continue;
		if (p > run)
			fwrite(run, 1, p - run, out);
		run = p + 1;
		if (*p == '"')
			fputs("\\\"", out);
		else if (*p == '\\')
			fputs("\\\\", out);
		else
			fprintf(out, "\\u%04x", *p);
	}
	if (p > run)
		fwrite(run, 1, p - run, out);
	fputc('"', out);
}

static void jsonw_start(struct jsonw *jw, char kind)
{
	if (!jsonw_begin_value(jw))
		return;
	if (jw->depth >= JSONW_MAX_DEPTH) {
		jw->error = true;
		return;
	}
	fputc(kind, jw->out);
	jw->depth++;
	jw->kind[jw->depth] = kind;
	jw->nonempty[jw->depth] = false;
}

static void jsonw_end(struct jsonw *jw, char kind)
{
	if (jw->error)
		return;
	if (!jw->depth || jw->kind[jw->depth] != kind || jw->after_name) {
		jw->error = true;
		return;
	}
	if (jw->pretty && jw->nonempty[jw->depth])
		jsonw_indent(jw, jw->depth - 1);
	fputc(kind == '{' ? '}' : ']', jw->out);
	jw->depth--;
	jsonw_end_value(jw);
}

void jsonw_start_object(struct jsonw *jw)
{
	jsonw_start(jw, '{');
}

void jsonw_end_object(struct jsonw *jw)
{
	jsonw_end(jw, '{');
}

void jsonw_start_array(struct jsonw *jw)
{
	jsonw_start(jw, '[');
}

void jsonw_end_array(struct jsonw *jw)
{
	jsonw_end(jw, '[');
}

void jsonw_name(struct jsonw *jw, const char *name)
{
	if (jw->error)
		return;
	if (!jw->depth || jw->kind[jw->depth] != '{' || jw->after_name ||
	    !name) {
		jw->error = true;
		return;
	}
	jsonw_member(jw);
	jsonw_put_string(jw->out, name);
	fputs(jw->pretty ? ": " : ":", jw->out);
	jw->after_name = true;
}

/* A NULL string is written as null. */
void jsonw_string(struct jsonw *jw, const char *s)
{
	if (!jsonw_begin_value(jw))
		return;
	if (s)
		jsonw_put_string(jw->out, s);
	else
		fputs("null", jw->out);
	jsonw_end_value(jw);
}

void jsonw_uint(struct jsonw *jw, uint64_t v)
{
	if (!jsonw_begin_value(jw))
		return;
	fprintf(jw->out, "%" PRIu64, v);
	jsonw_end_value(jw);
}

void jsonw_int(struct jsonw *jw, int64_t v)
{
	if (!jsonw_begin_value(jw))
		return;
	fprintf(jw->out, "%" PRId64, v);
	jsonw_end_value(jw);
}

void jsonw_bool(struct jsonw *jw, bool v)
{
	if (!jsonw_begin_value(jw))
		return;
	fputs(v ? "true" : "false", jw->out);
	jsonw_end_value(jw);
}

void jsonw_null(struct jsonw *jw)
{
	if (!jsonw_begin_value(jw))
		return;
	fputs("null", jw->out);
	jsonw_end_value(jw);
}
