/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tiny streaming JSON writer for cvmctl.
 *
 * Output is built in document order: open a container, write members (a
 * name followed by a value inside objects, bare values inside arrays),
 * close the container.  The writer inserts commas and, in pretty mode,
 * newlines and two-space indentation.  A newline is written after every
 * complete top-level value.
 *
 * Misuse (closing a container that is not open, a value without a name
 * inside an object, a name inside an array, nesting deeper than
 * JSONW_MAX_DEPTH) sets jw->error and turns every later call into a no-op,
 * so a bug produces a detectable error instead of silently broken JSON.
 */
#ifndef CVMCTL_JSON_H
#define CVMCTL_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSONW_MAX_DEPTH	16

struct jsonw {
	FILE *out;
	bool pretty;
	bool error;
	/* a member name was written; the next value belongs to it */
	bool after_name;
	unsigned int depth;
	/* per open container: '{' or '[', and whether it has members yet */
	char kind[JSONW_MAX_DEPTH + 1];
	bool nonempty[JSONW_MAX_DEPTH + 1];
};

void jsonw_init(struct jsonw *jw, FILE *out, bool pretty);
int jsonw_finish(struct jsonw *jw);

void jsonw_start_object(struct jsonw *jw);
void jsonw_end_object(struct jsonw *jw);
void jsonw_start_array(struct jsonw *jw);
void jsonw_end_array(struct jsonw *jw);

void jsonw_name(struct jsonw *jw, const char *name);
void jsonw_string(struct jsonw *jw, const char *s);
void jsonw_uint(struct jsonw *jw, uint64_t v);
void jsonw_int(struct jsonw *jw, int64_t v);
void jsonw_bool(struct jsonw *jw, bool v);
void jsonw_null(struct jsonw *jw);

static inline void jsonw_string_field(struct jsonw *jw, const char *name,
				      const char *s)
{
	jsonw_name(jw, name);
	jsonw_string(jw, s);
}

static inline void jsonw_uint_field(struct jsonw *jw, const char *name,
				    uint64_t v)
{
	jsonw_name(jw, name);
	jsonw_uint(jw, v);
}

static inline void jsonw_int_field(struct jsonw *jw, const char *name,
				   int64_t v)
{
	jsonw_name(jw, name);
	jsonw_int(jw, v);
}

static inline void jsonw_bool_field(struct jsonw *jw, const char *name,
				    bool v)
{
	jsonw_name(jw, name);
	jsonw_bool(jw, v);
}

static inline void jsonw_null_field(struct jsonw *jw, const char *name)
{
	jsonw_name(jw, name);
	jsonw_null(jw);
}

#endif /* CVMCTL_JSON_H */
