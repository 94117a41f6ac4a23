// SPDX-License-Identifier: GPL-2.0-only
/*
 * cvm_count: a QEMU TCG plugin that counts, deterministically, what guest
 * code executes between two marker instructions on a vCPU (make
 * bench-count, and the count gate of make check). TCG wall-clock time is
 * no measurement (p99 10-100x p50); these counts are identical from boot
 * to boot.
 *
 * Markers are no-ops on every x86 CPU: "nopl 0x434d5653(%rax,%rax,1)"
 * (0f 1f 84 00 53 56 4d 43) starts counting on the vCPU that executes
 * it, the same with 0x434d5645 stops and prints one line:
 *   cvmcount vcpu=V seq=N insns=.. rep=.. locked=.. irqf=.. \
 *            loads=.. stores=.. lines=.. xlines=..
 * insns: instructions executed, each rep-prefixed string instruction
 *	once (TCG runs each iteration as its own execution; rep counts
 *	those apart);
 * locked: read-modify-writes with a bus lock (lock prefix, xchg with
 *	memory);
 * irqf: cli, sti, pushf, popf;
 * with mem=on also: loads, stores, distinct 64-byte lines touched, and
 *	of those the lines another vCPU wrote last (while counting);
 * with prof=on also, before each segment's line, where its non-rep
 *	instructions ran, one line per translation block:
 *   cvmprof vcpu=V seq=N pc=0x... insns=..
 *	(tools/testing/count/count_profile.py names the functions).
 *
 * Built with one cc -shared against qemu-plugin.h from Debian's qemu
 * source package (scripts/bench-count.sh fetches it into the cache).
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <qemu-plugin.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

#define MAX_VCPUS	16
#define MARK_START	0x434d5653u
#define MARK_STOP	0x434d5645u
#define SET_BITS	16
#define OWNER_BITS	20
#define PROF_BITS	12

enum { K_PLAIN = 1, K_REP = 2, K_LOCKED = 4, K_IRQF = 8, K_START = 16,
       K_STOP = 32 };

struct tbinfo {
	uint32_t plain, rep, locked, irqf;
	uint64_t pc;
};

/* Non-rep instructions per translation block start, for one segment. */
struct profile {
	uint64_t pc[1 << PROF_BITS];
	uint64_t insns[1 << PROF_BITS];
	uint32_t gen[1 << PROF_BITS];
};

struct lineset {
	uint64_t line[1 << SET_BITS];
	uint32_t gen[1 << SET_BITS];
	uint8_t xcounted[1 << SET_BITS];
};

struct vcpu {
	bool on;
	uint32_t gen;
	uint64_t seq;
	uint64_t insns, rep, locked, irqf, loads, stores, lines, xlines;
	struct lineset *set;
	struct profile *prof;
};

static struct vcpu vcpus[MAX_VCPUS];
static bool track_mem, track_prof;
/* Last writer (vCPU + 1) of each line, while counting; lossy on clash. */
static uint64_t owner_line[1 << OWNER_BITS];
static uint8_t owner_vcpu[1 << OWNER_BITS];

/* What an instruction is, from its bytes (x86-64). */
static int classify(const uint8_t *b, size_t n)
{
	bool lock = false, rep = false;
	size_t i = 0;
	uint8_t op;

	if (n == 8 && b[0] == 0x0f && b[1] == 0x1f && b[2] == 0x84 &&
	    b[3] == 0x00) {
		uint32_t d = b[4] | b[5] << 8 | b[6] << 16 | (uint32_t)b[7] << 24;

		if (d == MARK_START)
			return K_START;
		if (d == MARK_STOP)
			return K_STOP;
	}
	for (; i < n; i++) {
		switch (b[i]) {
		case 0xf0:
			lock = true;
			continue;
		case 0xf2: case 0xf3:
			rep = true;
			continue;
		case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64:
		case 0x65: case 0x66: case 0x67:
			continue;
		}
		break;
	}
	if (i < n && (b[i] & 0xf0) == 0x40)	/* REX */
		i++;
	if (i >= n)
		return K_PLAIN;
	op = b[i];
	if (rep && ((op >= 0xa4 && op <= 0xa7) || (op >= 0xaa && op <= 0xaf) ||
		    (op >= 0x6c && op <= 0x6f)))
		return K_REP;
	if (lock)
		return K_LOCKED;
	if ((op == 0x86 || op == 0x87) && i + 1 < n && (b[i + 1] >> 6) != 3)
		return K_LOCKED;
	if (op == 0xfa || op == 0xfb || op == 0x9c || op == 0x9d)
		return K_IRQF | K_PLAIN;
	return K_PLAIN;
}

