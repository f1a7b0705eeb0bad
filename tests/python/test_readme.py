# BioXen — biological hypervisor simulator.
# SPDX-License-Identifier: MIT
"""The README's and docs/PYTHON.md's Python programs run and print what the README says."""

import contextlib
import io
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def python_blocks(markdown: str):
    """The ```python blocks of a Markdown text, each with the ```text block after it (or None)."""
    blocks = []
    for m in re.finditer(r"```python\n(.*?)```", markdown, re.S):
        after = markdown[m.end():]
        text = re.match(r"\s*It prints:\s*```text\n(.*?)```", after, re.S)
        blocks.append((m.group(1), text.group(1) if text else None))
    return blocks


def run(code: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<readme>", "exec"), {"__name__": "__readme__"})  # noqa: S102
    return out.getvalue()


def test_readme_first_python_program_prints_what_the_readme_says():
    blocks = python_blocks((ROOT / "README.md").read_text(encoding="utf-8"))
    assert blocks, "README.md has no ```python block"
    code, expected = blocks[0]
    assert expected is not None, "README's Python program has no 'It prints:' block"
    assert run(code) == expected


def test_python_guide_first_program_runs():
    text = (ROOT / "docs" / "PYTHON.md").read_text(encoding="utf-8")
    section = text.split("## A first program", 1)[1].split("\n## ", 1)[0]
    (code, _), = python_blocks(section)
    namespace_out = run(code + "\nassert status.amino_acids > 0 and host.doubling_time_min > 0\n")
    lines = namespace_out.strip().splitlines()
    assert len(lines) == 2
    assert int(lines[0].split()[0]) > 0
