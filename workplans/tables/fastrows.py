"""The project tables' export rows read as plain values: the same cells as the tables'
value_<column> methods (exports.rows), without building a model instance per row.

One query streams the rows' values; one more per chunk reads their lead countries. A
table with a column this module does not know is exported the general way.
"""

import itertools
from collections.abc import Callable, Iterator

from django.db.models import QuerySet
from django.utils import timezone

from ..localize import localized
from ..models import Project
from ..querysets import status_field
from . import exports
from .exports import ExportColumn, _plain
from .projects import CountryProjectTable, ProjectListTable, ProjectTable


class _Plan:
    """A plan's two titles, as localized() reads them from a model."""

    def __init__(self, title: str, title_vi: str):
        self.title, self.title_vi = title, title_vi


def _plan_titles() -> Callable:
    """row -> the plan's title in the active language, worked out once per plan."""
    titles: dict[tuple[str, str], str] = {}

    def title(row: dict, leads) -> str:
        key = (row["plan__title"], row["plan__title_vi"])
        if key not in titles:
            titles[key] = localized(_Plan(*key), "title")
        return titles[key]

    return title


def _date(moment):
    return timezone.localdate(moment) if moment else None


def _field(name: str) -> tuple[tuple[str, ...], Callable]:
    """A column that shows a field as it is: an empty value is an empty cell (None)."""
    return (name,), lambda r, leads: None if r[name] in ("", None) else r[name]


def _cells(status: str) -> dict[str, tuple[tuple[str, ...], Callable]]:
    """Per column: the values() it needs, and its cell from (row, lead codes). Labels are
    translated once, here, in the language of the request."""
    labels = {value: str(label) for value, label in Project.Status.choices}
    return {
        "body": _field("plan__body__short_name"),
        "plan": (("plan__title", "plan__title_vi"), _plan_titles()),
        "code": _field("code"),
        "title": _field("title"),
        "lead_countries": ((), lambda r, leads: "; ".join(leads)),
        "priority_area": _field("priority_area__number"),
        "year": _field("year"),
        "status": ((status,), lambda r, leads: labels[r[status]]),
        "status_changed_at": (("last_update",), lambda r, leads: _date(r["last_update"])),
        "last_update": (("last_update",), lambda r, leads: _date(r["last_update"])),
    }


def _leads(ids: list[int]) -> dict[int, list[str]]:
    """The lead countries' codes of each project, in the order the tables list them."""
    through = Project.lead_countries.through.objects.filter(project_id__in=ids)
    result: dict[int, list[str]] = {}
    for project_id, code in through.order_by("country__name", "country_id").values_list(
        "project_id", "country__code"
    ):
        result.setdefault(project_id, []).append(code)
    return result


def fast_rows(table, cols: list[ExportColumn]) -> Iterator[list] | None:
    """The export rows of a project table, or None where this module cannot give them."""
    data = table.data.data
    if type(table) not in (ProjectTable, ProjectListTable, CountryProjectTable):
        return None
    if not isinstance(data, QuerySet) or data.model is not Project:
        return None
    cells = _cells(status_field(data))
    if any(col.name not in cells for col in cols):
        return None
    needed = sorted({field for col in cols for field in cells[col.name][0]} | {"pk"})
    makers = [cells[col.name][1] for col in cols]
    with_leads = any(col.name == "lead_countries" for col in cols)

    def generate() -> Iterator[list]:
        values = iter(exports.records(table, needed))
        while chunk := list(itertools.islice(values, exports.CHUNK_SIZE)):
            leads = _leads([row["pk"] for row in chunk]) if with_leads else {}
            for row in chunk:
                codes = leads.get(row["pk"], [])
                yield [_plain(make(row, codes)) for make in makers]

    return generate()
