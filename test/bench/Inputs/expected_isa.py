"""Prints `expect ISA`: the ISA bench/fma_peak.c should pick on this host
from /proc/cpuinfo's flags (avx512f, else avx2 with fma, else sse2)."""
flags = set()
with open("/proc/cpuinfo") as f:
    for line in f:
        if line.startswith("flags"):
            flags = set(line.split(":", 1)[1].split())
            break
if "avx512f" in flags:
    print("expect avx512f")
elif {"avx2", "fma"} <= flags:
    print("expect avx2")
else:
    print("expect sse2")
