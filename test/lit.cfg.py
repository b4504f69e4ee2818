# -*- Python -*-
import os
import lit.formats
from lit.llvm import llvm_config

config.name = "deepc"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".nn", ".test"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py", "unit"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.deepc_obj_root, "test")

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%deepc_src", config.deepc_src_root))
config.substitutions.append(("%python", "/usr/bin/python3"))
llvm_config.with_system_environment(["HOME", "TMPDIR"])
llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.deepc_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
tool_dirs = [config.deepc_tools_dir, config.llvm_tools_dir]
llvm_config.add_tool_substitutions(["deepc", "deepc-opt"], tool_dirs)

# deepc built with MPI and Open MPI's launcher installed (scripts/setup.sh):
# the data-parallel tests of test/e2e/mpi. The launcher runs as root in CI;
# --oversubscribe lets three ranks share two cores.
import shutil
if getattr(config, "deepc_have_mpi", False) and shutil.which("mpirun"):
    config.available_features.add("mpi")
    mpirun = "mpirun --allow-run-as-root --oversubscribe --bind-to none"
    # Open MPI leaves allocations of its own at exit (in libmpi and in the
    # plugins it unloads, which LeakSanitizer cannot name): in the sanitizer
    # build (scripts/sanitize.sh) the ranks report memory errors but not
    # leaks. deepc run alone keeps leak detection.
    asan = config.environment.get("ASAN_OPTIONS")
    if asan:
        mpirun += " -x ASAN_OPTIONS=" + asan + ":detect_leaks=0"
    config.substitutions.append(("%mpirun", mpirun))
