"""PyTorch at its best on the host it runs on, for the examples' PyTorch
references and bench/torch_bench.py (/work/shared/TOOLCHAIN.md):

    import torch_setup
    torch_setup.configure(threads)   # before `import torch`
    import torch
    torch_setup.kernels()            # what ATen and the BLAS use, a dict

configure() sets the environment that Debian's PyTorch 1.13 reads when it
is loaded: OpenBLAS neither pinned to a core type nor sized for other
caches (OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset, as some machines set
them), OPENBLAS_NUM_THREADS = the thread count (torch.set_num_threads does
not size OpenBLAS's own pool), and ATEN_CPU_CAPABILITY from the host's
/proc/cpuinfo flags: avx512 only where AVX-512 F, BW, VL and DQ all are
(PyTorch 1.13 takes the variable at its word and dies with SIGILL on a host
without them), else avx2 where AVX2 and FMA are, else default. Nothing here
imports torch."""
import ctypes
import os

ATEN_NEEDS = {"avx512": ("avx512f", "avx512bw", "avx512vl", "avx512dq"),
              "avx2": ("avx2", "fma")}


def cpu_flags():
    """The feature flags of the first CPU in /proc/cpuinfo, a set."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def aten_capability(flags=None):
    """The widest of PyTorch 1.13's CPU capabilities the host has."""
    flags = cpu_flags() if flags is None else flags
    for name, needs in ATEN_NEEDS.items():
        if all(f in flags for f in needs):
            return name
    return "default"


def configure(threads):
    for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        os.environ.pop(k, None)
    os.environ["OPENBLAS_NUM_THREADS"] = str(threads)
    os.environ["ATEN_CPU_CAPABILITY"] = aten_capability()


def kernels():
    """What the PyTorch of this process uses, once torch is imported:
    {"torch": version, "aten_env": ATEN_CPU_CAPABILITY as set, "aten": the
    capability ATen reports (torch.__config__.show(); PyTorch 1.13 has no
    torch.backends.cpu.get_cpu_capability), "blas": the BLAS library and
    version, "blas_core": OpenBLAS's kernels (threadpoolctl if installed,
    else openblas_get_corename through ctypes), "blas_threads"}."""
    import torch
    info = {"torch": torch.__version__,
            "aten_env": os.environ.get("ATEN_CPU_CAPABILITY", "(unset)")}
    getter = getattr(getattr(torch.backends, "cpu", None),
                     "get_cpu_capability", None)
    if getter:
        info["aten"] = getter()
    else:
        for line in torch.__config__.show().splitlines():
            if "CPU capability usage" in line:
                info["aten"] = line.split(":", 1)[1].strip()
    try:
        import threadpoolctl
        for lib in threadpoolctl.threadpool_info():
            if lib.get("user_api") == "blas":
                info["blas"] = (f"{lib.get('internal_api')} "
                                f"{lib.get('version') or ''}").strip()
                info["blas_path"] = lib.get("filepath")
                info["blas_core"] = lib.get("architecture")
                info["blas_threads"] = lib.get("num_threads")
                break
    except ImportError:
        pass
    if "blas_core" not in info:
        try:
            blas = ctypes.CDLL("libblas.so.3")
            name = blas.openblas_get_corename
            name.restype = ctypes.c_char_p
            info["blas"] = "openblas"
            info["blas_core"] = name().decode()
        except (OSError, AttributeError):
            info.setdefault("blas", "not OpenBLAS (libblas.so.3 has no "
                            "openblas_get_corename)")
    return info
