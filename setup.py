# BioXen — biological hypervisor simulator.
# SPDX-License-Identifier: MIT
"""pip install for the Python package (docs/PYTHON.md): `pip install --no-build-isolation .`

The compiled module is built by CMake (the project's own build, Release, the library and the
module only); setuptools packages it with the pure-Python files of python/bioxen. Everything
it needs is in Debian 12: cmake, g++, pybind11-dev, python3-dev, libfmt-dev, libspdlog-dev,
nlohmann-json3-dev, python3-setuptools and python3-wheel.
"""

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, find_packages, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent


def version() -> str:
    """The one version number, from include/bioxen/version.hpp."""
    text = (ROOT / "include" / "bioxen" / "version.hpp").read_text(encoding="utf-8")
    parts = [re.search(rf"^#define BIOXEN_VERSION_{p} (\d+)$", text, re.M).group(1)
             for p in ("MAJOR", "MINOR", "PATCH")]
    return ".".join(parts)


class CMakeExtension(Extension):
    """bioxen._bioxen, built by CMake's bioxen_python target."""

    def __init__(self, name: str) -> None:
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    """Configures and builds the project with CMake, then copies the module into place."""

    def build_extension(self, ext: Extension) -> None:
        target = Path(self.get_ext_fullpath(ext.name)).resolve()
        build_dir = Path(self.build_temp).resolve() / "cmake"
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL", str(os.cpu_count() or 1))
        configure = [
            "cmake", "-S", str(ROOT), "-B", str(build_dir),
            "-DCMAKE_BUILD_TYPE=Release",
            "-DBIOXEN_BUILD_PYTHON=ON",
            "-DBIOXEN_BUILD_TESTS=OFF",
            "-DBIOXEN_BUILD_EXAMPLES=OFF",
            "-DBIOXEN_BUILD_CLI=OFF",
            "-DBIOXEN_BUILD_BENCHMARKS=OFF",
            "-DBIOXEN_INSTALL=OFF",
            "-DBIOXEN_WITH_MPI=OFF",
            f"-DPython_EXECUTABLE={sys.executable}",
        ]
        # Extra CMake arguments, as scikit-build reads them: CMAKE_ARGS="-DCMAKE_BUILD_TYPE=Debug"
        configure += shlex.split(os.environ.get("CMAKE_ARGS", ""))
        subprocess.run(configure, check=True)
        subprocess.run(["cmake", "--build", str(build_dir), "--target", "bioxen_python",
                        "--parallel", jobs], check=True)
        built = sorted((build_dir / "python" / "bioxen").glob("_bioxen*.so"))
        if not built:
            raise RuntimeError(f"the CMake build made no bioxen/_bioxen*.so in {build_dir}")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built[0], target)


setup(
    version=version(),
    packages=find_packages("python"),
    package_dir={"": "python"},
    ext_modules=[CMakeExtension("bioxen._bioxen")],
    cmdclass={"build_ext": CMakeBuild},
    zip_safe=False,
)
