"""Serving: the dashboard on the seed data under gunicorn, 2 workers, loaded for ~10 s.

Run by bench/run.py (`.venv/bin/python -m bench.run`), or alone:
    .venv/bin/python -m bench.serve [--seconds 10] [--connections 8] [--tool wrk|python]
(a scratch database: `<DATABASE_URL's name>_bench_seed` on PostgreSQL, else SQLite).

Prepares a scratch database with the seed facts only (migrate, createcachetable,
load_facts, collectstatic, check --deploy), starts gunicorn as the README's deployment
section does but with --workers 2 (DEBUG=0, a strong SECRET_KEY, ALLOWED_HOSTS=127.0.0.1,
TRUSTED_PROXY_COUNT=1, ACCSM_CACHE=database), and loads `/` anonymously with
X-Forwarded-Proto: https (as the TLS proxy sends it, so no HTTPS redirect) using wrk when
it is on PATH (Debian: apt-get install wrk), else Python processes with keep-alive
connections. Errors are responses other than 2xx plus socket errors.
"""

import argparse
import http.client
import multiprocessing
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import (
    ROOT,
    Result,
    describe_url,
    drop_database,
    mark,
    record,
    scratch_database,
    section,
)

GOAL_RPS = 150
WORKERS = "--worker-class gthread --workers 2 --threads 4 --timeout 60 --graceful-timeout 60"
HEADERS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7"}
# wrk counts 3xx as success; this script counts every status outside 2xx, over all threads.
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0 end
function response(status, headers, body)
  if status < 200 or status > 299 then bad = bad + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("bad") end
  io.write(string.format("NON2XX %d\\n", total))
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "TRUSTED_PROXY_COUNT": "1",
        "ACCSM_CACHE": "database",
        "LOG_LEVEL": "WARNING",
    }


def prepare(env: dict[str, str]) -> None:
    manage = [sys.executable, "manage.py"]
    for command in (
        ["migrate", "--noinput", "-v0"],
        ["createcachetable"],
        ["load_facts"],
        ["collectstatic", "--noinput", "-v0"],
    ):
        subprocess.run(manage + command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    check = subprocess.run(
        manage + ["check", "--deploy"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    said = (check.stdout.strip() or check.stderr.strip()).splitlines()
    print(f"check --deploy: {said[-1] if said else check.returncode}")


def get(port: int, path: str = "/") -> tuple[int, int]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=HEADERS)
        response = connection.getresponse()
        return response.status, len(response.read())
    finally:
        connection.close()


def wait_until_up(port: int, server: subprocess.Popen) -> None:
    for _ in range(150):
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            get(port)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 30 s")


def load_wrk(port: int, seconds: int, connections: int) -> tuple[float, int, int, str]:
    """(requests/s, requests, errors, wrk's latency line) from wrk."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(WRK_SCRIPT)
        script.flush()
        command = [
            "wrk",
            f"-t{min(2, connections)}",
            f"-c{connections}",
            f"-d{seconds}s",
            "-s",
            script.name,
        ]
        for name, value in HEADERS.items():
            command += ["-H", f"{name}: {value}"]
        output = subprocess.run(
            command + [f"http://127.0.0.1:{port}/"], capture_output=True, text=True, check=True
        ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    socket_errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    non_2xx = int(re.search(r"NON2XX (\d+)", output).group(1))
    latency = re.search(r"Latency.*", output)
    return rate, requests, socket_errors + non_2xx, latency.group(0) if latency else ""


def _client(port: int, deadline: float, results) -> None:
    ok = errors = 0
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.monotonic() < deadline:
        try:
            connection.request("GET", "/", headers=HEADERS)
            response = connection.getresponse()
            response.read()
            if 200 <= response.status < 300:
                ok += 1
            else:
                errors += 1
            if response.will_close:
                connection.close()
        except (OSError, http.client.HTTPException):
            errors += 1
            connection.close()
    results.put((ok, errors))


def load_python(port: int, seconds: int, connections: int) -> tuple[float, int, int, str]:
    """The same load from Python processes, one keep-alive connection each."""
    results: multiprocessing.Queue = multiprocessing.Queue()
    started = time.monotonic()
    processes = [
        multiprocessing.Process(target=_client, args=(port, started + seconds, results))
        for _ in range(connections)
    ]
    for process in processes:
        process.start()
    totals = [results.get() for _ in processes]
    elapsed = time.monotonic() - started
    for process in processes:
        process.join()
    ok, errors = sum(t[0] for t in totals), sum(t[1] for t in totals)
    return (ok + errors) / elapsed, ok + errors, errors, ""


def run(
    scratch_dir: Path,
    *,
    seconds: int = 10,
    connections: int = 8,
    keep: bool = False,
    tool: str = "auto",
) -> None:
    section(f"gunicorn, seed data: / for {seconds} s, {connections} connections")
    url = scratch_database("bench_seed", scratch_dir)
    env = server_env(url)
    print(f"database: {describe_url(url)}")
    prepare(env)
    port = free_port()
    command = [str(Path(sys.executable).with_name("gunicorn")), "accsm.wsgi"]
    command += ["--bind", f"127.0.0.1:{port}", *WORKERS.split()]
    print("gunicorn " + " ".join(command[1:]))
    log = (scratch_dir / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, start_new_session=True, stdout=log, stderr=log
    )
    try:
        wait_until_up(port, server)
        status, size = get(port)
        print(f"GET / → {status}, {size:,} bytes")
        if status != 200:
            log.flush()
            said = (scratch_dir / "gunicorn.log").read_text(errors="replace").splitlines()
            print("gunicorn's log ends:\n  " + "\n  ".join(said[-25:]))
        if tool == "auto":
            tool = "wrk" if shutil.which("wrk") else "python"
        load = load_wrk if tool == "wrk" else load_python
        load(port, 2, connections)  # warm-up: every worker and thread has served
        rate, requests, errors, latency = load(port, seconds, connections)
    except Exception:
        print((scratch_dir / "gunicorn.log").read_text(errors="replace")[-3000:])
        raise
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
        log.close()
        if not keep:
            drop_database(url)
    ok = status == 200 and rate >= GOAL_RPS and errors == 0
    print(
        f"{tool}: {requests:,} requests, {rate:,.0f} requests/s, {errors} errors "
        f"(non-2xx + socket)  {latency}  goal ≥ {GOAL_RPS}/s, 0 errors {mark(ok)}",
        flush=True,
    )
    record(
        "gunicorn",
        Result(
            f"gunicorn / (seed, 2 workers, {tool})",
            f"{rate:,.0f} req/s, {errors} errors",
            f"≥ {GOAL_RPS} req/s, 0 errors",
            ok=ok,
        ),
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--tool", choices=("auto", "wrk", "python"), default="auto")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="accsm-bench-") as scratch:
        run(Path(scratch), seconds=args.seconds, connections=args.connections, tool=args.tool)
