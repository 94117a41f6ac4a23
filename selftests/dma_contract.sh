#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The differential DMA contract test (kernel/hostsim/dma.c): one table of
# DMA API sequences on the platform device cvm-dmacontract, first through
# the kernel's swiotlb (the guest boots with swiotlb=force: the
# reference), then with cvm_bounce attached, compared step by step. With
# zero_from_device off the pool must show exactly what swiotlb shows,
# except the strict-direction policy; with the default policies, the
# zero-from-device differences too, and nothing else.
. "$(dirname "$0")/lib.sh"
ctl=/sys/kernel/debug/cvm_hostsim_dma/ctl
dir=/sys/kernel/cvm/bounce
dev=cvm-dmacontract

[ -d /sys/kernel/debug ] || skip "no debugfs"
grep -q swiotlb=force /proc/cmdline || skip "the reference needs swiotlb=force"
insmod "$CVM_MODULES/cvm_convert.ko" || { fail "insmod cvm_convert"; finish; }
insmod "$CVM_MODULES/cvm_bounce.ko" || { fail "insmod cvm_bounce"; finish; }
insmod "$CVM_MODULES/cvm_hostsim_dma.ko" || { fail "insmod cvm_hostsim_dma"; finish; }

echo reference >$ctl || fail "reference run"
ref=$(cat $ctl)
echo "# $ref"
steps=${ref#dma-contract: }
steps=${steps%% *}
[ "$steps" -gt 100 ] || fail "reference: only '$steps' steps"

echo $dev >$dir/attach || fail "attach $dev"
maps0=$(cvmctl -j pool | jq --arg d $dev '.devices[] | select(.name == $d) | .maps')

# zero_from_device off: swiotlb's bytes, but for the strict direction.
echo 0 >$dir/zero_from_device
echo compare >$ctl || fail "compare run, zero_from_device off"
out=$(cat $ctl)
echo "$out" | sed 's/^/# /'
expect_eq "zero_from_device off" \
	"dma-contract: $steps steps compared, 0 differences, 3 named exceptions (zero-from-device 0, strict-direction 3)" \
	"$(echo "$out" | head -n 1)"

# The defaults: the host never sees a FROM_DEVICE buffer.
echo 1 >$dir/zero_from_device
echo compare >$ctl || fail "compare run, default policies"
out=$(cat $ctl)
echo "$out" | sed 's/^/# /'
line=$(echo "$out" | head -n 1)
case $line in
"dma-contract: $steps steps compared, 0 differences, "*" named exceptions (zero-from-device "*", strict-direction 3)") ;;
*) fail "default policies: $line" ;;
esac
zfd=${line##*zero-from-device }
zfd=${zfd%%,*}
[ "$zfd" -gt 0 ] || fail "zero-from-device exceptions: $zfd"

# Every mapping went through the pool, and none is left.
maps=$(cvmctl -j pool | jq --arg d $dev '.devices[] | select(.name == $d) | .maps')
[ "$((maps - maps0))" -gt 0 ] || fail "the pool made no mapping for $dev"
expect_eq "in flight after the runs" 0 \
	"$(cvmctl -j pool | jq --arg d $dev '.devices[] | select(.name == $d) | .inflight_slots')"
expect_eq "violations: the misuse sequences, twice" 6 \
	"$(cvmctl -j pool | jq --arg d $dev '.devices[] | select(.name == $d) | .violations')"
echo $dev >$dir/detach || fail "detach $dev"
rmmod cvm_hostsim_dma || fail "rmmod cvm_hostsim_dma"
rmmod cvm_bounce || fail "rmmod cvm_bounce"
rmmod cvm_convert || fail "rmmod cvm_convert"
finish
