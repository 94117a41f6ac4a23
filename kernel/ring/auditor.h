/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The live virtqueue auditor of cvm_ring (auditor.c): opt-in, through the
 * "auditor" module parameter or /sys/kernel/cvm/ring/auditor.
 */
#ifndef _CVM_RING_AUDITOR_H
#define _CVM_RING_AUDITOR_H

#include "ring.h"

/*
 * How an add function's arguments describe the device-writable bytes.
 * A premapped buffer's lengths are its DMA lengths (sg_dma_len()), which
 * virtio_ring puts in the descriptors: virtio_net fills only those.
 */
enum {
	CVM_RING_ADD_SGS,	/* (vq, sgs[], out_sgs, in_sgs, data, ...) */
	CVM_RING_ADD_IN,	/* (vq, sg, num, data, ...): all writable */
	CVM_RING_ADD_OUT,	/* (vq, sg, num, data, ...): none writable */
	CVM_RING_ADD_IN_PREMAPPED,
	CVM_RING_ADD_OUT_PREMAPPED,
};

int cvm_ring_auditor_set(bool on);
bool cvm_ring_auditor_enabled(void);
u64 cvm_ring_auditor_missed(void);
int cvm_ring_auditor_init(void);
void cvm_ring_auditor_exit(void);

#endif /* _CVM_RING_AUDITOR_H */
