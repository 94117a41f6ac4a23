#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Drive the Secure Boot image's serial console (scripts/secureboot.sh).

Starts QEMU (the command after --), waits for the guest's stage 1
(scripts/secureboot-stage.sh), then answers shim's MokManager as an
operator at the console would: a key at its countdown, "Enroll MOK",
"Continue", "Yes", the password, "Reboot"; then waits for stage 2 and
its selftests. Exit 0 only when both stages report no failure and the
selftests' TAP says none failed. The console is copied to --log.
"""
import argparse
import re
import sys
import time

import pexpect

DOWN = "\x1b[B"
ENTER = "\r"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--password", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--timeout", type=int, default=1800,
                    help="seconds for each boot to reach its stage's end")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    log = open(a.log, "w", encoding="utf-8", errors="replace")
    q = pexpect.spawn(cmd[0], cmd[1:], encoding="utf-8",
                      codec_errors="replace", timeout=a.timeout)
    q.logfile_read = log
    t0 = time.monotonic()

    def step(what):
        print(f"secureboot: {time.monotonic() - t0:6.0f} s  {what}",
              file=sys.stderr, flush=True)

    def expect(pattern, what, timeout=None):
        try:
            q.expect(pattern, timeout=timeout)
        except (pexpect.TIMEOUT, pexpect.EOF) as e:
            step(f"FAIL: {what}: {type(e).__name__} (console: {a.log})")
            q.terminate(force=True)
            sys.exit(1)
        return q.match

    def stage_end(n):
        m = expect(rf"cvm-sb: stage {n}: (\d+) failed", f"stage {n} end")
        fails = int(m.group(1))
        step(f"stage {n}: {fails} failed")
        return fails

    expect(r"cvm-sb: stage 1, kernel", "stage 1 start (shim, GRUB, kernel)")
    step("stage 1 began: shim, GRUB and Debian's kernel booted")
    if stage_end(1):
        q.terminate(force=True)
        return 1
    # MokManager, started by shim because MokNew is set. Each screen is
    # answered only once its text is on the console.
    expect(r"Press any key to perform MOK management", "MokManager prompt", 600)
    step("MokManager")
    q.send(" ")
    expect(r"Enroll MOK", "MokManager main menu", 60)
    time.sleep(1)
    q.send(DOWN)
    q.send(ENTER)
    expect(r"Continue", "Enroll MOK screen", 60)
    expect(r"View key 0|Continue", "Enroll MOK items", 5)
    time.sleep(1)
    q.send(DOWN)
    q.send(ENTER)
    expect(r"Enroll the key", "confirmation", 60)
    time.sleep(1)
    q.send(DOWN)
    q.send(ENTER)
    expect(r"Password", "password prompt", 60)
    time.sleep(1)
    for c in a.password:
        q.send(c)
        time.sleep(0.1)
    q.send(ENTER)
    expect(r"Reboot", "reboot item", 60)
    time.sleep(1)
    q.send(ENTER)
    step("key enrolled in MokManager, rebooting")
    expect(r"cvm-sb: stage 2, kernel", "stage 2 start")
    fails = stage_end(2)
    out = q.before or ""
    tap = re.search(r"# (\d+) passed, (\d+) failed, (\d+) skipped", out)
    if not tap:
        step("FAIL: no selftest totals in stage 2")
        fails += 1
    else:
        step(f"selftests: {tap.group(0)[2:]}")
        if int(tap.group(2)):
            fails += 1
    q.expect(pexpect.EOF, timeout=300)
    log.close()
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