static void add(struct vcpu *v, int kind)
{
	if (kind & K_REP)
		v->rep++;
	else
		v->insns++;
	if (kind & K_LOCKED)
		v->locked++;
	if (kind & K_IRQF)
		v->irqf++;
}

static void prof_add(struct vcpu *v, uint64_t pc, uint64_t insns)
{
	struct profile *p = v->prof;
	uint64_t h = pc * 0x9e3779b97f4a7c15ULL;
	size_t k, s;

	for (k = 0; k < (1u << PROF_BITS); k++) {
		s = (h >> 40) + k;
		s &= (1u << PROF_BITS) - 1;
		if (p->gen[s] != v->gen) {
			p->gen[s] = v->gen;
			p->pc[s] = pc;
			p->insns[s] = insns;
			return;
		}
		if (p->pc[s] == pc) {
			p->insns[s] += insns;
			return;
		}
	}
	/* Full: counted in the totals all the same, under pc 0. */
}

static void print_segment(unsigned int idx, struct vcpu *v)
{
	char buf[320];
	size_t s;

	for (s = 0; track_prof && s < (1u << PROF_BITS); s++) {
		if (v->prof->gen[s] != v->gen)
			continue;
		snprintf(buf, sizeof(buf),
			 "cvmprof vcpu=%u seq=%" PRIu64 " pc=0x%" PRIx64
			 " insns=%" PRIu64 "\n", idx, v->seq, v->prof->pc[s],
			 v->prof->insns[s]);
		qemu_plugin_outs(buf);
	}

	snprintf(buf, sizeof(buf),
		 "cvmcount vcpu=%u seq=%" PRIu64 " insns=%" PRIu64 " rep=%" PRIu64
		 " locked=%" PRIu64 " irqf=%" PRIu64 " loads=%" PRIu64
		 " stores=%" PRIu64 " lines=%" PRIu64 " xlines=%" PRIu64 "\n",
		 idx, v->seq, v->insns, v->rep, v->locked, v->irqf, v->loads,
		 v->stores, v->lines, v->xlines);
	qemu_plugin_outs(buf);
}

static void marker(unsigned int idx, int kind)
{
	struct vcpu *v = &vcpus[idx % MAX_VCPUS];

	if (kind == K_START) {
		v->on = true;
		v->gen++;
		v->insns = v->rep = v->locked = v->irqf = 0;
		v->loads = v->stores = v->lines = v->xlines = 0;
	} else if (v->on) {
		v->on = false;
		print_segment(idx, v);
		v->seq++;
	}
}

static void tb_exec(unsigned int idx, void *udata)
{
	struct vcpu *v = &vcpus[idx % MAX_VCPUS];
	const struct tbinfo *t = udata;

	if (!v->on)
		return;
	v->insns += t->plain;
	v->rep += t->rep;
	v->locked += t->locked;
	v->irqf += t->irqf;
	if (track_prof)
		prof_add(v, t->pc, t->plain);
}

/* Instructions of a TB that holds a marker are counted one by one. */
static void insn_exec(unsigned int idx, void *udata)
{
	int kind = (int)(uintptr_t)udata;
	struct vcpu *v = &vcpus[idx % MAX_VCPUS];

	if (kind & (K_START | K_STOP)) {
		marker(idx, kind);
		return;
	}
	if (v->on) {
		add(v, kind);
		if (track_prof && !(kind & K_REP))
			prof_add(v, (uintptr_t)0, 1);
	}
}

