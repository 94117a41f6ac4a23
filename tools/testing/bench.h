/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the native benchmarks (tools/testing/ring/bench_ring.c,
 * tools/testing/bounce/bench_native.c) share: the TSC, read with rdtscp
 * and calibrated against CLOCK_MONOTONIC over 200 ms, medians, and the
 * goal lines every benchmark ends with.
 */
#ifndef _CVM_BENCH_H
#define _CVM_BENCH_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <x86intrin.h>

static double tsc_ghz;

static inline uint64_t tsc(void)
{
	unsigned int aux;

	return __rdtscp(&aux);
}

static inline void calibrate(void)
{
	struct timespec a, b;
	uint64_t t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &a);
	t0 = tsc();
	do {
		clock_gettime(CLOCK_MONOTONIC, &b);
	} while ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec) < 2e8);
	t1 = tsc();
	tsc_ghz = (t1 - t0) / ((b.tv_sec - a.tv_sec) * 1e9 +
			       (b.tv_nsec - a.tv_nsec));
}

static inline int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Sorts @v: the median of its @n values. */
static inline double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_d);
	return v[n / 2];
}

/* "goal NAME: measured X, target OP Y, met|missed" (issue 16's format). */
static inline void print_goal(const char *name, double x, const char *op,
			      double target)
{
	bool met = op[0] == '<' ? x <= target : x >= target;

	printf("goal %s: measured %.2f, target %s %.2f, %s\n", name, x, op,
	       target, met ? "met" : "missed");
}

#endif /* _CVM_BENCH_H */
