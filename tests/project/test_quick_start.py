"""The README's quick start stays two commands, and `make run` says what it is doing."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_quick_start_is_exactly_make_run_and_make_test_and_names_host_and_port():
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"## Quick start\n+```sh\n(.*?)```", readme, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["make run", "make test"]
    assert "HOST=" in readme and "PORT=" in readme


def _dry_run(*targets: str) -> str:
    # -B: as on a fresh clone (every target out of date); -n: print, run nothing
    return subprocess.run(
        ["make", "-n", "-B", *targets],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout


def test_make_run_prints_a_line_per_stage_and_installs_with_uv_or_pip():
    out = _dry_run("run")
    stages = re.findall(r"\[(\d)/4\]", out)
    assert stages == ["1", "2", "3", "4"]
    uv = re.search(r'pip install --quiet "uv==(\d+\.\d+\.\d+)"', out)
    assert uv, "uv is bootstrapped from PyPI at a pinned version"
    assert out.index("uv pip install") < out.index("pip install --progress-bar on -r")


def test_make_test_installs_missing_parts_before_pytest():
    out = _dry_run("test")
    assert out.index("tests/testparts.py install") < out.index("-m pytest")
