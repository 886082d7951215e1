"""Exports: rows/s and peak RSS of CSV, JSON and XLSX exports of /projects/, beside COPY.

Run by bench/run.py (`.venv/bin/python -m bench.run`) at 100,000 and 1,000,000 rows. Each
export runs in a fresh process (`python -m bench.exports --worker PATH FORMAT`, the
environment naming the database), so its peak RSS (ru_maxrss) is that export's own: the
test client fetches it, a Secretariat user logged in, and the body is streamed into a null
sink while bytes and rows are counted (XLSX: spooled to a temporary file, whose rows are
counted after the clock stops). The floor is PostgreSQL's COPY of the same columns and joins
to a null sink through psycopg2's copy_expert; on SQLite, a raw cursor's fetch of them
written by csv.writer.
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile

from bench.common import (
    ROOT,
    SYNTHETIC,
    NullSink,
    Result,
    app_env,
    mark,
    median_seconds,
    record,
    section,
)
from bench.sql import export_select

FORMATS = ("csv", "json", "xlsx")
GOAL_RATE = {"csv": 100_000, "json": 100_000, "xlsx": 20_000}
GOAL_RSS_MIB = 150
FLAT_RATIO = 1.25  # RSS at 1M rows ÷ RSS at 100k rows, at most: "flat"
TIMEOUT = 1800  # seconds, per export
# What each export is, and the condition of its floor's query.
PATHS = {"/projects/?body=synthetic": f"b.code = '{SYNTHETIC}'", "/projects/": "1 = 1"}
# Lines or rows of each format that are not table rows (heading, column names).
HEAD_ROWS = {"csv": 1, "json": 0, "xlsx": 2}


class Counter:
    """Counts the bytes fed to it and the occurrences of `pattern`, across chunk ends."""

    def __init__(self, pattern: bytes):
        self.pattern, self.tail, self.count, self.bytes = pattern, b"", 0, 0

    def feed(self, chunk: bytes) -> None:
        self.bytes += len(chunk)
        data = self.tail + chunk
        self.count += data.count(self.pattern)
        self.tail = data[len(data) - len(self.pattern) + 1 :]


def xlsx_rows(path: str) -> int:
    """The rows of the workbook's first sheet, read as a stream (not held in memory)."""
    with zipfile.ZipFile(path) as workbook:
        sheet = sorted(n for n in workbook.namelist() if n.startswith("xl/worksheets/sheet"))[0]
        counters = [Counter(b"<row "), Counter(b"<row>")]
        with workbook.open(sheet) as stream:
            while chunk := stream.read(1 << 20):
                for counter in counters:
                    counter.feed(chunk)
    return sum(c.count for c in counters)


def worker(path: str, fmt: str) -> dict:
    """One export in this process; what it measured, as a dict (printed as JSON)."""
    from bench.common import logged_in_client, maxrss_mib, setup_django

    setup_django(os.environ["DATABASE_URL"])
    client = logged_in_client()
    client.get("/imports/")  # a small page first: the app's start-up is not the export's
    rss_before = maxrss_mib()
    counter = Counter(b"\n" if fmt == "csv" else b'{"')
    spool = tempfile.NamedTemporaryFile(suffix=".xlsx") if fmt == "xlsx" else None  # noqa: SIM115
    started = time.perf_counter()
    response = client.get(path + ("&" if "?" in path else "?") + f"_export={fmt}")
    chunks = response.streaming_content if response.streaming else [response.content]
    for chunk in chunks:
        if spool is None:
            counter.feed(chunk)
        else:
            counter.bytes += len(chunk)
            spool.write(chunk)
    response.close()
    seconds = time.perf_counter() - started
    rss, hwm = maxrss_mib(), vm_hwm_mib()
    if spool is not None:
        spool.flush()
        counter.count = xlsx_rows(spool.name) if response.status_code == 200 else 0
        spool.close()
    return {
        "status": response.status_code,
        "streaming": response.streaming,
        "bytes": counter.bytes,
        "rows": counter.count - HEAD_ROWS[fmt],
        "seconds": seconds,
        "rss_before": rss_before,
        "rss": rss,
        "vm_hwm": hwm,
    }


