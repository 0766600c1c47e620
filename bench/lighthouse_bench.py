"""Lighthouse 12 (mobile) on the home, catalogue and listing pages.

Builds a fresh database with the demo data in a temporary folder, serves it on a free port
on 127.0.0.1 (gunicorn with the repository's gunicorn.conf.py, as production does; the
Flask server when gunicorn is absent), and runs the pinned ``lighthouse`` from
node_modules with Debian's chromium (CHROME_PATH, headless flags, mobile form factor and
Lighthouse's default simulated slow-4G throttling). Prints, for each page and category:

    lighthouse_<page>_<category>: <score 0..1>

with <category> one of performance, accessibility, best_practices, seo, and on stderr the
audits that cost points. Reports (JSON) are kept in bench/out/lighthouse/.

Usage: ``.venv/bin/python bench/lighthouse_bench.py [--runs 1] [--keep]``
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
OUT = ROOT / "bench" / "out" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync "
    "--disable-dev-shm-usage"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def flask(env: dict, *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "marketplace", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def start_server(env: dict, port: int) -> tuple[subprocess.Popen, str]:
    try:
        import gunicorn  # noqa: F401

        have_gunicorn = (ROOT / "gunicorn.conf.py").exists()
    except ImportError:
        have_gunicorn = False
    if have_gunicorn:
        env = dict(env, GUNICORN_BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="1")
        cmd = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")]
        kind = "gunicorn"
    else:
        cmd = [
            sys.executable,
            "-m",
            "flask",
            "--app",
            "marketplace",
            "run",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-reload",
        ]
        kind = "flask"
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2).read()
            return proc, kind
        except OSError:
            if proc.poll() is not None:
                raise SystemExit(f"the {kind} server exited with {proc.returncode}") from None
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("the server did not answer /healthz within 30 s")


def first_listing_path(base: str) -> str:
    html = urllib.request.urlopen(base + "/katalog", timeout=10).read().decode()
    match = re.search(r'href="(/produk/\d+[^"]*)"', html)
    if not match:
        raise SystemExit("no listing on the catalogue page: did the demo data load?")
    return match.group(1)


def lighthouse(url: str, report: Path) -> dict:
    env = dict(os.environ, CHROME_PATH=CHROMIUM)
    cmd = [
        "node",
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        "--form-factor=mobile",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
        "--max-wait-for-load=30000",
    ]
    subprocess.run(cmd, env=env, check=True, timeout=300, stdout=subprocess.DEVNULL)
    return json.loads(report.read_text())


def lost_points(result: dict, category: str) -> list[str]:
    audits = result["audits"]
    out = []
    for ref in result["categories"][category]["auditRefs"]:
        audit = audits.get(ref["id"], {})
        score = audit.get("score")
        if ref.get("weight", 0) > 0 and score is not None and score < 1:
            out.append(f"{ref['id']} ({score:.2f}): {audit.get('title', '')}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="runs per page; the median is printed")
    parser.add_argument("--keep", action="store_true", help="keep the temporary database folder")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        raise SystemExit(
            "node_modules/lighthouse is missing: run `npm ci --ignore-scripts` (make bench does)"
        )
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing: run .ci/install-browser.sh")

    work = Path(tempfile.mkdtemp(prefix="lighthouse-bench-"))
    env = dict(
        os.environ,
        APP_ENV="development",
        SECRET_KEY="lighthouse-bench",
        DATABASE_URL=f"sqlite:///{work / 'bench.sqlite3'}",
        MEDIA_ROOT=str(work / "media"),
        RATELIMIT_ENABLED="false",
    )
    env.pop("REDIS_URL", None)
    flask(env, "db", "upgrade")
    flask(env, "demo", "load")
    port = free_port()
    server, kind = start_server(env, port)
    base = f"http://127.0.0.1:{port}"
    print(f"# lighthouse 12 mobile against {kind} on {base} (demo data)", file=sys.stderr)
    OUT.mkdir(parents=True, exist_ok=True)
    try:
        pages = {"home": "/", "catalogue": "/katalog", "listing": first_listing_path(base)}
        for page, path in pages.items():
            runs = []
            for i in range(args.runs):
                runs.append(lighthouse(base + path, OUT / f"{page}-{i}.json"))
            for category in CATEGORIES:
                scores = sorted(r["categories"][category]["score"] or 0 for r in runs)
                median = scores[len(scores) // 2]
                print(f"lighthouse_{page}_{category.replace('-', '_')}: {median:.2f}", flush=True)
                for line in lost_points(runs[0], category):
                    print(f"#   {page} {category}: {line}", file=sys.stderr)
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
