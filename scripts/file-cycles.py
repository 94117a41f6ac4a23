#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""No two files of a module call each other in a circle.

    file-cycles.py MODULE_DIR...

Each MODULE_DIR holds one module's built objects (kbuild's *.o, one per
.c). File A calls file B when an undefined symbol of A.o is a function B.o
defines (nm: U in A, T in B). The calls between the files of a module must
form a layered graph: any circle is printed with the functions on each
edge, and the exit status is 1. Data (tables, the family, module state)
is not a call: a generated ops table names its handlers, as the kernel's
own ynl-gen families do. Local headers must not include each other in a
circle either.
"""
import os
import re
import subprocess
import sys


def symbols(obj):
    out = subprocess.run(['nm', obj], capture_output=True, text=True,
                         check=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3 and f[1] == 'T':
            defined.add(f[2])
        elif len(f) == 2 and f[0] == 'U':
            undefined.add(f[1])
    return defined, undefined


def circles(graph):
    """Tarjan: the strongly connected components of more than one node."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def check(what, graph, label):
    bad = circles(graph)
    for comp in bad:
        print('file-cycles: %s: %s call each other in a circle:' %
              (what, ', '.join(comp)))
        for a in comp:
            for b in sorted(graph[a] & set(comp)):
                print('    %s -> %s: %s' % (a, b, label(a, b)))
    return bool(bad)


def main():
    failed = False
    for mod in sys.argv[1:]:
        objs = sorted(f for f in os.listdir(mod) if f.endswith('.o') and
                      not f.endswith('.mod.o') and
                      os.path.exists(os.path.join(mod, f[:-2] + '.c')))
        if not objs:
            sys.exit('file-cycles: no objects in %s (build first)' % mod)
        syms = {o: symbols(os.path.join(mod, o)) for o in objs}
        calls = {a: {b for b in objs if b != a and syms[a][1] & syms[b][0]}
                 for a in objs}
        bad = check(mod, calls, lambda a, b: ', '.join(
            sorted(syms[a][1] & syms[b][0])))
        heads = [f for f in os.listdir(mod) if f.endswith('.h')]
        inc = {}
        for h in heads:
            with open(os.path.join(mod, h), encoding='utf-8') as f:
                inc[h] = set(re.findall(r'^#include "([^"/]+)"', f.read(),
                                        re.M)) & set(heads)
        bad |= check(mod, inc, lambda a, b: '#include')
        if not bad:
            print('file-cycles: %s: %d files, %d calls between them, '
                  'no circle' % (mod, len(objs),
                                 sum(len(v) for v in calls.values())))
        failed |= bad
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
