"""Pages: median time, SQL queries and bytes of each page, beside a floor and EXPLAIN.

Run by bench/run.py (`.venv/bin/python -m bench.run`) once the data is generated. Each page
is fetched in-process by Django's test client, a Secretariat user logged in: one warm-up,
one run with the queries captured (their count, and the row query for EXPLAIN); then seven
rounds, each requesting every page once without capture (a page's figure: the median of its
seven). A page whose warm-up takes over 15 s is timed by the captured run alone.

Floors, measured in the same run: for the dashboard, /progress/ and the annexes one
aggregate SQL giving the same counts; for /projects/ pages the one SQL that reads the same
first page (filter, order, LIMIT 25) plus its COUNT. For the /projects/ filters, sorts and
searches the page's row query (the largest SELECT on workplans_project), and the slowest
such SELECT if it is another one, are shown with EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL,
EXPLAIN QUERY PLAN on SQLite: the indexes used, then the plan's first lines.
"""

import re
import statistics
import time
from dataclasses import dataclass

from bench.common import (
    MAX_QUERIES,
    SYNTHETIC,
    Result,
    logged_in_client,
    mark,
    median_seconds,
    ms,
    ratio,
    record,
    section,
)
from bench.sql import (
    AGGREGATE,
    LEAD_ORDER,
    LED_BY,
    SEARCH,
    PageFloor,
    contains,
    page_floor_queries,
)

SLOW_WARMUP = 15.0
# Timed runs of a page (their median is its figure), in rounds over all pages: this machine's
# speed varies by a third from one request, and from one minute, to the next.
TIMED_RUNS = 7
EXPLAIN_LINES = 15


@dataclass
class Page:
    name: str
    path: str
    goal: float | None = None  # seconds
    floor: str | PageFloor | None = None  # AGGREGATE, a /projects/ floor, or none
    explain: bool = False


# The API's sorts on a column that may be empty, each with a figure of their own.
API_SORTS = ("?sort=-year", "?sort=-status_changed_at", "?sort=priority_area")


def pages(plan_slug: str, project_pk: int, country: str) -> list[Page]:
    """Every page the issue names, with its time goal (None: the query goal only)."""
    filters = [
        ("?status=ongoing&sort=-title", PageFloor("p.status = %s", ["ongoing"], "p.title DESC")),
        ("?sort=lead_countries", PageFloor(order=LEAD_ORDER)),
        ("?sort=-year", PageFloor(order="p.year DESC")),
        ("?body=synthetic&sort=plan", PageFloor("b.code = %s", [SYNTHETIC])),
        ("?sort=-priority_area", PageFloor(order="a.number DESC")),
        (f"?lead_country={country}", PageFloor(LED_BY, [country])),
        (
            f"?lead_country={country}&status=planned",
            PageFloor(f"{LED_BY} AND p.status = %s", [country, "planned"]),
        ),
        # Synthetic projects of area 2 are all planned for 2022 (both follow their number):
        # this one matches nothing, the next matches a fifth of them.
        ("?area=2&year=2023", PageFloor("a.number = %s AND p.year = %s", [2, 2023])),
        ("?area=3&year=2023", PageFloor("a.number = %s AND p.year = %s", [3, 2023])),
    ]
    searches = [
        ("?q=Activity 123", PageFloor(SEARCH, contains("Activity 123"))),
        # Every row matches: counted up to 10,000, by plan only as far as the page.
        ("?q=Synthetic", PageFloor(SEARCH, contains("Synthetic"))),
        ("?q=Synthetic&sort=lead_countries", PageFloor(SEARCH, contains("Synthetic"), LEAD_ORDER)),
    ]
    return [
        Page("/", "/", 0.150, AGGREGATE),
        Page("/progress/", "/progress/", 0.300, AGGREGATE),
        Page("/annex/", "/annex/", 0.300, AGGREGATE),
        Page("/annex/synthetic/", "/annex/synthetic/", 0.300, AGGREGATE),
        Page("/annex/synthetic/pdf/", "/annex/synthetic/pdf/", 5.0, AGGREGATE),
        Page("/projects/", "/projects/", 0.100, PageFloor(), explain=True),
        *[Page(f"/projects/{q}", f"/projects/{q}", 0.100, f, explain=True) for q, f in filters],
        *[
            Page(f"/projects/{q}", "/projects/" + q.replace(" ", "+"), 0.150, f, explain=True)
            for q, f in searches
        ],
        Page("/countries/", "/countries/"),
        Page("/plans/<synthetic>/", f"/plans/{plan_slug}/"),
        Page(
            "/plans/<synthetic>/projects/",
            f"/plans/{plan_slug}/projects/",
            floor=PageFloor("w.slug = %s", [plan_slug], "p.code"),
        ),
        Page(f"/countries/{country}/", f"/countries/{country}/"),
        Page("/meetings/", "/meetings/"),
        Page("/reconcile/", "/reconcile/"),
        Page("/targets/", "/targets/"),
        Page("/rounds/", "/rounds/"),
        Page("/reviews/", "/reviews/"),
        Page("/chairs/", "/chairs/"),
        Page("/imports/", "/imports/"),
        Page("/projects/<pk>/", f"/projects/{project_pk}/"),
        Page("/api/v1/plans/", "/api/v1/plans/"),
        Page("/api/v1/projects/", "/api/v1/projects/"),
        # By the column's index (the area's number: by area number), empty values apart.
        *[Page(f"/api/v1/projects/{q}", f"/api/v1/projects/{q}") for q in API_SORTS],
    ]


