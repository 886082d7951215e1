"""Export benchmark: 100,000 synthetic projects in a scratch SQLite database.

Run from the project root:  .venv/bin/python bench/export_bench.py [--projects 100000]

Prints, for the CSV and XLSX exports of /projects/, the rows and bytes written, the
wall time, the peak of Python allocations (tracemalloc, in a second run: tracing slows
the code down) and the process's peak resident memory (ru_maxrss) after each export.
"""

import argparse
import os
import resource
import sys
import tempfile
import time
import tracemalloc
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup(database: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "accsm.settings"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    warnings.filterwarnings("ignore", message="No directory at")  # no collectstatic
    django.setup()
    from django.conf import settings

    settings.DEBUG = False  # no query log kept in memory


def maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def export(client, fmt: str) -> tuple[int, bool]:
    """Fetch the export and count its bytes without keeping them."""
    response = client.get("/projects/", {"_export": fmt})
    assert response.status_code == 200, response.status_code
    size = 0
    for chunk in response.streaming_content:
        size += len(chunk)
    response.close()
    return size, response.streaming


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--plans", type=int, default=20)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="accsm-bench-") as scratch:
        setup(Path(scratch) / "bench.sqlite3")
        from django.core.management import call_command
        from django.test import Client

        from workplans.management.commands.generate_synthetic import generate
        from workplans.models import Project

        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        per_plan = -(-args.projects // args.plans)
        generate(plans=args.plans, projects_per_plan=per_plan)
        rows = Project.objects.count()
        print(
            f"generated {rows:,} projects in {args.plans} plans "
            f"in {time.perf_counter() - started:.1f} s (bulk_create, SQLite)"
        )
        print(f"peak RSS after generating: {maxrss_mib():.0f} MiB")

        client = Client()
        for fmt in ("csv", "xlsx"):
            started = time.perf_counter()
            size, streaming = export(client, fmt)
            elapsed = time.perf_counter() - started

            tracemalloc.start()
            export(client, fmt)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()

            print(
                f"{fmt.upper():4}  rows {rows:,}  bytes {size:,}  time {elapsed:.1f} s  "
                f"({rows / elapsed:,.0f} rows/s)  peak traced {peak / 2**20:.1f} MiB  "
                f"peak RSS so far {maxrss_mib():.0f} MiB  streamed: {streaming}"
            )


if __name__ == "__main__":
    main()
