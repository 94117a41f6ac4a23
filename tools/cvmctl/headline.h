/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cvmctl status: the headline numbers of each loaded feature module.
 */
#ifndef CVMCTL_HEADLINE_H
#define CVMCTL_HEADLINE_H

#include <stdbool.h>

#include "json.h"
#include "nl.h"

#define CVM_NR_HEADLINES	3

/* What one status run fetched: per module, loaded and answered. */
struct cvm_headlines {
	bool loaded[CVM_NR_HEADLINES];
	bool have[CVM_NR_HEADLINES];
	struct cvm_nl_vals v[CVM_NR_HEADLINES];
};

/*
 * Ask each loaded module (conv-get, pool-get, ring-get). A module that
 * does not answer shows "-" (text) or null fields (JSON); status does not
 * fail for it.
 */
void cvm_headlines_fetch(struct cvm_headlines *h);
/* "key:  value" lines, after the posture lines. */
void cvm_headlines_print_text(const struct cvm_headlines *h);
/* "conversions", "pool" and "rings": an object each, null if not loaded. */
void cvm_headlines_print_json(struct jsonw *jw, const struct cvm_headlines *h);

#endif /* CVMCTL_HEADLINE_H */
