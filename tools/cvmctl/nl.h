/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cvmctl: libnl-genl-3 helpers for the "cvm" generic netlink family.
 */
#ifndef CVMCTL_NL_H
#define CVMCTL_NL_H

#include <stdbool.h>
#include <stdint.h>

#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "cvm_attrs.h"

#define CVM_NL_EXTACK_MSG_LEN	256

struct cvm_nl {
	struct nl_sock *sk;
	int family;		/* resolved generic netlink family id */
};

/* Why a request failed; filled by cvm_nl_do(). */
struct cvm_nl_err {
	int errnum;		/* positive errno reported by the kernel */
	int nlerr;		/* positive libnl NLE_* code (local failure) */
	int miss_type;		/* NLMSGERR_ATTR_MISS_TYPE, or -1 */
	char msg[CVM_NL_EXTACK_MSG_LEN];	/* NLMSGERR_ATTR_MSG, or "" */
};

/*
 * Called for each reply message of the family.  Return NL_OK to go on; a
 * parse failure is best recorded in @arg, as NL_STOP does not reach the
 * caller of cvm_nl_do().
 */
typedef int (*cvm_nl_reply_fn)(struct nl_msg *msg, void *arg);

int cvm_nl_open(struct cvm_nl *nl);
void cvm_nl_close(struct cvm_nl *nl);
struct nl_msg *cvm_nl_new_req(const struct cvm_nl *nl, uint8_t cmd);
struct nl_msg *cvm_nl_new_dump(const struct cvm_nl *nl, uint8_t cmd);
int cvm_nl_do(struct cvm_nl *nl, struct nl_msg *msg, cvm_nl_reply_fn fn,
	      void *arg, struct cvm_nl_err *err);
void cvm_nl_perror(const char *what, const struct cvm_nl_err *err);
/*
 * Send @msg (NULL: allocation failed), call @fn per reply and print a
 * failure the way feature commands do: the kernel's message alone when
 * the feature module is not loaded, a permission hint for EPERM.
 * Return: 0 or -1.
 */
int cvm_nl_request(struct cvm_nl *nl, struct nl_msg *msg, const char *what,
		   cvm_nl_reply_fn fn, void *arg);

/* Checked attribute getters: return 0, or -1 if the length is wrong. */
int cvm_nla_get_u8(const struct nlattr *nla, uint8_t *v);
int cvm_nla_get_u32(const struct nlattr *nla, uint32_t *v);
int cvm_nla_get_u64(const struct nlattr *nla, uint64_t *v);
int cvm_nla_get_str(const struct nlattr *nla, char *buf, size_t size);

/*
 * The attributes of one reply message (no nests) by type: numbers in
 * num[], strings in str (and str2), a bit per attribute received in
 * present.
 */
#define CVM_NL_VALS_STR	128
struct cvm_nl_vals {
	uint64_t present;
	uint64_t num[64];
	char str[CVM_NL_VALS_STR];
	char str2[CVM_NL_VALS_STR];
};

/* A typed attribute: its JSON/text key and how it is read. */
enum cvm_nl_type { CVM_NL_U8 = 1, CVM_NL_U32, CVM_NL_U64, CVM_NL_STRING };

struct cvm_nl_field {
	const char *key;
	enum cvm_nl_type type;
};

/*
 * A table of fields is generated from the spec: X of a set's
 * CVM_<SET>_ATTRS (cvm_attrs.h). The spec's type names the parser; a type
 * this parser does not read fails to compile.
 */
#define CVM_NL_FIELD(attr, name, type) [attr] = { #name, CVM_NL_##type },

static inline bool cvm_nl_vals_has(const struct cvm_nl_vals *v, int type)
{
	return type > 0 && type < 64 && (v->present & (1ULL << type));
}

/*
 * Every attribute of 1, 4 or 8 bytes is a number, except @str_a (into
 * str) and @str_b (into str2); 0 for none.
 */
void cvm_nl_vals_parse(struct nl_msg *msg, struct cvm_nl_vals *v,
		       int str_a, int str_b);
/*
 * Only the attributes @fields[0..@max] names, each checked against its
 * type; unknown ones (a newer kernel, pad) are skipped. Clears @v first.
 * Return: NULL, or the key of the first malformed attribute.
 */
const char *cvm_nl_parse_fields(struct nl_msg *msg,
				const struct cvm_nl_field *fields, int max,
				struct cvm_nl_vals *v);
/* A cvm_nl_reply_fn filling the struct cvm_nl_vals @arg (no strings). */
int cvm_nl_vals_cb(struct nl_msg *msg, void *arg);
/*
 * Send request @cmd (named in errors as the spec names it) and parse its
 * flat reply into @v. Return: 0, or -1 with the reason printed.
 */
int cvm_nl_get_vals(struct cvm_nl *nl, uint8_t cmd, struct cvm_nl_vals *v);

/* Whether the module @name is loaded (/sys/module/@name/initstate). */
bool cvm_module_loaded(const char *name);

#endif /* CVMCTL_NL_H */