static uint64_t hash(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

static void mem_access(unsigned int idx, qemu_plugin_meminfo_t info,
		       uint64_t vaddr, void *udata)
{
	struct vcpu *v = &vcpus[idx % MAX_VCPUS];
	uint64_t line = vaddr >> 6, h;
	bool store = qemu_plugin_mem_is_store(info);
	uint8_t w;
	size_t k, o;

	if (!v->on)
		return;
	if (store)
		v->stores++;
	else
		v->loads++;
	h = hash(line);
	for (k = 0; k < (1u << SET_BITS); k++) {
		size_t s = (h + k) & ((1u << SET_BITS) - 1);

		if (v->set->gen[s] != v->gen) {
			v->set->gen[s] = v->gen;
			v->set->line[s] = line;
			v->set->xcounted[s] = 0;
			v->lines++;
		} else if (v->set->line[s] != line) {
			continue;
		}
		o = h & ((1u << OWNER_BITS) - 1);
		w = __atomic_load_n(&owner_vcpu[o], __ATOMIC_RELAXED);
		if (w && w != idx % MAX_VCPUS + 1 &&
		    __atomic_load_n(&owner_line[o], __ATOMIC_RELAXED) == line &&
		    !v->set->xcounted[s]) {
			v->set->xcounted[s] = 1;
			v->xlines++;
		}
		if (store) {
			__atomic_store_n(&owner_line[o], line, __ATOMIC_RELAXED);
			__atomic_store_n(&owner_vcpu[o], idx % MAX_VCPUS + 1,
					 __ATOMIC_RELAXED);
		}
		return;
	}
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb), i;
	struct tbinfo *t = calloc(1, sizeof(*t));
	int kinds[512];
	bool marked = false;

	if (!t)
		abort();
	t->pc = qemu_plugin_tb_vaddr(tb);
	for (i = 0; i < n && i < 512; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		int k = classify(qemu_plugin_insn_data(insn),
				 qemu_plugin_insn_size(insn));

		kinds[i] = k;
		if (k & (K_START | K_STOP))
			marked = true;
		else if (k & K_REP)
			t->rep++;
		else
			t->plain++;
		if (k & K_LOCKED)
			t->locked++;
		if (k & K_IRQF)
			t->irqf++;
		if (track_mem)
			qemu_plugin_register_vcpu_mem_cb(insn, mem_access,
							 QEMU_PLUGIN_CB_NO_REGS,
							 QEMU_PLUGIN_MEM_RW, NULL);
	}
	if (!marked && n <= 512) {
		qemu_plugin_register_vcpu_tb_exec_cb(tb, tb_exec,
						     QEMU_PLUGIN_CB_NO_REGS, t);
		return;
	}
	free(t);
	for (i = 0; i < n && i < 512; i++)
		qemu_plugin_register_vcpu_insn_exec_cb(
			qemu_plugin_tb_get_insn(tb, i), insn_exec,
			QEMU_PLUGIN_CB_NO_REGS, (void *)(uintptr_t)kinds[i]);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
					   const qemu_info_t *info,
					   int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "mem=on")) {
			track_mem = true;
		} else if (!strcmp(argv[i], "prof=on")) {
			track_prof = true;
		} else if (strcmp(argv[i], "mem=off") &&
			   strcmp(argv[i], "prof=off")) {
			fprintf(stderr, "cvm_count: unknown argument %s\n",
				argv[i]);
			return -1;
		}
	}
	for (i = 0; i < MAX_VCPUS; i++) {
		if (track_mem)
			vcpus[i].set = calloc(1, sizeof(*vcpus[i].set));
		if (track_prof)
			vcpus[i].prof = calloc(1, sizeof(*vcpus[i].prof));
		if ((track_mem && !vcpus[i].set) ||
		    (track_prof && !vcpus[i].prof))
			return -1;
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	return 0;
}
