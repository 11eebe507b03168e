"""Builds the Python package `mx` with the project's CMake (docs/Python.md,
"Installing").

`pip install --no-build-isolation .` configures a build of MX (or reuses the
one named by MX_BUILD_DIR), builds only the target MXPythonModules and
installs python/mx with the extension mx._mx. Environment:
  MX_BUILD_DIR   an existing or new CMake build directory (default: one under
                 setuptools' build_temp)
  MLIR_DIR       MLIR's CMake package (default: /usr/lib/llvm-22/lib/cmake/mlir)
  MX_CMAKE_ARGS  extra arguments for the configure step
"""

import os
import shlex
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = os.path.dirname(os.path.abspath(__file__))


class CMakeExtension(Extension):
    def __init__(self, name):
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        build = os.environ.get("MX_BUILD_DIR") or os.path.join(
            os.path.abspath(self.build_temp), "mx-cmake")
        build = os.path.abspath(build)
        os.makedirs(build, exist_ok=True)
        if not os.path.exists(os.path.join(build, "CMakeCache.txt")):
            args = ["cmake", "-S", ROOT, "-B", build,
                    "-DCMAKE_BUILD_TYPE=Release",
                    "-DMLIR_DIR=" + os.environ.get(
                        "MLIR_DIR", "/usr/lib/llvm-22/lib/cmake/mlir"),
                    "-DMX_PYTHON_EXECUTABLE=" + sys.executable]
            if shutil.which("ninja"):
                args += ["-G", "Ninja"]
            args += shlex.split(os.environ.get("MX_CMAKE_ARGS", ""))
            subprocess.check_call(args)
        subprocess.check_call(["cmake", "--build", build, "--target",
                               "MXPythonModules"])
        package = os.path.join(build, "python_packages", "mx")
        built = [f for f in os.listdir(package)
                 if f.startswith("_mx") and f.endswith(".so")]
        if len(built) != 1:
            raise RuntimeError(
                f"{package}: expected one _mx*.so, found {built}; was the "
                "package enabled (pybind11, numpy and the Python development "
                "files of this interpreter)?")
        dest = self.get_ext_fullpath(ext.name)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        shutil.copyfile(os.path.join(package, built[0]), dest)


setup(
    packages=["mx"],
    package_dir={"": "python"},
    ext_modules=[CMakeExtension("mx._mx")],
    cmdclass={"build_ext": CMakeBuild},
    zip_safe=False,
)
