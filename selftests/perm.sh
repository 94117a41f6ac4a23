#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The permission matrix (cvm_perm, see its header) with every feature
# module of this build loaded, so their commands and files are in it.
. ./lib.sh

for m in cvm_convert cvm_bounce cvm_ring; do
	[ -e "$CVM_MODULES/$m.ko" ] || continue
	insmod "$CVM_MODULES/$m.ko" || fail "insmod $m"
done
./cvm_perm || fail "permission matrix"
for m in cvm_ring cvm_bounce cvm_convert; do
	grep -q "^$m " /proc/modules && { rmmod $m || fail "rmmod $m"; }
done
finish
