"""The fast export path (tables/fastrows.py) gives exactly the cells of the tables' own
export methods, on varied data: unicode, empty cells, several lead countries, hostile text,
as of a day, in English and Vietnamese, for each project table."""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.utils import translation
from django_tables2 import RequestConfig

from workplans.models import Country, PriorityArea, Project
from workplans.selectors import listed_projects, projects_led_by
from workplans.tables.exports import columns, table_rows
from workplans.tables.fastrows import fast_rows
from workplans.tables.projects import CountryProjectTable, ProjectListTable, ProjectTable
from workplans.views.listing import stable

from .conftest import make_plan, make_project

S = Project.Status
TITLES = ["Đào tạo công chức", '=HYPERLINK("x")', "R&D <b>bold</b>", "+1", "", "  spaced  "]


@pytest.fixture
def varied(plus_three, viet_nam, japan, secretariat):
    thailand = Country.objects.create(code="TH", name="Thailand", group="asean")
    plan = make_plan(plus_three, "fast-a")
    plan.title_vi = "Kế hoạch thử"
    plan.save()
    other = make_plan(plus_three, "fast-b", start_year=2016)
    area = PriorityArea.objects.create(plan=plan, number=3, title="Talent")
    statuses = list(S)
    for i in range(24):
        project = make_project(
            plan if i % 3 else other,
            f"F-{i:02}",
            leads=[[viet_nam], [japan, thailand, viet_nam], [], [thailand]][i % 4],
            title=TITLES[i % len(TITLES)] or f"x{i}",
            status=statuses[i % len(statuses)],
            year=None if i % 4 == 0 else 2020 + i % 5,
            priority_area=area if i % 3 == 1 else None,
        )
        if i % 5 == 0 and project.status in (S.PLANNED, S.ONGOING):
            from workplans.services import project_set_status

            project_set_status(
                project=project,
                status=S.POSTPONED,
                by=secretariat,
                expected_version=1,
                note="Moved",
            )
    return plan


def tables(viet_nam, as_of):
    request = RequestFactory().get("/", {"sort": "-lead_countries"})
    made = [
        ProjectListTable(listed_projects(as_of)),
        ProjectTable(listed_projects(as_of)),
        CountryProjectTable(projects_led_by(viet_nam, as_of), user=AnonymousUser()),
    ]
    for table in made:
        RequestConfig(request, paginate=False).configure(table)
        table.data.data = stable(table.data.data)
    return made


@pytest.mark.parametrize("language", ["en", "vi"])
@pytest.mark.parametrize("as_of", [None, date(2024, 1, 1)])
def test_the_fast_rows_are_the_tables_cells(varied, viet_nam, language, as_of):
    with translation.override(language):
        for table in tables(viet_nam, as_of):
            cols = columns(table)
            fast = fast_rows(table, cols)
            assert fast is not None, type(table).__name__
            expected = list(table_rows(table, cols))
            assert list(fast) == expected, type(table).__name__
            assert len(expected) == table.data.data.count()


def test_a_table_the_fast_path_does_not_know_is_exported_the_general_way(varied):
    from workplans.models import WorkPlan
    from workplans.progress_rows import progress_rows
    from workplans.tables.projects import ProgressTable

    table = ProgressTable(progress_rows(WorkPlan.objects.all()))
    assert fast_rows(table, columns(table)) is None
