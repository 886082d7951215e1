"""The benchmark of issue 8, end to end: `make bench` runs this.

    .venv/bin/python -m bench.run            # everything, 1,000,000-row exports included
    .venv/bin/python -m bench.run --quick    # without the 1,000,000-row step
    .venv/bin/python -m bench.run --plans 50 --export-rows 5000 --big-rows 20000  # small

On PostgreSQL when DATABASE_URL is set (scratch databases `<name>_bench` and
`<name>_bench_seed`, dropped and created each run), else SQLite files in a temporary
directory. The data grows in steps: synthetic projects to --export-rows (exports measured),
then to --plans × --projects-per-plan (pages, then the import), then to --big-rows (exports
again, and how their peak memory grew). gunicorn runs last, on the seed data alone. Each
figure is printed beside its goal and its floor; one summary table ends the run.
"""

import argparse
import platform
import tempfile
import time
from pathlib import Path

from bench import common, exports, imports, pages, serve
from bench.common import SYNTHETIC, describe_url, section

STEPS = ("exports", "pages", "import", "gunicorn")


def synthetic_count() -> int:
    from workplans.models import Project

    return Project.objects.filter(plan__body__code=SYNTHETIC).count()


def grow_to(rows: int, per_plan: int) -> float:
    """Add synthetic plans of `per_plan` projects until there are about `rows` of them;
    the seconds it took."""
    from workplans.management.commands.generate_synthetic import generate

    missing = rows - synthetic_count()
    plans = -(-missing // per_plan)  # rounded up
    if plans <= 0:
        return 0.0
    started = time.perf_counter()
    generate(plans=plans, projects_per_plan=per_plan)
    generated = time.perf_counter() - started
    analyzed = common.analyze()
    print(
        f"generated {plans:,} plans × {per_plan} projects in {generated:.1f} s "
        f"({plans * per_plan / generated:,.0f} projects/s), "
        f"{'VACUUM ANALYZE' if common.vendor() == 'postgresql' else 'ANALYZE'} {analyzed:.1f} s; "
        f"now {synthetic_count():,} synthetic projects",
        flush=True,
    )
    return generated + analyzed


def rows_label() -> str:
    """The synthetic projects there are now, in short: 100k, 1M."""
    rows = synthetic_count()
    if rows % 1_000_000 == 0:
        return f"{rows // 1_000_000}M"
    return f"{rows // 1000:,}k" if rows % 1000 == 0 else f"{rows:,}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the --big-rows step")
    parser.add_argument("--plans", type=int, default=1000, help="plans for the pages (1000)")
    parser.add_argument("--projects-per-plan", type=int, default=200)
    parser.add_argument("--export-rows", type=int, default=100_000)
    parser.add_argument("--big-rows", type=int, default=1_000_000)
    parser.add_argument(
        "--keep", action="store_true", help="keep the PostgreSQL scratch databases afterwards"
    )
    parser.add_argument(
        "--skip", default="", help=f"comma-separated steps to leave out: {', '.join(STEPS)}"
    )
    args = parser.parse_args()
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    per_plan = args.projects_per_plan
    started = time.perf_counter()

    with tempfile.TemporaryDirectory(prefix="accsm-bench-") as scratch:
        url = common.scratch_database("bench", Path(scratch))
        common.setup_django(url)
        from django.core.management import call_command

        section("Data")
        print(f"database: {describe_url(url)}; Python {platform.python_version()}")
        step = time.perf_counter()
        call_command("migrate", verbosity=0)
        call_command("load_facts", verbosity=0)
        common.secretariat_user()
        print(f"migrate + load_facts: {time.perf_counter() - step:.1f} s")

        generating = grow_to(args.export_rows, per_plan)
        small, small_label = {}, rows_label()
        if "exports" not in skip:
            small = exports.run(url, small_label)
            section("Data")
        generating += grow_to(args.plans * per_plan, per_plan)
        print(
            f"generating {args.plans:,} plans × {per_plan} projects (with ANALYZE) took "
            f"{generating:.1f} s in all"
        )
        if "pages" not in skip:
            pages.run()
        if "import" not in skip:
            imports.run()
        if not args.quick and "exports" not in skip:
            section("Data")
            grow_to(args.big_rows, per_plan)
            big_label = rows_label()
            big = exports.run(url, big_label)
            exports.flatness(small, big, small_label, big_label)
        if "gunicorn" not in skip:
            serve.run(Path(scratch), keep=args.keep)
        if not args.keep:
            from django.db import connection

            connection.close()
            common.drop_database(url)

    common.print_summary(common.RESULTS)
    print(f"bench took {(time.perf_counter() - started) / 60:.1f} min")


if __name__ == "__main__":
    main()
