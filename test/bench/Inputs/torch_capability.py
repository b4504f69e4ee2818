import os
import sys

sys.path.insert(0, sys.argv[1])
import torch_setup  # noqa: E402

AVX512 = {"avx512f", "avx512bw", "avx512vl", "avx512dq"}
hosts = [("zen5", AVX512 | {"avx2", "fma", "avx512_bf16"}),
         ("avx512f-only", {"avx512f", "avx2", "fma"}),
         ("zen3", {"avx2", "fma", "avx"}),
         ("avx2-no-fma", {"avx2"}),
         ("none", set())]
for name, flags in hosts:
    print(name, torch_setup.aten_capability(flags))
flags = torch_setup.cpu_flags()
want = ("avx512" if AVX512 <= flags else
        "avx2" if {"avx2", "fma"} <= flags else "default")
print("this-host-agrees", torch_setup.aten_capability() == want)
os.environ["OPENBLAS_CORETYPE"] = "Haswell"
torch_setup.configure(2)
print("configure", f"OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}",
      f"CORETYPE={os.environ.get('OPENBLAS_CORETYPE', 'unset')}")
assert os.environ["ATEN_CPU_CAPABILITY"] == want
assert "torch" not in sys.modules
