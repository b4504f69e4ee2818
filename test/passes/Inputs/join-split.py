#!/usr/bin/env python3
"""Joins the modules of a `-split-input-file` output into one module.

A numeric test keeps its train functions and its `main` in separate chunks,
so that `main` can call a function with the signature autodiff gives it (a
private declaration in main's chunk). This drops each declaration whose
function another chunk defines and prints one module with every function.
"""
import re
import sys

text = open(sys.argv[1]).read()
bodies = []
for chunk in text.split("// -----"):
    lines = chunk.strip().splitlines()
    if not lines:
        continue
    assert lines[0].startswith("module") and lines[-1] == "}", chunk[:80]
    bodies.append(lines[1:-1])

defined = set()
for body in bodies:
    for line in body:
        m = re.match(r"\s*func\.func (?:public )?@([\w.$]+)\(", line)
        if m:
            defined.add(m.group(1))

print("module {")
for body in bodies:
    for line in body:
        m = re.match(r"\s*func\.func private @([\w.$]+)\(", line)
        if m and m.group(1) in defined:
            continue
        print(line)
print("}")
