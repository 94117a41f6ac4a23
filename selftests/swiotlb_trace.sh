#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# `cvmctl swiotlb` without cvm_bounce: per-device counts from the kernel's
# own swiotlb:swiotlb_bounced tracepoint, kept by a hist trigger that
# `cvmctl swiotlb trace on` sets. Checked against cvm_bounce's observer
# over the same read: both count every bounce of the disk with serial
# cvmswiotlb (this boot has swiotlb=force), so what the tracepoint's
# counts grew by while the observer watched is exactly what the observer
# saw, maps and bytes.
. "$(dirname "$0")/lib.sh"

grep -qw swiotlb=force /proc/cmdline || skip "not booted with swiotlb=force"
mkdir -p /sys/kernel/tracing 2>/dev/null
grep -q ' /sys/kernel/tracing ' /proc/mounts ||
	mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null ||
	skip "the kernel has no tracefs"
[ -e /sys/kernel/tracing/events/swiotlb/swiotlb_bounced/hist ] ||
	skip "the kernel has no histogram triggers (CONFIG_HIST_TRIGGERS)"
vs=$(cvm_disk cvmswiotlb) || { fail "no disk cvmswiotlb"; finish; }
spci=$(basename "$(readlink -f "/sys/block/$vs/device/..")")

# count FIELD: the tracepoint's count of the disk, through cvmctl.
count() {
	cvmctl -j swiotlb | jq --arg d "$spci" "[.devices[] | select(.name == \$d) | .$1] | add // 0"
}

expect_eq "tracepoint before trace on" '"off (cvmctl swiotlb trace on)"' \
	"$(cvmctl -j swiotlb | jq .tracepoint_reason)"
cvmctl swiotlb trace on || fail "cvmctl swiotlb trace on"
cvmctl swiotlb trace on || fail "cvmctl swiotlb trace on, again"
expect_eq "tracepoint on" "true null" \
	"$(cvmctl -j swiotlb | jq -r '"\(.tracepoint) \(.tracepoint_reason)"')"
./cvm_blkio read "/dev/$vs" $((4 << 20)) /dev/null || fail "read through swiotlb"
m1=$(count maps) b1=$(count bytes)
echo "# tracepoint: $spci $m1 maps, $b1 bytes"
[ "$b1" -ge $((4 << 20)) ] || fail "tracepoint bytes of $spci: $b1 < 4 MiB"
cvmctl swiotlb | grep -q "^$spci *$m1 *$b1\$" || fail "cvmctl swiotlb table: $(cvmctl swiotlb)"

insmod "$CVM_MODULES/cvm_convert.ko" && insmod "$CVM_MODULES/cvm_bounce.ko" ||
	{ fail "insmod cvm_bounce"; finish; }
cvmctl swiotlb observer on || fail "cvmctl swiotlb observer on"
./cvm_blkio read "/dev/$vs" $((4 << 20)) /dev/null || fail "read through swiotlb, observed"
j=$(cvmctl -j swiotlb)
om=$(echo "$j" | jq --arg d "$spci" '[.devices[] | select(.name == $d) | .maps] | add // 0')
ob=$(echo "$j" | jq --arg d "$spci" '[.devices[] | select(.name == $d) | .bytes] | add // 0')
cvmctl swiotlb observer off || fail "cvmctl swiotlb observer off"
rmmod cvm_bounce cvm_convert || fail "rmmod cvm_bounce cvm_convert"
m2=$(count maps) b2=$(count bytes)
echo "# observer: $om maps, $ob bytes; tracepoint meanwhile: $((m2 - m1)) maps, $((b2 - b1)) bytes"
[ "$om" -gt 0 ] || fail "the observer saw nothing"
expect_eq "maps: tracepoint = observer" "$om" "$((m2 - m1))"
expect_eq "bytes: tracepoint = observer" "$ob" "$((b2 - b1))"

cvmctl swiotlb trace off || fail "cvmctl swiotlb trace off"
cvmctl swiotlb trace off || fail "cvmctl swiotlb trace off, again"
expect_eq "tracepoint after trace off" '"off (cvmctl swiotlb trace on)"' \
	"$(cvmctl -j swiotlb | jq .tracepoint_reason)"
finish
