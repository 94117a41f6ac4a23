#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# cvmctl's platform answer agrees with `systemd-detect-virt --cvm`
# (systemd 254 from bookworm-backports, scripts/systemd-cvm.sh) on the
# technologies both name; both exit non-zero on a guest that is no CVM.
. ./lib.sh

command -v systemd-detect-virt >/dev/null ||
	skip "no systemd-detect-virt in this guest"

sd=$(systemd-detect-virt --cvm)
sd_rc=$?
ours=$(cvmctl -j status | jq -r .technology)
echo "# systemd-detect-virt --cvm: '$sd' (exit $sd_rc); cvmctl: '$ours'"
case $ours in
# systemd has no name for Hyper-V VBS isolation: it says none.
hyperv-isolated) expect_eq "systemd on a VBS-isolated guest" none "$sd" ;;
*) expect_eq "technology" "$sd" "$ours" ;;
esac

cvmctl status --check >/dev/null 2>&1
ck_rc=$?
if [ "$sd" = none ]; then
	expect_eq "systemd-detect-virt exit on a non-CVM" 1 "$sd_rc"
	[ "$ck_rc" -ne 0 ] || fail "status --check passed on a guest systemd calls no CVM"
else
	expect_eq "systemd-detect-virt exit on a CVM" 0 "$sd_rc"
fi
finish
