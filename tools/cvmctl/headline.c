// SPDX-License-Identifier: GPL-2.0-only
/*
 * The headline numbers `cvmctl status` shows per loaded feature module:
 * what a sysadmin checks first (shared and leaked pages, the pool's use,
 * refusals and misuse, the rings' violations and broken rings). The full
 * views are `cvmctl conversions`, `pool` and `rings`; the JSON keys are
 * theirs.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <linux/cvm.h>

#include "cvm_names.h"
#include "cvmctl.h"
#include "headline.h"

struct cvm_headline_field {
	int attr;
	const char *text;	/* the text line's key */
	const char *json;	/* the key in the module's JSON object */
};

static const struct cvm_headline_field cvm_head_conv[] = {
	{ CVM_A_CONV_SHARED_PAGES,	"shared_pages:",	"shared_pages" },
	{ CVM_A_CONV_LEAKED_PAGES,	"leaked_pages:",	"leaked_pages" },
};

static const struct cvm_headline_field cvm_head_pool[] = {
	{ CVM_A_POOL_SIZE,		"pool_size:",		"size" },
	{ CVM_A_POOL_SLOTS,		"pool_slots:",		"slots" },
	{ CVM_A_POOL_USED,		"pool_used:",		"used" },
	{ CVM_A_POOL_HIGH_WATER,	"pool_high_water:",	"high_water" },
	{ CVM_A_POOL_FAILURES,		"pool_failures:",	"failures" },
	{ CVM_A_POOL_VIOLATIONS,	"pool_violations:",	"violations" },
};

static const struct cvm_headline_field cvm_head_ring[] = {
	{ CVM_A_RING_RINGS,		"rings:",		"rings" },
	{ CVM_A_RING_CHECKED,		"ring_checked:",	"checked" },
	{ CVM_A_RING_VIOLATIONS,	"ring_violations:",	"violations" },
	{ CVM_A_RING_BROKEN,		"rings_broken:",	"broken" },
};

static const struct {
	const char *module;
	const char *json;
	uint8_t cmd;
	const struct cvm_headline_field *fields;
	size_t nfields;
} cvm_headlines[CVM_NR_HEADLINES] = {
	{ "cvm_convert", "conversions", CVM_CMD_CONV_GET,
	  cvm_head_conv, ARRAY_SIZE(cvm_head_conv) },
	{ "cvm_bounce", "pool", CVM_CMD_POOL_GET,
	  cvm_head_pool, ARRAY_SIZE(cvm_head_pool) },
	{ "cvm_ring", "rings", CVM_CMD_RING_GET,
	  cvm_head_ring, ARRAY_SIZE(cvm_head_ring) },
};

void cvm_headlines_fetch(struct cvm_headlines *h)
{
	struct cvm_nl nl;
	bool open = false;
	size_t i;

	memset(h, 0, sizeof(*h));
	for (i = 0; i < CVM_NR_HEADLINES; i++) {
		h->loaded[i] = cvm_module_loaded(cvm_headlines[i].module);
		if (!h->loaded[i])
			continue;
		if (!open && cvm_nl_open(&nl))
			return;
		open = true;
		h->have[i] = !cvm_nl_get_vals(&nl, cvm_headlines[i].cmd,
					      &h->v[i]);
	}
	if (open)
		cvm_nl_close(&nl);
}

void cvm_headlines_print_text(const struct cvm_headlines *h)
{
	size_t i, j;

	for (i = 0; i < CVM_NR_HEADLINES; i++) {
		if (!h->loaded[i])
			continue;
		for (j = 0; j < cvm_headlines[i].nfields; j++) {
			const struct cvm_headline_field *f =
				&cvm_headlines[i].fields[j];

			if (h->have[i] && cvm_nl_vals_has(&h->v[i], f->attr))
				printf("%-18s%" PRIu64 "\n", f->text,
				       h->v[i].num[f->attr]);
			else
				printf("%-18s-\n", f->text);
		}
	}
}

void cvm_headlines_print_json(struct jsonw *jw, const struct cvm_headlines *h)
{
	size_t i, j;

	for (i = 0; i < CVM_NR_HEADLINES; i++) {
		jsonw_name(jw, cvm_headlines[i].json);
		if (!h->loaded[i]) {
			jsonw_null(jw);
			continue;
		}
		jsonw_start_object(jw);
		for (j = 0; j < cvm_headlines[i].nfields; j++) {
			const struct cvm_headline_field *f =
				&cvm_headlines[i].fields[j];

			if (h->have[i] && cvm_nl_vals_has(&h->v[i], f->attr))
				jsonw_uint_field(jw, f->json,
						 h->v[i].num[f->attr]);
			else
				jsonw_null_field(jw, f->json);
		}
		jsonw_end_object(jw);
	}
}
