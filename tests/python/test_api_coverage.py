# BioXen — biological hypervisor simulator.
# SPDX-License-Identifier: MIT
"""Every public name of bioxen._bioxen, and every member of its classes and enums, is named in
a test_api_*.py file; every package name is importable and the package is complete."""

from __future__ import annotations

import inspect
import pathlib
import re

import bioxen
from bioxen import _bioxen, errors

HERE = pathlib.Path(__file__).resolve().parent
# Names every pybind11 class has (its machinery, not the API) and Python's own dunders.
MACHINERY = {"name", "value"}


def suite_text():
    files = sorted(HERE.glob("test_api_*.py"))
    files = [f for f in files if f.name != pathlib.Path(__file__).name]
    assert len(files) >= 10
    return "\n".join(f.read_text() for f in files)


def mentioned(text, name):
    return re.search(r"(?<![A-Za-z0-9_])" + re.escape(name) + r"(?![A-Za-z0-9_])", text)


def public(obj):
    return [n for n in dir(obj) if not n.startswith("_")]


def test_every_module_name_is_tested():
    text = suite_text()
    missing = [n for n in public(_bioxen) if not mentioned(text, n)]
    assert missing == []


def test_every_class_member_is_tested():
    text = suite_text()
    missing = []
    for name in public(_bioxen):
        obj = getattr(_bioxen, name)
        if not inspect.isclass(obj):
            continue
        own = set(vars(obj))
        for member in public(obj):
            if member in MACHINERY and member not in own:
                continue
            if member not in own and not any(member in vars(b) for b in obj.__mro__[1:]
                                             if b.__module__.startswith("bioxen")):
                continue  # inherited from object/enum machinery
            if not mentioned(text, member):
                missing.append(f"{name}.{member}")
    assert missing == []


def test_every_exception_class_is_tested():
    text = suite_text()
    missing = [n for n in errors.__all__ if not mentioned(text, n)]
    assert missing == []


def test_package_namespace():
    for name in bioxen.__all__:
        assert hasattr(bioxen, name), name
    for name in public(_bioxen):
        assert getattr(bioxen, name) is getattr(_bioxen, name) or name == "Recorder", name
    assert issubclass(bioxen.Recorder, _bioxen.Recorder)
    assert bioxen.__version__ == _bioxen.__version__
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", bioxen.__version__)
    for name in errors.__all__:
        assert name in bioxen.__all__
    assert "record" in bioxen.__all__ and "Recorder" in bioxen.__all__
    assert bioxen.__doc__ and "BioXenHypervisor" in bioxen.__doc__


def test_the_package_docstring_example_runs():
    doc = bioxen.__doc__
    code = "\n".join(line[4:] for line in doc.splitlines() if line.startswith("    "))
    namespace = {}
    exec(compile(code, "bioxen.__doc__", "exec"), namespace)  # noqa: S102
    hv = namespace["hv"]
    assert hv.virtual_seconds == 60.0 and hv.get_vm_state("guest") == bioxen.VMState.running