def fetch(client, path: str):
    """GET `path`, reading a streamed body to its end; (response, bytes)."""
    response = client.get(path)
    if response.streaming:
        size = sum(len(chunk) for chunk in response.streaming_content)
    else:
        size = len(response.content)
    response.close()
    return response, size


def project_selects(queries: list[dict]) -> list[tuple[str, float]]:
    """The captured SELECTs reading workplans_project, with their seconds."""
    return [
        (q["sql"], float(q["time"]))
        for q in queries
        if q["sql"].lstrip().upper().startswith("SELECT") and 'FROM "workplans_project"' in q["sql"]
    ]


def to_explain(queries: list[dict]) -> list[tuple[str, str]]:
    """(label, SQL): the page's row query (the largest SELECT reading workplans_project),
    and the slowest such SELECT if that is another one (a count, say)."""
    selects = project_selects(queries)
    if not selects:
        return []
    row = max(selects, key=lambda q: len(q[0]))
    slowest = max(selects, key=lambda q: q[1])
    chosen = [("row query", row[0])]
    if slowest[0] != row[0] and slowest[1] > row[1]:
        chosen.append((f"slowest query ({ms(slowest[1])} when captured)", slowest[0]))
    return chosen


def explain(sql: str) -> list[str]:
    """EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL, EXPLAIN QUERY PLAN on SQLite, as lines."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            return [row[0] for row in cursor.fetchall()]
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        depth: dict[int, int] = {}
        lines = []
        for node, parent, _unused, detail in cursor.fetchall():
            depth[node] = depth.get(parent, -1) + 1
            lines.append("  " * depth[node] + detail)
        return lines


def indexes_used(plan: list[str]) -> list[str]:
    found = re.findall(
        r"(?:Index (?:Only )?Scan(?: Backward)? using|Index Scan on|Bitmap Index Scan on|USING (?:COVERING )?INDEX) (\S+)",
        "\n".join(plan),
    )
    return sorted(set(found))


def floor_seconds(floor: str | PageFloor) -> float:
    from django.db import connection

    queries = (
        [(AGGREGATE, [])] if floor == AGGREGATE else page_floor_queries(floor, connection.vendor)
    )

    def run() -> None:
        with connection.cursor() as cursor:
            for sql, params in queries:
                cursor.execute(sql, params)
                cursor.fetchall()

    return median_seconds(run)


@dataclass
class Fetched:
    """A page's warm-up and its captured run: what the report prints beside the times."""

    response: object
    size: int
    queries: list[dict]
    warmup: float
    captured_time: float
    times: list[float]


