#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Every failure point (allocations, and cvm_convert's conversions through
# its fault attributes) of each module's init (the last 120 of loading
# it), of the ledger's operations, of growing the bounce pool and of
# mapping through it, is hit in turn (cvm_failnth): each failure gives
# the caller a clean error, leaves no module half-registered, the ledger
# and the pool exact (every chunk the pool holds is in the ledger, no slot
# left mapped, every failed conversion's range leaked and nothing else),
# no private byte in a slot the host can read and, checked by kmemleak at
# the end of the run, nothing leaked.
# Needs the debug kernel's fault injection; packaged kernels skip.
. ./lib.sh

D=/sys/kernel/debug
C=/sys/kernel/cvm/convert
H=$D/cvm_hostsim/convert
[ -e /proc/self/fail-nth ] ||
	skip "this kernel has no fault injection (CONFIG_FAULT_INJECTION)"
[ -d $D/failslab ] && [ -d $D/fail_page_alloc ] ||
	skip "this kernel has no failslab or fail_page_alloc"

# Sleeping allocations too (ours are GFP_KERNEL), every order, and no
# stack dump per injected fault.
for a in failslab fail_page_alloc; do
	echo N >$D/$a/ignore-gfp-wait
	echo 0 >$D/$a/verbose
done
echo N >$D/fail_page_alloc/ignore-gfp-highmem
echo 0 >$D/fail_page_alloc/min-order
# An injected vmalloc failure prints a stack trace that is no bug: the
# runner tolerates bare traces between these marks, nothing else.
echo "cvmguard-guest: fault injection begins" >/dev/kmsg

rmmod cvm_core
./cvm_failnth -l 120 -u "rmmod cvm_core" \
	-c "[ ! -e /sys/kernel/cvm ] && ! grep -q '^cvm_core ' /proc/modules" \
	insmod "$CVM_MODULES/cvm_core.ko" || fail "loading cvm_core"
insmod "$CVM_MODULES/cvm_core.ko" || fail "insmod cvm_core"

./cvm_failnth -l 120 -u "rmmod cvm_convert" \
	-c "[ ! -e $C ] && cvmctl status >/dev/null" \
	insmod "$CVM_MODULES/cvm_convert.ko" || fail "loading cvm_convert"

insmod "$CVM_MODULES/cvm_convert.ko" || fail "insmod cvm_convert"
insmod "$CVM_MODULES/cvm_hostsim.ko" || fail "insmod cvm_hostsim"
for a in fail_share fail_unshare; do
	[ -d $D/cvm_convert/$a ] || fail "no $D/cvm_convert/$a"
	echo 0 >$D/cvm_convert/$a/verbose
done
# fail-nth can meet the conversions too (cvm_convert's fault attributes),
# and a failed one leaves its range leaked for good. ledger_exact SHARED RANGES: SHARED pages are
# shared, and the ledger holds RANGES ranges besides those the counted
# failures left leaked (a script: cvm_failnth runs checks in a new shell).
cat >/tmp/ledger_exact <<EOF
f=\$((\$(cat $C/share_failures) + \$(cat $C/unshare_failures)))
[ "\$(cat $C/shared_pages)" = "\$1" ] && [ "\$(cat $C/ranges)" = "\$((\$2 + f))" ]
EOF
empty="sh /tmp/ledger_exact 0 0"
counts() { echo "$(cat $C/share_failures) $(cat $C/unshare_failures) $(cat $C/leaked_pages)"; }
# alloc answers "ID PFN PAGES"; free takes the ID.
./cvm_failnth -u "echo \"free \$(cut -d' ' -f1 $H)\" >$H" -c "$empty" \
	write $H "alloc fi 3" ||
	fail "ledger: alloc"
echo "# ledger: alloc: share and unshare failures, leaked pages: $(counts)"
# shares: N one-page conversions failed so far.
shares() { cat $C/share_failures; }
f0=$(shares) l0=$(cat $C/leaked_pages)
./cvm_failnth -u "echo 'bulk-free fi' >$H" -c "$empty" write $H "bulk fi 20" ||
	fail "ledger: bulk"
# Each conversion fail-nth failed leaked its one page.
f=$(($(shares) - f0)) l=$(($(cat $C/leaked_pages) - l0))
echo "# ledger: bulk: $f conversions failed by fail-nth, $l pages leaked"
[ "$f" -ge 1 ] && [ "$l" = "$f" ] ||
	fail "ledger: bulk: $f failed conversions, $l leaked pages (want as many, at least 1)"


# cvm_bounce's load converts nothing (a pool nobody uses holds no shared
# memory); cvm_ring's load registers with cvm_core.
B=/sys/kernel/cvm/bounce
HB=$D/cvm_hostsim_bounce/bounce
./cvm_failnth -l 120 -u "rmmod cvm_bounce" -c "[ ! -e $B ] && $empty" \
	insmod "$CVM_MODULES/cvm_bounce.ko" init_chunks=4 || fail "loading cvm_bounce"
