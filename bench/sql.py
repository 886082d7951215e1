"""The floors' hand-written SQL: what the database alone needs for the same figures.

Used by bench/pages.py and bench/exports.py (run by `.venv/bin/python -m bench.run`).
Written for both PostgreSQL and SQLite; `{ilike}` and `{leads}` are filled in per vendor.
"""

from dataclasses import dataclass, field

# The dashboard, /progress/ and the annex: every plan's counts per status, one query.
AGGREGATE = "SELECT plan_id, status, count(*) FROM workplans_project GROUP BY plan_id, status"

JOINS = """FROM workplans_project p
JOIN workplans_workplan w ON w.id = p.plan_id
JOIN workplans_body b ON b.id = w.body_id
LEFT JOIN workplans_priorityarea a ON a.id = p.priority_area_id"""
LEADS = {
    "postgresql": "(SELECT string_agg(c.code, '; ' ORDER BY c.name, c.id) "
    "FROM workplans_project_lead_countries l JOIN workplans_country c ON c.id = l.country_id "
    "WHERE l.project_id = p.id)",
    "sqlite": "(SELECT group_concat(c.code, '; ') "
    "FROM workplans_project_lead_countries l JOIN workplans_country c ON c.id = l.country_id "
    "WHERE l.project_id = p.id)",
}
FIRST_LEAD = (
    "(SELECT min(c.code) FROM workplans_project_lead_countries l "
    "JOIN workplans_country c ON c.id = l.country_id WHERE l.project_id = p.id)"
)
LED_BY = (
    "EXISTS (SELECT 1 FROM workplans_project_lead_countries l JOIN workplans_country c "
    "ON c.id = l.country_id WHERE l.project_id = p.id AND c.code = %s)"
)
SEARCH = "(p.code {ilike} %s OR p.title {ilike} %s)"
# The tables' default order: by plan (its body's position, newest first, title), then code.
PLAN_ORDER = "b.position, w.start_year DESC, w.title, p.code"
LEAD_ORDER = FIRST_LEAD + " ASC NULLS LAST"
PAGE_SIZE = 25


def contains(text: str) -> list[str]:
    """The parameters of SEARCH for a text search."""
    return [f"%{text}%"] * 2


@dataclass
class PageFloor:
    """The first page of /projects/ with this filter and order, in one SQL, and its COUNT."""

    where: str = "1 = 1"
    params: list = field(default_factory=list)
    order: str = PLAN_ORDER


def page_floor_queries(floor: PageFloor, vendor: str) -> list[tuple[str, list]]:
    where = floor.where.format(ilike="ILIKE" if vendor == "postgresql" else "LIKE")
    rows = (
        "SELECT p.id, b.short_name, w.title, p.code, p.title, "
        f"{LEADS[vendor]}, a.number, p.year, p.status, p.status_changed_at\n"
        f"{JOINS}\nWHERE {where}\nORDER BY {floor.order}, p.id\nLIMIT {PAGE_SIZE}"
    )
    count = f"SELECT count(*)\n{JOINS}\nWHERE {where}"
    return [(rows, floor.params), (count, floor.params)]


def export_select(where: str, vendor: str) -> str:
    """The columns of a /projects/ export, joined and ordered as the table does; the lead
    countries aggregated once for all projects (faster than a subquery per row).

    `where` is a literal condition (no parameters: COPY takes none).
    """
    if vendor == "postgresql":
        day = "(p.status_changed_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date"
        agg = "string_agg(c.code, '; ' ORDER BY c.name, c.id)"
    else:
        day, agg = "date(p.status_changed_at)", "group_concat(c.code, '; ')"
    leads = (
        f"LEFT JOIN (SELECT l.project_id, {agg} AS codes FROM workplans_project_lead_countries l "
        "JOIN workplans_country c ON c.id = l.country_id GROUP BY l.project_id) lc "
        "ON lc.project_id = p.id"
    )
    return (
        f"SELECT b.short_name, w.title, p.code, p.title, lc.codes, a.number, p.year, "
        f"p.status, {day}\n{JOINS}\n{leads}\nWHERE {where}\nORDER BY {PLAN_ORDER}, p.id"
    )
