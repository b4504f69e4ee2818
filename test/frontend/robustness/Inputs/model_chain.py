#!/usr/bin/python3
"""model_chain.py COUNT [reverse]: COUNT models m0..m{COUNT-1}, each model
m<i> returning m<i-1>(x) + 1.0 and m0 returning relu(x), printed in that
order or, with `reverse`, callers first."""
import sys

count = int(sys.argv[1])
order = range(count)
if sys.argv[2:] == ["reverse"]:
    order = reversed(order)
for i in order:
    body = "m%d(x) + 1.0" % (i - 1) if i else "relu(x)"
    print("model m%d(x: f32[N, 4]) -> f32[N, 4] {\n  return %s\n}" % (i, body))
