"""First start as a newcomer has it: ``make run`` in a fresh clone until the first 200.

Clones the repository's HEAD into a temporary folder, runs ``make run`` there on a free
127.0.0.1 port and polls ``/`` until it answers 200 (bounded by ``--timeout``), reading the
stage lines ("[1/4] …") as they come to time each stage. Packages come from the installer's
local cache where it has them (uv: ~/.cache/uv; pip: ~/.cache/pip), as the issue allows;
the first run on a machine downloads them. Prints, as ``name: value``:

- ``cold_start_s``: fresh clone to the first 200 (seconds);
- ``install_s``, ``migrate_s``, ``demo_load_s``, ``serve_s``: the stages of that run, each
  from its stage line to the next (``demo_load_s`` is ``flask demo load``, start-up of the
  command included; ``serve_s`` the server's start and the first page);
- ``load_average_1m``: the machine's load when it ended (other work slows every figure);
- ``cold_start_installer``: uv, or pip when ``--no-uv`` (NO_UV=1) or uv was not usable.

    .venv/bin/python bench/cold_start.py [--no-uv] [--timeout 900] [--keep]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAGES = {"[1/4]": "install", "[2/4]": "migrate", "[3/4]": "demo_load", "[4/4]": "serve"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers_200(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status == 200
    except OSError:
        return False


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-uv", action="store_true", help="install with pip (NO_UV=1)")
    ap.add_argument("--timeout", type=float, default=900, help="give up after this (s)")
    ap.add_argument("--keep", action="store_true", help="keep the clone (prints its path)")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="etalase-cold-"))
    clone = tmp / "etalase"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "DATABASE_URL")}
    if args.no_uv:
        env["NO_UV"] = "1"
    marks: dict[str, float] = {}
    log: list[str] = []
    proc = None
    t0 = time.monotonic()
    try:
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        proc = subprocess.Popen(
            ["make", "run", "HOST=127.0.0.1", f"PORT={port}"],
            cwd=clone,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its own process group: make, flask and the server
        )

        def read() -> None:
            for line in proc.stdout:
                log.append(line)
                for tag, stage in STAGES.items():
                    if line.startswith(tag):
                        marks.setdefault(stage, time.monotonic())

        threading.Thread(target=read, daemon=True).start()
        url = f"http://127.0.0.1:{port}/"
        while not answers_200(url):
            if proc.poll() is not None:
                sys.stderr.write("".join(log[-40:]))
                raise SystemExit(f"make run exited with {proc.returncode} before serving")
            if time.monotonic() - t0 > args.timeout:
                sys.stderr.write("".join(log[-40:]))
                raise SystemExit(f"no 200 from {url} within {args.timeout:.0f} s")
            time.sleep(0.5)
        done = time.monotonic()
    finally:
        if proc is not None and proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        if args.keep:
            (tmp / "make-run.log").write_text("".join(log))
            print(f"clone kept in {clone}, output in {tmp / 'make-run.log'}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    marks["done"] = done
    print(f"cold_start_s: {done - t0:.1f}")
    order = ["install", "migrate", "demo_load", "serve", "done"]
    for stage, following in zip(order, order[1:], strict=False):
        if stage in marks and following in marks:
            print(f"{stage}_s: {marks[following] - marks[stage]:.1f}")
    print(f"load_average_1m: {os.getloadavg()[0]:.1f}")  # other work on the machine meanwhile
    used_pip = args.no_uv or any("memakai pip" in line for line in log)
    print(f"cold_start_installer: {'pip' if used_pip else 'uv'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