def prepare(client, page: Page) -> Fetched:
    """A warm-up request, then one with its queries captured."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    started = time.perf_counter()
    fetch(client, page.path)  # the warm-up
    warmup = time.perf_counter() - started
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response, size = fetch(client, page.path)
        captured_time = time.perf_counter() - started
    # The next request's signal clears the log: keep the captured queries now.
    return Fetched(response, size, captured.captured_queries, warmup, captured_time, [])


def time_rounds(client, fetched: dict[str, tuple[Page, Fetched]]) -> None:
    """TIMED_RUNS rounds, each requesting every page once: a slow spell of this machine is
    shared by all pages instead of falling on the few measured during it. A page whose
    warm-up took over SLOW_WARMUP is timed by its captured run alone."""
    timed = [(page, state) for page, state in fetched.values() if state.warmup <= SLOW_WARMUP]
    for _ in range(TIMED_RUNS):
        for page, state in timed:
            started = time.perf_counter()
            fetch(client, page.path)
            state.times.append(time.perf_counter() - started)


def report(page: Page, state: Fetched) -> None:
    """The page's line (and EXPLAIN), and its summary row."""
    response, size, queries = state.response, state.size, len(state.queries)
    times = state.times or [state.captured_time]
    runs = len(times)
    median = statistics.median(times)
    floor = floor_seconds(page.floor) if page.floor else None

    ok_status = response.status_code == 200
    ok_queries = queries <= MAX_QUERIES
    ok_time = page.goal is None or median <= page.goal
    goal = f"≤ {ms(page.goal)}, " if page.goal else ""
    goal += f"≤ {MAX_QUERIES} q"
    value = f"{ms(median)}, {queries} q" + ("" if ok_status else f", HTTP {response.status_code}")
    print(
        f"{page.name:45} {response.status_code}  {ms(median):>9} "
        f"({f'median of {runs}' if runs > 1 else '1 run'})  "
        f"{queries:3} queries  {size:>10,} bytes"
        + (f"  floor {ms(floor)} ({ratio(median, floor)})" if floor else "")
        + f"  goal {goal} {mark(ok_status and ok_queries and ok_time)}",
        flush=True,
    )
    record(
        "pages",
        Result(
            page.name,
            value,
            goal,
            ms(floor),
            ratio(median, floor),
            ok_status and ok_queries and ok_time,
        ),
    )
    if page.explain:
        chosen = to_explain(state.queries)
        if not chosen:
            print("    (no SELECT on workplans_project captured)")
        for label, sql in chosen:
            print_plan(label, explain(sql))


def print_plan(label: str, plan: list[str]) -> None:
    """The indexes a plan uses, its first lines and its timing lines."""
    used = indexes_used(plan)
    print(f"    {label}: indexes used: " + (", ".join(used) if used else "none"))
    for line in plan[:EXPLAIN_LINES]:
        print("    | " + line)
    if len(plan) > EXPLAIN_LINES:
        timing = [line for line in plan[EXPLAIN_LINES:] if line.endswith(" ms")]
        print(f"    | … {len(plan) - EXPLAIN_LINES - len(timing)} more lines")
        for line in timing:
            print("    | " + line)


def run(*, country: str = "VN") -> None:
    """Every page, on the data as it is now (after generation, before the import)."""
    from workplans.models import Country, Project, WorkPlan
    from workplans.views.tables import pdf_available

    plan = WorkPlan.objects.filter(body__code=SYNTHETIC).order_by("pk").first()
    assert plan is not None, "no synthetic plan: generate the data first"
    project = Project.objects.filter(plan=plan).order_by("code").first()
    if not Country.objects.filter(code=country).exists():
        country = Country.objects.order_by("code").values_list("code", flat=True).first()
    section("Pages (test client, Secretariat logged in; figure ÷ floor in brackets)")
    client = logged_in_client()
    pdf = pdf_available()
    fetched: dict[str, tuple[Page, Fetched]] = {}
    for page in pages(plan.slug, project.pk, country):
        if page.path.endswith("/pdf/") and not pdf:
            print(
                f"{page.name:45} skipped: PDF output is not installed here (ReportLab, DejaVu fonts)"
            )
            goal = ms(page.goal) and f"≤ {ms(page.goal)}"
            record("pages", Result(page.name, "skipped (no PDF output)", goal))
            continue
        try:
            fetched[page.name] = (page, prepare(client, page))
        except Exception as error:  # a page that fails is reported, the others still run
            print(f"{page.name:45} FAILED: {type(error).__name__}: {error}")
            record("pages", Result(page.name, f"error: {type(error).__name__}", ok=False))
    print(f"(timing {TIMED_RUNS} rounds of the {len(fetched)} pages …)", flush=True)
    time_rounds(client, fetched)
    for page, state in fetched.values():
        report(page, state)