echo "# loading cvm_bounce: share and unshare failures, leaked pages: $(counts)"
./cvm_failnth -l 120 -u "rmmod cvm_ring" \
	-c "[ ! -e /sys/kernel/cvm/ring ] && cvmctl status >/dev/null" \
	insmod "$CVM_MODULES/cvm_ring.ko" || fail "loading cvm_ring"

# The first client (cvm_hostsim_bounce, at its first command) makes the
# pool take its initial chunks from the ledger (4, not the default 16:
# each chunk is a dozen more places to fail). Whether the client came or
# not, every chunk the pool holds is in the ledger and no slot is used;
# a chunk whose conversion failed is leaked, never held. UNDO lets the
# client go and waits (idle_ms=10) until the pool is empty again.
insmod "$CVM_MODULES/cvm_bounce.ko" init_chunks=4 idle_ms=10 || fail "insmod cvm_bounce"
insmod "$CVM_MODULES/cvm_hostsim_bounce.ko" || fail "insmod cvm_hostsim_bounce"
f0=$(shares) l0=$(cat $C/leaked_pages)
held="c=\$(cat $B/chunks); sh /tmp/ledger_exact \$((c * 256)) \$c && [ \$(cat $B/used) = 0 ]"
gone="rmmod cvm_hostsim_bounce && insmod $CVM_MODULES/cvm_hostsim_bounce.ko && i=0 &&
	while [ \$(cat $B/chunks) != 0 ] && [ \$i -lt 100 ]; do sleep 0.1; i=\$((i + 1)); done &&
	$held"
eval "$gone" || fail "pool without a client: $(cat $B/chunks) chunks"
./cvm_failnth -u "$gone" -c "$held" write $HB drain || fail "pool: first client"
f=$(($(shares) - f0)) l=$(($(cat $C/leaked_pages) - l0))
echo "# pool: first client: $f conversions failed by fail-nth, $l pages leaked"
[ "$f" -ge 1 ] && [ "$l" = $((f * 256)) ] ||
	fail "pool: first client: $f failed conversions, $l leaked pages (want 256 each, at least 1)"

# The pool at rest: 4 chunks of 256 pages, all in the ledger, no slot used.
cvmctl pool set idle_ms 5000 || fail "cvmctl pool set idle_ms 5000"
echo drain >$HB || fail "cvm_hostsim_bounce: first command"
pool="[ \$(cat $B/chunks) = 4 ] && sh /tmp/ledger_exact 1024 4 && [ \$(cat $B/used) = 0 ] &&
	[ \$(cat $B/maps) = \$(cat $B/unmaps) ]"
eval "$pool" || fail "pool at rest: $(cat $B/chunks) chunks, $(cat $C/shared_pages) shared pages"
# Growing by a chunk (pages, the ledger's range, the area's bitmap).
f0=$(shares) l0=$(cat $C/leaked_pages)
./cvm_failnth -r -u "echo shrink >$HB" -c "$pool" write $HB grow ||
	fail "pool: grow"
# A chunk whose conversion failed is leaked whole, never freed.
f=$(($(shares) - f0)) l=$(($(cat $C/leaked_pages) - l0))
echo "# pool: grow: $f conversions failed by fail-nth, $l pages leaked"
[ "$f" -ge 1 ] && [ "$l" = $((f * 256)) ] ||
	fail "pool: grow: $f failed conversions, $l leaked pages (want 256 each, at least 1)"
# A mapping for DMA_FROM_DEVICE of a private buffer full of a secret:
# whether or not it succeeds, the host never sees a byte of the secret.
./cvm_failnth -r -c "$pool" -u "r=\$(cat $HB); id=\${r%% *};
	echo \"host-read \$id\" >$HB && [ \"\$(cat $HB)\" = 'zero 4096' ] &&
	echo \"unmap \$id\" >$HB && [ \"\$(cat $HB)\" = ok ]" \
	write $HB "map 4096 from 0" || fail "pool: map"

echo "cvmguard-guest: fault injection ends" >/dev/kmsg
rmmod cvm_hostsim_bounce cvm_hostsim cvm_bounce cvm_convert

# Linux 6.1's SLUB leaks a cache's kobject name when sysfs_slab_add()
# fails (no kobject_put() after kobject_init_and_add() fails), so every
# injected fault there leaks a few bytes of the kernel's own. Those are
# counted and cleared; any other unreferenced object fails the test here
# (and the runner's final scan catches what is left after this).
if [ -w $D/kmemleak ]; then
	echo scan >$D/kmemleak
	sleep 6
	echo scan >$D/kmemleak
	cat $D/kmemleak >/tmp/leaks
	awk '/^unreferenced object/ { if (b != "") print b; b = $0; next }
	     { b = b "\\n" $0 } END { if (b != "") print b }' /tmp/leaks >/tmp/leak_blocks
	known=$(grep -c 'sysfs_slab_add' /tmp/leak_blocks)
	others=$(grep -vc 'sysfs_slab_add' /tmp/leak_blocks)
	echo "# kmemleak: $known objects of the kernel's sysfs_slab_add() leak, $others others"
	[ "$others" -eq 0 ] || { grep -v 'sysfs_slab_add' /tmp/leak_blocks | head -n 5; fail "kmemleak"; }
	echo clear >$D/kmemleak
fi
finish
