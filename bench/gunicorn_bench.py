"""Exports of 200,000 rows under the README's deployment command (gunicorn, gthread workers).

Run from the project root:  .venv/bin/python bench/gunicorn_bench.py [--projects 200000]

Builds a scratch SQLite database of synthetic projects (labelled as such), starts gunicorn
exactly as the README's deployment section does (DEBUG=0, ACCSM_CACHE=database), then prints
for the CSV and XLSX exports of /projects/ the HTTP status, rows, bytes and wall time, and the
dashboard's response time while two exports run at once.
"""

import argparse
import os
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README_COMMAND = "--worker-class gthread --workers 3 --threads 4 --timeout 60 --graceful-timeout 60"
HEADERS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> tuple[int, int, float]:
    started = time.perf_counter()
    request = urllib.request.Request(url, headers=HEADERS)
    size = 0
    with urllib.request.urlopen(request, timeout=600) as response:
        while chunk := response.read(1 << 16):
            size += len(chunk)
        status = response.status
    return status, size, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=200_000)
    parser.add_argument("--plans", type=int, default=40)
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="accsm-bench-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{scratch / 'bench.sqlite3'}",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + "k3y" * 20,
        "ALLOWED_HOSTS": "127.0.0.1",
        "TRUSTED_PROXY_COUNT": "1",
        "ACCSM_CACHE": "database",
        "EXPORT_RATE": "100/m",  # the bench's own exports are not what it measures
        "LOG_LEVEL": "WARNING",
    }
    python = sys.executable
    manage = [python, "manage.py"]
    for command in (
        ["migrate", "-v0"],
        ["createcachetable"],
        ["collectstatic", "--noinput", "-v0"],
    ):
        subprocess.run(manage + command, cwd=ROOT, env=env, check=True)
    per_plan = args.projects // args.plans
    started = time.perf_counter()
    subprocess.run(
        manage
        + ["generate_synthetic", "--plans", str(args.plans), "--projects-per-plan", str(per_plan)],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    print(
        f"generated {args.plans} synthetic plans × {per_plan} projects in {time.perf_counter() - started:.1f} s"
    )

    port = free_port()
    gunicorn = [
        str(Path(python).with_name("gunicorn")),
        "accsm.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
    ]
    gunicorn += shlex.split(README_COMMAND)
    print("gunicorn", " ".join(gunicorn[1:]))
    server = subprocess.Popen(gunicorn, cwd=ROOT, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                fetch(base + "/")
                break
            except OSError:
                time.sleep(0.2)
        status, size, seconds = fetch(base + "/")
        print(f"dashboard alone: {status}, {size:,} bytes, {seconds:.2f} s")
        # Every synthetic project, proposals and cancelled ones included: the whole table.
        for fmt in ("csv", "xlsx"):
            status, size, seconds = fetch(f"{base}/projects/?body=synthetic&_export={fmt}")
            print(f"/projects/ export {fmt}: {status}, {size:,} bytes, {seconds:.1f} s")

        results = {}

        def export(fmt):
            results[fmt] = fetch(f"{base}/projects/?body=synthetic&_export={fmt}")

        threads = [threading.Thread(target=export, args=(fmt,)) for fmt in ("csv", "xlsx")]
        for thread in threads:
            thread.start()
        time.sleep(1.0)
        timings = []
        while any(t.is_alive() for t in threads):
            timings.append(fetch(base + "/")[2])
            time.sleep(0.5)
        for thread in threads:
            thread.join()
        if timings:
            timings.sort()
            print(
                f"dashboard during 2 exports: {len(timings)} requests, median "
                f"{timings[len(timings) // 2]:.2f} s, worst {timings[-1]:.2f} s"
            )
        for fmt, (status, size, seconds) in results.items():
            print(f"  concurrent {fmt}: {status}, {size:,} bytes, {seconds:.1f} s")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
