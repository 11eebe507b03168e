# -*- Python -*-
import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "MX"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.mx_obj_root, "test")
config.excludes = ["CMakeLists.txt", "README.md", "lit.cfg.py", "lit.site.cfg.py",
                   "Inputs", "Unit"]

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(("%mx_src_root", config.mx_src_root))

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
# Sampling of the differential suites (utils/sanitize.sh, docs/Robustness.md).
llvm_config.with_system_environment(["MX_DIFF_SAMPLE", "MX_DIFF_SEED"])
llvm_config.use_default_substitutions()  # FileCheck, not, count, split-file

# Strict FileCheck: variables do not leak across CHECK-LABELs.
config.environment["FILECHECK_OPTS"] = "-enable-var-scope --allow-unused-prefixes=false"

# The runner invocation of test/Integration; before the tool substitutions,
# which then resolve its mlir-runner.
config.substitutions.append(
    ("%mx_runner", "mlir-runner -e main -entry-point-result=void "
     "-shared-libs=%mlir_runner_utils,%mlir_c_runner_utils"))
# The same for code compiled with mx-cpu-pipeline{threads}, which also calls
# MLIR's async runtime; -O0 runs LLVM's O0 pipeline, whose coroutine passes
# lower the async tasks (without an -O level none runs).
config.substitutions.append(
    ("%mx_async_runner", "mlir-runner -O0 -e main -entry-point-result=void "
     "-shared-libs=%mlir_runner_utils,%mlir_c_runner_utils,%mlir_async_runtime"))

tool_dirs = [config.mx_tools_dir, config.llvm_tools_dir]
tools = ["mx-quant", "mx-opt", "mx-run", "mx-warp-sim", "mx-capi-test", "count", "not", "split-file",
         "mlir-runner", "mlir-translate", "llc", "llvm-objdump", "mx-bench-gemv",
         "mlir-opt"]  # mlir-opt: upstream's behaviour, for differential tests
tools.append("mx-lsp-server")  # test/mx-lsp-server
llvm_config.add_tool_substitutions(tools, tool_dirs)

# CPU execution (test/Integration): mlir-runner's support libraries.
llvm_lib_dir = os.path.join(os.path.dirname(config.llvm_tools_dir), "lib")
config.substitutions.append(("%mlir_runner_utils", os.path.join(
    llvm_lib_dir, "libmlir_runner_utils.so")))
config.substitutions.append(("%mlir_c_runner_utils", os.path.join(
    llvm_lib_dir, "libmlir_c_runner_utils.so")))
config.substitutions.append(("%mlir_async_runtime", os.path.join(
    llvm_lib_dir, "libmlir_async_runtime.so")))


# The host CPU's feature flags (/proc/cpuinfo's first "flags" line; empty
# where there is none).
def host_cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()
cpu_flags = host_cpu_flags()

# A host with AVX2 runs the x86 targets' integer-dot kernel (mx_x86 ops,
# docs/Lowering.md, "Integer-dot GEMV"); elsewhere LLVM cannot select its
# intrinsics, so tests that run code compiled for target=avx2/avx512 pass
# integer-dot=%intdot (false there) and the kernel's own test requires the
# feature.
host_has_avx2 = "avx2" in cpu_flags
if host_has_avx2:
    config.available_features.add("x86-avx2")
# An AVX-512 host: code generated for its own features may hold zmm and
# mask registers.
if "avx512f" in cpu_flags:
    config.available_features.add("x86-avx512")
# A host with vpdpbusd on 256 bits (AVX512-VNNI with AVX512VL, or AVX-VNNI)
# runs the integer-dot kernel of target=avx512-vnni / avx2-vnni.
if "avx_vnni" in cpu_flags or {"avx512_vnni", "avx512vl"} <= cpu_flags:
    config.available_features.add("x86-vnni")
# A host with AVX512-VBMI and AVX512VL (vpmultishiftqb, vpermi2b on 256
# bits) and vpdpbusd runs the FP6 integer dot of target=avx512-vbmi.
if {"avx512vbmi", "avx512vl", "avx512_vnni"} <= cpu_flags:
    config.available_features.add("x86-vbmi")
config.substitutions.append(
    ("%intdot", "true" if host_has_avx2 else "false"))

# The Python package (python/, test/Python) was built.
if getattr(config, "mx_python_bindings", False):
    config.available_features.add("python-bindings")

# ptxas (CUDA toolkit), for the NVVM tests that assemble the PTX they produce
# (test/Conversion/MXToNVVM): on PATH, else /usr/local/cuda/bin. Without it
# those tests are skipped (CI machines may have no CUDA).
import shutil
ptxas = shutil.which("ptxas", path=os.environ.get("PATH", "")) or next(
    (p for p in ["/usr/local/cuda/bin/ptxas"] if os.access(p, os.X_OK)), None)
if ptxas:
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", ptxas))

# GPU jobs (tools/mx-cuda-run, test/GPU; `ptxas` above builds them).
# `mx-cuda-run`: the runner was built (cuda.h was found). `cuda-device`: the
# runner's probe found a driver and a device; only then do tests run kernels;
# `cuda-sm_XY` names the first device's chip. CI machines have none of these
# and skip those tests.
import re
import subprocess
mx_cuda_run = os.path.join(config.mx_tools_dir, "mx-cuda-run")
if os.access(mx_cuda_run, os.X_OK):
    config.available_features.add("mx-cuda-run")
    config.substitutions.append(("%mx_cuda_run", mx_cuda_run))
    # The stand-in driver of test/GPU/runner-fake-driver.test.
    config.substitutions.append(("%mx_fake_cuda_dir", os.path.join(
        config.mx_obj_root, "lib", "fake-cuda")))
    try:
        probe = subprocess.run([mx_cuda_run, "--probe"], capture_output=True,
                               text=True, timeout=60)
        if probe.returncode == 0:
            config.available_features.add("cuda-device")
            # cuda-sm_90 etc.: the first device's compute capability, since
            # a cubin runs only on its own chip generation.
            m = re.search(r"\((sm_\d+)\)", probe.stdout)
            if m:
                config.available_features.add("cuda-" + m.group(1))
    except (OSError, subprocess.SubprocessError):
        pass
config.substitutions.append(("%mx_gpu_job", "%s %s" % (
    config.python_executable,
    os.path.join(config.mx_src_root, "tools", "mx-cuda-run", "mx-gpu-job.py"))
    + " --bin-dir=" + config.mx_tools_dir))

# The MX tools' directory, for scripts that run several tools
# (utils/mx-diff-fuzz.py in test/Integration/Differential).
config.substitutions.append(("%mx_tools_dir", config.mx_tools_dir))

# libFuzzer targets (fuzz/, built with -DMX_BUILD_FUZZERS=ON and clang;
# docs/Fuzzing.md): test/Fuzz runs each briefly over its seed corpus. The
# normal build has none and skips those tests.
mx_fuzzers = ["mx-fuzz-type-parser", "mx-fuzz-opt", "mx-fuzz-quant",
              "mx-fuzz-quantizer-diff"]
if all(os.access(os.path.join(config.mx_tools_dir, f), os.X_OK)
       for f in mx_fuzzers):
    config.available_features.add("mx-fuzzers")
    llvm_config.add_tool_substitutions(mx_fuzzers, [config.mx_tools_dir])
