"""What the benchmark modules share: scratch databases, Django set-up, timing, the results.

Not run by itself: `.venv/bin/python -m bench.run` (see bench/run.py) uses it.

A scratch database is PostgreSQL when DATABASE_URL is set (a database named after it with
a suffix, e.g. accsm_bench, dropped and created afresh each run; the role needs CREATEDB),
else an SQLite file in a temporary directory. The app runs with EXPORT_RATE=1000/m, so the
benchmark's own exports are not refused by the export limits it does not measure.
"""

import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
USERNAME = "bench-secretariat"
MAX_QUERIES = 8  # issue 8: every page, session and user included
SYNTHETIC = "synthetic"  # generate_synthetic's body code
# The database the scratch ones are named after, read before set-up replaces DATABASE_URL.
BASE_URL = os.environ.get("DATABASE_URL", "")


def is_postgres_url(url: str | None) -> bool:
    return bool(url) and urlsplit(url).scheme in ("postgres", "postgresql", "pgsql")


def scratch_database(suffix: str, scratch_dir: Path) -> str:
    """A fresh, empty database for this run; its URL.

    PostgreSQL when DATABASE_URL is set: `<its name>_<suffix>`, dropped if it exists (WITH
    FORCE: a connection left over from an interrupted run does not block it) and created.
    Else an SQLite file in `scratch_dir`.
    """
    if not is_postgres_url(BASE_URL):
        return f"sqlite:///{scratch_dir / f'{suffix}.sqlite3'}"
    parts = urlsplit(BASE_URL)
    name = f"{parts.path.lstrip('/')}_{suffix}"
    _admin("DROP DATABASE IF EXISTS {} WITH (FORCE)", name)
    _admin("CREATE DATABASE {}", name)
    return parts._replace(path=f"/{name}").geturl()


def drop_database(url: str) -> None:
    """Drop a scratch PostgreSQL database (an SQLite one goes with its temporary directory)."""
    if is_postgres_url(url):
        _admin("DROP DATABASE IF EXISTS {} WITH (FORCE)", urlsplit(url).path.lstrip("/"))


def _admin(statement: str, name: str) -> None:
    """Run a CREATE or DROP DATABASE naming `name`, connected to the base database."""
    import psycopg2
    from psycopg2 import sql

    admin = psycopg2.connect(BASE_URL)
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(sql.SQL(statement).format(sql.Identifier(name)))
    finally:
        admin.close()


def describe_url(url: str) -> str:
    """The URL without its password, for printing."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        parts = parts._replace(netloc=netloc)
    return parts.geturl()


def app_env(url: str) -> dict[str, str]:
    """The environment of every in-process and subprocess run of the app on `url`."""
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "accsm.settings",
        "DEBUG": "1",  # settings.DEBUG is turned off after set-up (see setup_django)
        "ALLOWED_HOSTS": "testserver",
        "EXPORT_RATE": "1000/m",
        "LOG_LEVEL": "WARNING",
    }


def setup_django(url: str) -> None:
    """Django on `url`, with DEBUG off once set up: no query log unless a test captures it.

    DEBUG=1 is set for start-up only, so that static files need no collectstatic (the
    manifest storage of DEBUG=0) and the HTTPS redirect does not answer every request.
    """
    os.environ.update(app_env(url))
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import warnings

    import django

    warnings.filterwarnings("ignore", message="No directory at")  # no collectstatic
    django.setup()

    from django.conf import settings

    settings.DEBUG = False
    for engine in settings.TEMPLATES:  # read when the first template is rendered
        engine.setdefault("OPTIONS", {})["debug"] = False


def vendor() -> str:
    from django.db import connection

    return connection.vendor


def analyze() -> float:
    """VACUUM ANALYZE (PostgreSQL) or ANALYZE (SQLite), as a live database has statistics."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return time.perf_counter() - started


def secretariat_user():
    """The benchmark's Secretariat account (the group is made by migrate)."""
    from django.contrib.auth.models import Group, User

    user, _ = User.objects.get_or_create(username=USERNAME)
    user.groups.add(Group.objects.get(name="Secretariat"))
    return user


def logged_in_client():
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client()
    client.force_login(User.objects.get(username=USERNAME))
    return client


def maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def median_seconds(run: Callable[[], object], *, runs: int = 3, warmups: int = 1) -> float:
    for _ in range(warmups):
        run()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


class NullSink:
    """A file that forgets what is written to it (bytes or text)."""

    def write(self, data) -> int:
        return len(data)


# --- Results -----------------------------------------------------------------------


@dataclass
class Result:
    """One line of the summary: a figure, its goal, its floor, their ratio, met or not."""

    name: str
    value: str
    goal: str = ""
    floor: str = ""
    ratio: str = ""
    ok: bool | None = None  # None: no goal
    group: str = ""


RESULTS: list[Result] = []
# The summary's order, whatever order the steps ran in.
GROUPS = ("pages", "import", "exports", "memory", "gunicorn")


def record(group: str, result: Result) -> Result:
    result.group = group
    RESULTS.append(result)
    return result


def ms(seconds: float | None) -> str:
    if seconds is None:
        return ""
    return f"{seconds * 1000:,.0f} ms" if seconds >= 0.0095 else f"{seconds * 1000:.1f} ms"


def ratio(figure: float | None, floor: float | None) -> str:
    if not figure or not floor:
        return ""
    return f"{figure / floor:,.1f}×"


def mark(ok: bool | None) -> str:
    return {True: "✓", False: "✗", None: "–"}[ok]


def section(title: str) -> None:
    print(f"\n== {title} ==", flush=True)


def print_summary(results: list[Result]) -> None:
    section("Summary")
    header = ("figure", "value", "goal", "floor", "ratio", "")
    results = sorted(results, key=lambda r: GROUPS.index(r.group) if r.group in GROUPS else 99)
    rows = [header] + [(r.name, r.value, r.goal, r.floor, r.ratio, mark(r.ok)) for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    for index, row in enumerate(rows):
        cells = [
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        if index > 1 and results[index - 1].group != results[index - 2].group:
            print()
        print("  ".join(cells).rstrip())
        if index == 0:
            print("  ".join("-" * width for width in widths))
    met = sum(1 for r in results if r.ok)
    missed = [r.name for r in results if r.ok is False]
    print(f"\n{met} goals met, {len(missed)} missed" + (": " + "; ".join(missed) if missed else ""))