def vm_hwm_mib() -> float | None:
    """The peak RSS of this process's own memory (Linux), whatever its parent was."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def run_worker(url: str, path: str, fmt: str) -> dict:
    """One export in a fresh process, started through /bin/sh (not exec'd by it).

    Linux keeps a process's ru_maxrss across exec, and a child exec'd straight from this
    big process would report this process's peak as its own; the shell in between is small.
    """
    worker = [sys.executable, "-m", "bench.exports", "--worker", path, fmt]
    command = ["/bin/sh", "-c", '"$@"; exit $?', "sh", *worker]
    done = subprocess.run(
        command, cwd=ROOT, env=app_env(url), capture_output=True, text=True, timeout=TIMEOUT
    )
    if done.returncode != 0:
        raise RuntimeError(f"exit {done.returncode}: {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def floor_seconds(where: str, runs: int) -> tuple[float, str]:
    """COPY (PostgreSQL) or a raw fetch written by csv.writer (SQLite) of the same columns."""
    from django.db import connection

    select = export_select(where, connection.vendor)

    def copy() -> None:
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(f"COPY ({select}) TO STDOUT WITH CSV", NullSink())

    def fetch() -> None:
        writer = csv.writer(NullSink())
        with connection.cursor() as cursor:
            cursor.execute(select)
            while rows := cursor.fetchmany(2000):
                writer.writerows(rows)

    if connection.vendor == "postgresql":
        return median_seconds(copy, runs=runs), "COPY"
    return median_seconds(fetch, runs=runs), "fetch+csv"


def expected_rows(path: str) -> int:
    from workplans.models import Project

    projects = Project.objects.all()
    if "body=" in path:
        projects = projects.filter(plan__body__code=SYNTHETIC)
    return projects.count()


def run(url: str, label: str) -> dict[tuple[str, str], float]:
    """Every export at the data's present size; the peak RSS of each, by (path, format)."""
    section(f"Exports at {label} rows (one process each; figure ÷ floor in brackets)")
    peaks: dict[tuple[str, str], float] = {}
    for path, where in PATHS.items():
        rows = expected_rows(path)
        floor, floor_kind = floor_seconds(where, runs=3 if rows <= 200_000 else 1)
        print(
            f"{path}: {rows:,} rows; floor ({floor_kind}) {floor:.2f} s = {rows / floor:,.0f} rows/s"
        )
        for fmt in FORMATS:
            name = f"{fmt.upper()} {path} @{label}"
            goal = f"≥ {GOAL_RATE[fmt]:,} rows/s, ≤ {GOAL_RSS_MIB} MiB"
            try:
                got = run_worker(url, path, fmt)
            except (RuntimeError, subprocess.TimeoutExpired, ValueError) as error:
                print(f"  {fmt.upper():4} FAILED: {error}")
                record("exports", Result(name, "error", goal, ok=False))
                continue
            rate = rows / got["seconds"]
            rows_ok = got["rows"] == rows
            ok = (
                got["status"] == 200
                and rows_ok
                and rate >= GOAL_RATE[fmt]
                and got["rss"] <= GOAL_RSS_MIB
            )
            peaks[(path, fmt)] = got["rss"]
            if got["vm_hwm"] and abs(got["vm_hwm"] - got["rss"]) > 0.1 * got["rss"]:
                print(f"  note: ru_maxrss {got['rss']:.0f} MiB but VmHWM {got['vm_hwm']:.0f} MiB")
            print(
                f"  {fmt.upper():4} {got['status']}  {got['seconds']:7.2f} s  {rate:>9,.0f} rows/s  "
                f"{got['bytes']:>13,} bytes  peak RSS {got['rss']:.0f} MiB "
                f"(before the export {got['rss_before']:.0f})  streamed: {got['streaming']}  "
                f"rows in file {got['rows']:,}{'' if rows_ok else ' ≠ ' + format(rows, ',')}  "
                f"floor ×{got['seconds'] / floor:.1f}  {mark(ok)}",
                flush=True,
            )
            record(
                "exports",
                Result(
                    name,
                    f"{rate:,.0f} rows/s, {got['rss']:.0f} MiB",
                    goal,
                    f"{floor_kind} {floor:.2f} s",
                    f"{got['seconds'] / floor:,.1f}×",
                    ok,
                ),
            )
    return peaks


def flatness(small: dict, big: dict, small_label: str, big_label: str) -> None:
    """Peak RSS at the big size ÷ at the small one, per export."""
    section(f"Peak RSS, {big_label} ÷ {small_label} rows")
    for key in sorted(set(small) & set(big)):
        path, fmt = key
        factor = big[key] / small[key]
        ok = factor <= FLAT_RATIO and big[key] <= GOAL_RSS_MIB
        print(
            f"  {fmt.upper():4} {path}: {small[key]:.0f} → {big[key]:.0f} MiB, ×{factor:.2f} {mark(ok)}"
        )
        record(
            "memory",
            Result(
                f"RSS {fmt.upper()} {path} {big_label}÷{small_label}",
                f"×{factor:.2f} ({big[key]:.0f} MiB)",
                f"≤ ×{FLAT_RATIO}, ≤ {GOAL_RSS_MIB} MiB",
                ok=ok,
            ),
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="One export, run by bench/run.py.")
    parser.add_argument("--worker", nargs=2, metavar=("PATH", "FORMAT"), required=True)
    args = parser.parse_args()
    print(json.dumps(worker(*args.worker)))
