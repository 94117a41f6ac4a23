// SPDX-License-Identifier: GPL-2.0-only
/*
 * Self-test of the cvm_count plugin, run under qemu-user (make unit):
 * marked segments of hand-written instructions whose counts are known
 * exactly. tools/testing/count/Makefile compares the plugin's lines with
 * test_count.expected.
 */
#include <pthread.h>
#include <stdio.h>

#define START "\t.byte 0x0f, 0x1f, 0x84, 0x00, 0x53, 0x56, 0x4d, 0x43\n"
#define STOP "\t.byte 0x0f, 0x1f, 0x84, 0x00, 0x45, 0x56, 0x4d, 0x43\n"

static int counter __attribute__((aligned(64)));
static char src[4096] __attribute__((aligned(64)));
static char dst[4096] __attribute__((aligned(64)));
static int shared __attribute__((aligned(64)));
static int swapped __attribute__((aligned(64)));

static void *reader(void *arg __attribute__((unused)))
{
	int v;

	/* One load of the line vCPU 0 wrote last: a cross line. */
	__asm__ __volatile__(START "movl (%1), %0\n" STOP
			     : "=r"(v) : "r"(&shared) : "memory");
	return (void *)(long)v;
}

int main(void)
{
	pthread_t t;
	void *ret;

	/* 1 + 100 x 3 instructions, 100 locked, 100 loads and stores. */
	__asm__ __volatile__(START
			     "mov $100, %%ecx\n"
			     "1: lock incl (%0)\n"
			     "dec %%ecx\n"
			     "jnz 1b\n"
			     STOP : : "r"(&counter) : "ecx", "memory", "cc");
	/* 3 instructions; rep movsb executes 1000 + 1 times, 32 lines. */
	__asm__ __volatile__(START
			     "mov %0, %%rdi\n"
			     "mov %1, %%rsi\n"
			     "mov $1000, %%ecx\n"
			     "rep movsb\n"
			     STOP : : "r"(dst), "r"(src)
			     : "rdi", "rsi", "ecx", "memory");
	/* Two interrupt-flag instructions; xchg with memory is locked. */
	__asm__ __volatile__(START
			     "pushf\n"
			     "popf\n"
			     "xchg %%eax, (%0)\n"
			     STOP : : "r"(&swapped) : "eax", "memory", "cc");
	/* One store, then another vCPU (a thread) loads that line. */
	__asm__ __volatile__(START "movl $1, (%0)\n" STOP
			     : : "r"(&shared) : "memory");
	if (pthread_create(&t, NULL, reader, NULL) || pthread_join(t, &ret))
		return 1;
	return (long)ret == 1 && counter == 100 ? 0 : 1;
}
