#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Every check of the spec, against the live kernel (ynl_cli.sh).

    python3 - CLI SPEC < ynl_checks.py

For each attribute an op's do request takes, each of its checks in the
spec (min, max, max-len) is broken by one, with the kernel's own YNL
library (beside CLI) encoding the request from SPEC, and the kernel must
refuse with the error netlink's policy validation gives for that check:
ERANGE for an integer out of range, EINVAL for a string too long. A check
the kernel does not enforce, or enforces differently, fails here. Nothing
is ever accepted, so the admin ops change nothing. TAP lines on stdout,
exit status 1 on any failure.
"""
import errno
import os
import sys

import yaml

cli, spec_path = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.dirname(cli))
from lib import YnlFamily, NlError  # noqa: E402  (the CLI's directory)

LIMITS = {'u8': 0xff, 'u16': 0xffff, 'u32': 0xffffffff,
          'u64': 0xffffffffffffffff}


def cases(spec):
    sets = {s['name']: {a['name']: a for a in s['attributes']}
            for s in spec['attribute-sets']}
    for op in spec['operations']['list']:
        req = op.get('do', {}).get('request', {}).get('attributes', [])
        for name in req:
            attr = sets[op['attribute-set']][name]
            checks = attr.get('checks', {})
            if 'max' in checks and checks['max'] < LIMITS[attr['type']]:
                yield (op['name'], name, checks['max'] + 1, errno.ERANGE,
                       'max %d' % checks['max'])
            if checks.get('min', 0) > 0:
                yield (op['name'], name, checks['min'] - 1, errno.ERANGE,
                       'min %d' % checks['min'])
            if 'max-len' in checks:
                yield (op['name'], name, 'x' * (checks['max-len'] + 1),
                       errno.EINVAL, 'max-len %d' % checks['max-len'])
            unknown = set(checks) - {'min', 'max', 'max-len'}
            if unknown:
                yield (op['name'], name, None, None,
                       'checks this test does not know: %s' %
                       ', '.join(sorted(unknown)))


def main():
    with open(spec_path, encoding='utf-8') as f:
        spec = yaml.safe_load(f)
    ynl = YnlFamily(spec_path, '')
    todo = list(cases(spec))
    print('1..%d' % len(todo))
    failed = 0
    for i, (op, attr, value, want, what) in enumerate(todo, 1):
        desc = '%s %s: %s broken by one' % (op, attr, what)
        if want is None:
            got = 'not tested'
        else:
            try:
                ynl.do(op, {attr: value})
                got = 'accepted'
            except NlError as e:
                got = os.strerror(e.error)
                if e.error == want:
                    print('ok %d %s' % (i, desc))
                    continue
        failed += 1
        print('not ok %d %s: expected %s, got %s' %
              (i, desc, os.strerror(want) if want else 'a known check', got))
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
