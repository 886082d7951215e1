"""Rows sorted by plan and read a group of plans at a time (tables.byplan) are the rows of the
one sorted query, in its order: whatever the plans' ids, filtered, as of a day, either way and
in groups of every size. Other sorts are read by the one query."""

import random

import pytest
from django.test import RequestFactory
from django.utils import timezone
from django_tables2 import RequestConfig

from workplans.models import PriorityArea, Project, WorkPlan
from workplans.selectors import listed_projects, projects_led_by
from workplans.services import project_set_status
from workplans.tables import byplan, exports, fastrows
from workplans.tables.exports import columns, table_rows
from workplans.tables.filters import ProjectFilter
from workplans.tables.projects import CountryProjectTable, ProjectListTable
from workplans.views.listing import stable

from .conftest import make_body, make_project

S = Project.Status
FIELDS = ["pk", "plan_id", "code", "plan__title", "plan__body__short_name", "title", "year"]
BY_PLAN = [None, "plan", "-plan", "body", "-body"]
FILTERS = [
    {},
    {"status": ["planned", "completed"]},
    {"body": "b-two"},
    {"lead_country": "VN"},
    {"q": "C-0"},
    {"year": "2021", "status": ["ongoing", "planned", "postponed"]},
]


@pytest.fixture
def scattered(db, viet_nam, japan, secretariat):
    """Plans created in an order unlike the catalogue's, so that their ids run with it in
    places and against it in others: three bodies, two at the same position (then by short
    name), a year left empty, titles repeated within a body and year (then by id); a plan
    without projects, a much larger one; codes created out of order; some statuses changed."""
    rng = random.Random(8)
    bodies = [
        make_body("b-one", short_name="Zeta", position=1),
        make_body("b-two", short_name="Alpha", position=1),
        make_body("b-three", short_name="Mid", position=0),
    ]
    specs = [
        (body, year, title)
        for body in bodies
        for year in (2016, None, 2021)
        for title in ("Plan B", "Plan A", "Plan B")
    ]
    rng.shuffle(specs)
    plans = [
        WorkPlan.objects.create(
            body=body, title=title, slug=f"p-{n}", start_year=year, end_year=2030
        )
        for n, (body, year, title) in enumerate(specs)
    ]
    statuses = [S.PLANNED, S.ONGOING, S.COMPLETED, S.POSTPONED, S.PROPOSED]
    leads = [[viet_nam], [japan, viet_nam], [], [japan]]
    for n, plan in enumerate(plans[1:], start=1):  # plans[0] holds none
        codes = [f"C-{i:02}" for i in range(30 if n == 5 else rng.randint(1, 6))]
        rng.shuffle(codes)
        for i, code in enumerate(codes):
            project = make_project(
                plan,
                code,
                leads=leads[(n + i) % len(leads)],
                status=statuses[(n + i) % len(statuses)],
                year=None if i % 4 == 0 else 2020 + i % 3,
            )
            if i % 3 == 0 and project.status == S.PLANNED:
                project_set_status(
                    project=project, status=S.ONGOING, by=secretariat, expected_version=1
                )
    return plans


def listed(sort, filters, as_of=None):
    """The projects table as its view builds it, filtered and sorted."""
    request = RequestFactory().get("/", {**filters, **({"sort": sort} if sort else {})})
    filterset = ProjectFilter(request.GET, queryset=listed_projects(as_of))
    assert filterset.form.is_valid(), filterset.form.errors
    table = ProjectListTable(filterset.qs)
    RequestConfig(request, paginate=False).configure(table)
    table.data.data = stable(table.data.data)
    return table


@pytest.fixture(params=[1, 7, byplan.GROUP_ROWS])
def group_rows(request, monkeypatch):
    """Groups of one plan each, of a few, and of all (the default size)."""
    monkeypatch.setattr(byplan, "GROUP_ROWS", request.param)
    return request.param


@pytest.mark.parametrize("sort", BY_PLAN)
def test_rows_by_plan_are_those_of_the_sorted_query(scattered, group_rows, sort):
    for filters in FILTERS:
        data = listed(sort, filters).data.data
        rows = byplan.records(data, FIELDS, chunk_size=3)
        assert rows is not None
        expected = list(data.values_list(*FIELDS))
        assert expected, filters
        assert list(rows) == expected, filters


@pytest.mark.parametrize("sort", ["plan", "-plan"])
def test_rows_by_plan_as_of_a_day(scattered, group_rows, sort):
    data = listed(sort, {"status": ["ongoing"]}, as_of=timezone.localdate()).data.data
    expected = list(data.values_list(*FIELDS))
    assert expected
    assert list(byplan.records(data, FIELDS, chunk_size=2)) == expected


def test_a_countrys_projects_by_plan(scattered, viet_nam, group_rows):
    table = CountryProjectTable(projects_led_by(viet_nam), user=None)
    RequestConfig(RequestFactory().get("/"), paginate=False).configure(table)
    data = table.data.data = stable(table.data.data)
    assert list(byplan.records(data, FIELDS, chunk_size=4)) == list(data.values_list(*FIELDS))
    cols = columns(table)
    assert list(fastrows.fast_rows(table, cols)) == list(table_rows(table, cols))


@pytest.mark.parametrize("sort", ["title", "-code", "lead_countries", "year", "status"])
def test_other_sorts_are_read_by_the_one_query(scattered, sort):
    assert byplan.groups(listed(sort, {}).data.data) is None


def test_groups_follow_the_catalogue_and_never_split_a_plan(scattered, monkeypatch):
    monkeypatch.setattr(byplan, "GROUP_ROWS", 10)
    data = listed(None, {}).data.data
    cut = byplan.groups(data)
    assert cut is not None
    in_order = list(dict.fromkeys(data.values_list("plan_id", flat=True)))
    assert [plan for group in cut for plan in group] == in_order
    counts = {plan: data.filter(plan_id=plan).count() for plan in in_order}
    large = [plan for plan, count in counts.items() if count >= 10]
    assert large and all([plan] in cut for plan in large)  # alone
    assert all(sum(counts[p] for p in group) < 20 for group in cut if len(group) > 1)
    assert scattered[0].pk not in in_order  # no projects: no group reads it


@pytest.mark.parametrize("sort", BY_PLAN)
def test_export_rows_by_plan_are_the_tables_cells(scattered, group_rows, monkeypatch, sort):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 5)
    for filters in FILTERS:
        table = listed(sort, filters)
        cols = columns(table)
        assert list(fastrows.fast_rows(table, cols)) == list(table_rows(table, cols)), filters


def test_the_plans_come_in_the_catalogues_order(scattered):
    from workplans.tables.choices import plan_catalogue

    plans = WorkPlan.objects.order_by(*byplan.PLANS_ORDER).values_list("pk", flat=True)
    assert list(plans) == [plan.pk for plan in plan_catalogue()]


def test_an_area_added_during_an_export_is_read(scattered, monkeypatch):
    """Plans and areas are read once, when first needed, then any the rows name since."""
    monkeypatch.setattr(byplan, "GROUP_ROWS", 5)
    monkeypatch.setattr(exports, "CHUNK_SIZE", 5)
    table = listed(None, {})
    cols = columns(table)
    rows = fastrows.fast_rows(table, cols)
    first = [next(rows) for _ in range(5)]
    last = WorkPlan.objects.get(pk=table.data.data.last().plan_id)
    area = PriorityArea.objects.create(plan=last, number=77, title="Late")
    last.projects.update(priority_area=area)
    rest = list(rows)
    assert first + rest == list(table_rows(table, cols))
    assert 77 in [row[5] for row in rest]  # the area's number
