#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Run one do op and print the notifications it caused (ynl_cli.sh).

    python3 - CLI SPEC GROUP OP JSON < ynl_ntf.py

The kernel's YNL library (beside CLI) subscribes one socket to GROUP,
then sends OP with the attributes JSON from a second socket, and prints
the notifications the first received, as JSON. Two sockets because the
library of Linux 6.12 fails when a notification arrives on the socket of
a request before the request's ACK (`--subscribe` with `--do`).
"""
import json
import os
import sys

cli, spec, group, op, attrs = sys.argv[1:6]
sys.path.insert(0, os.path.dirname(cli))
from lib import YnlFamily  # noqa: E402  (the CLI's directory)

listener = YnlFamily(spec, '')
listener.ntf_subscribe(group)
YnlFamily(spec, '').do(op, json.loads(attrs))
listener.check_ntf()
print(json.dumps(listener.async_msg_queue))
