"""The read-only API: its schema, the same figures as the pages, the tables' filters and
sorts over cursor pages, as_of, bad parameters, access as for the pages, tokens, throttling."""

from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tables2 import RequestConfig
from rest_framework.authtoken.models import Token

from workplans.models import Project, StatusChange, WorkPlan
from workplans.selectors import listed_projects, plan_progress
from workplans.tables.filters import ProjectFilter
from workplans.tables.projects import ProjectListTable
from workplans.views import listing

from .conftest import make_meeting, make_plan, make_project, make_report

S = Project.Status


def read_all(client, url: str, **params) -> list[dict]:
    """Every result, following `next` from page to page."""
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    while response.json()["next"]:
        response = client.get(response.json()["next"])
        results += response.json()["results"]
    return results


def tables_order(rf, params: dict) -> list[Project]:
    """The projects the table at /projects/ lists with these filters and sort, in its order."""
    request = rf.get("/projects/", params)
    filterset = ProjectFilter(request.GET, queryset=listed_projects())
    assert filterset.form.is_valid()
    table = ProjectListTable(filterset.qs)
    RequestConfig(request, paginate=False).configure(table)
    return list(listing.stable(table.data.data))


def pages_there_and_back(client, **params) -> list[dict]:
    """Every page from the first, following `next`; each page's `previous` is checked to give
    back the page before it, from the last to the first."""
    pages = [client.get("/api/v1/projects/", params).json()]
    while pages[-1]["next"]:
        pages.append(client.get(pages[-1]["next"]).json())
    for later, earlier in zip(pages[:0:-1], pages[-2::-1], strict=True):
        assert client.get(later["previous"]).json()["results"] == earlier["results"]
    return pages


def test_the_schema_is_valid_openapi(db):
    out = StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    assert "/api/v1/projects/" in out.getvalue()


def test_the_schema_and_its_documentation_page_are_served(client, db):
    assert client.get("/api/v1/schema/").status_code == 200
    docs = client.get("/api/v1/docs/").content.decode()
    assert '<section id="projects_list"' in docs and "<code>sort</code>" in docs
    assert "iati_activity_status" in docs


def test_each_plans_figures_are_the_pages(client, sources):
    results = {plan["slug"]: plan for plan in read_all(client, "/api/v1/plans/", page_size=2)}
    assert len(results) == WorkPlan.objects.count()
    for progress in plan_progress(WorkPlan.objects.all()):
        plan = results[progress.plan.slug]
        assert plan["basis"] == progress.basis
        if progress.figures:
            assert plan["figures"]["total"] == progress.figures.total
            for status in ("completed", "ongoing", "planned", "postponed"):
                assert plan["figures"][status] == progress.figures.count(status)
                percent = progress.figures.percent(status)
                expected = None if percent is None else float(percent)
                assert plan["figures"][f"{status}_percent"] == expected
        else:
            assert plan["figures"] is None
    # The seeds' figures, exactly as the dashboard shows them.
    wp = results["accsm-work-plan-2021-2025"]
    assert (wp["figures"]["completed_percent"], wp["figures"]["ongoing_percent"]) == (22.6, 16.1)
    assert wp["latest_report"]["dates"] == "2–6 August 2022"
    one = client.get("/api/v1/plans/accsm-work-plan-2021-2025/").json()
    assert one == wp


@pytest.fixture
def varied(plus_three, viet_nam, japan, secretariat):
    """Projects with empty and shared sort keys, several leads and odd titles."""
    plans = [make_plan(plus_three, "api-a", start_year=2021), make_plan(plus_three, "api-b")]
    WorkPlan.objects.filter(slug="api-b").update(start_year=None)
    statuses = [S.PLANNED, S.ONGOING, S.COMPLETED, S.POSTPONED, S.PROPOSED, S.CANCELLED]
    for i in range(14):
        project = make_project(
            plans[i % 2],
            f"X{i % 5}-{i:02}",
            leads=[[viet_nam], [japan], [viet_nam, japan], []][i % 4],
            title=["Đào tạo", "=SUM(A1)", "Zeta", ""][i % 4] + f" {i}",
            status=statuses[i % 6],
            year=None if i % 3 == 0 else 2022 + i % 3,
        )
        if i % 4 == 1:
            from workplans.services import project_set_status

            target = S.ONGOING if project.status != S.ONGOING else S.COMPLETED
            if project.status not in (S.PROPOSED, S.CANCELLED, S.COMPLETED):
                project_set_status(
                    project=project, status=target, by=secretariat, expected_version=1
                )
    return plans


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"sort": "-code"},
        {"sort": "lead_countries"},
        {"sort": "-year"},
        {"sort": "status_changed_at"},
        {"sort": "-plan"},
        {"sort": "priority_area", "status": ["planned", "ongoing"]},
        {"sort": "title", "lead_country": "VN"},
        {"sort": "body", "q": "=SUM"},
    ],
)
def test_projects_come_in_the_tables_order_with_its_filters(client, rf, varied, params):
    expected = [p.code for p in tables_order(rf, params)]
    got = [p["code"] for p in read_all(client, "/api/v1/projects/", page_size=3, **params)]
    assert got == expected


def test_a_project_says_its_status_then_with_its_iati_code(client, varied, secretariat):
    project = Project.objects.filter(status=S.PLANNED).first()
    Project.objects.filter(pk=project.pk).update(created_at=datetime(2022, 1, 1, tzinfo=UTC))
    from workplans.services import project_set_status

    project_set_status(project=project, status=S.COMPLETED, by=secretariat, expected_version=1)
    StatusChange.objects.filter(project=project, action="status").update(
        changed_at=datetime(2024, 3, 1, 10, tzinfo=UTC)
    )
    now = client.get(f"/api/v1/projects/{project.pk}/").json()
    then = client.get(f"/api/v1/projects/{project.pk}/", {"as_of": "2024-02-29"}).json()
    assert (now["status"], now["iati_activity_status"]) == ("completed", 3)
    assert (then["status"], then["iati_activity_status"]) == ("planned", 1)
    listed = read_all(client, "/api/v1/projects/", as_of="2024-02-29", status="planned")
    assert project.code in [p["code"] for p in listed]


def test_plans_as_of_a_day_are_the_pages(client, varied, secretariat):
    from workplans.services import project_set_status

    # Created long ago; one completed on 1 March 2024.
    Project.objects.update(created_at=datetime(2022, 1, 1, tzinfo=UTC))
    project = Project.objects.filter(plan__slug="api-a", status=S.PLANNED).first()
    project_set_status(project=project, status=S.COMPLETED, by=secretariat, expected_version=1)
    StatusChange.objects.filter(project=project, action="status").update(
        changed_at=datetime(2024, 3, 1, 10, tzinfo=UTC)
    )
    completed = []
    for day in ("2024-02-29", "2024-03-01"):
        page = client.get(reverse("workplans:plan_detail", args=["api-a"]), {"as_of": day})
        shown = page.context["progress"].live
        api = client.get("/api/v1/plans/api-a/", {"as_of": day}).json()
        assert api["live"]["as_of"] == day
        assert {s: api["live"]["figures"][s] for s in ("completed", "planned", "total")} == {
            "completed": shown.completed,
            "planned": shown.planned,
            "total": shown.total,
        }
        completed.append(api["live"]["figures"]["completed"])
    assert completed[1] == completed[0] + 1


def test_queries_do_not_grow_with_the_page_size(client, varied, plus_three):
    meeting = make_meeting(plus_three)
    for plan in WorkPlan.objects.all():
        make_report(plan, meeting, completed=1, planned=2)

    def queries(url: str, size: int, **params) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, {"page_size": size, **params})
        count = len(captured)  # read now: each request empties the connection's log
        assert response.status_code == 200, response.content
        # The parameters were read (the sort too): a full page, or every row.
        rows = len(read_all(client, url, **params))
        assert len(response.json()["results"]) == min(size, rows) > 0
        return count

    for url in ("/api/v1/projects/", "/api/v1/plans/", "/api/v1/meetings/", "/api/v1/bodies/"):
        assert queries(url, 1) == queries(url, 50), url
    from django.utils import timezone

    back = {"as_of": timezone.localdate().isoformat(), "sort": "lead_countries"}
    assert queries("/api/v1/projects/", 1, **back) == queries("/api/v1/projects/", 50, **back)
    # Sorted by area, each area number is read apart (SPLIT_VALUES of them, then the rest,
    # then no area): a page spanning them all costs these few queries more, however many
    # rows they hold.
    from workplans.api.pagination import SPLIT_VALUES
    from workplans.models import PriorityArea

    for plan in varied:
        areas = [PriorityArea.objects.create(plan=plan, number=n, title="A") for n in range(5)]
        for i, project in enumerate(plan.projects.order_by("pk")):
            Project.objects.filter(pk=project.pk).update(priority_area=[None, *areas][i % 6])
    for sort in ("year", "-year", "status_changed_at"):  # from the first row, in one query
        assert queries("/api/v1/projects/", 1, sort=sort) == queries(
            "/api/v1/projects/", 50, sort=sort
        )
    # Numbers 0 and 1 one by one, 2 to 4 together, then no area.
    assert queries("/api/v1/projects/", 50, sort="priority_area") == (
        queries("/api/v1/projects/", 1, sort="priority_area") + SPLIT_VALUES + 1
    )


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "100000"}, "page_size"),
        ({"page_size": "ten"}, "page_size"),
        ({"cursor": "bm90IGEgY3Vyc29y"}, "cursor"),
        ({"cursor": "%%%"}, "cursor"),
        ({"status": "finished"}, "status"),
        ({"lead_country": "ZZ"}, "lead_country"),
        ({"as_of": "2024-02-30"}, "as_of"),
        ({"as_of": "2999-01-01"}, "as_of"),
        ({"sort": "-nothing"}, "sort"),
        ({"year": "last"}, "year"),
    ],
)
def test_bad_parameters_are_a_400_naming_them(client, varied, params, name):
    response = client.get("/api/v1/projects/", params)
    assert response.status_code == 400, response.content
    assert name in response.json()


@pytest.mark.parametrize("sort", ["plan", "-status", "year"])
def test_pages_reach_every_row_where_thousands_share_the_first_key(client, rf, db, sort):
    """A body's projects share its position, the first key of the sort by plan: 1,600 rows
    with one first key, read 500 at a time, come once each and in the tables' order. DRF's
    cursor (the first key and an offset, capped at 1,000) repeated rows past the cap."""
    from .conftest import make_body

    plan = make_plan(make_body("one"), "one", statuses=[S.PLANNED] * 1600)
    Project.objects.filter(code__endswith="1").update(year=2024)
    rows = read_all(client, "/api/v1/projects/", page_size=500, sort=sort)
    assert len({row["code"] for row in rows}) == len(rows) == plan.projects.count()
    assert [row["code"] for row in rows] == [p.code for p in tables_order(rf, {"sort": sort})]


@pytest.mark.parametrize("walked", [50, 1])
@pytest.mark.parametrize(
    "params", [{}, {"sort": "-plan"}, {"sort": "body", "status": ["planned"]}, {"body": "two"}]
)
def test_pages_by_plan_found_by_walking_the_plans_are_the_tables(
    client, rf, db, monkeypatch, walked, params
):
    """On PostgreSQL a page sorted by plan reads only the plans that hold it, found by counting
    their rows in order from the cursor's; a page beyond WALKED_PLANS plans (1 here: most
    pages) is read as it is. Both give the tables' order, forwards and back, empty plans
    and a filter included."""
    from workplans.api import views

    from .conftest import make_body

    monkeypatch.setattr(views, "WALKED_PLANS", walked)
    bodies = [make_body("one"), make_body("two", position=1)]
    sizes = [0, 3, 1, 0, 5, 2, 4]
    for i, size in enumerate(sizes):
        statuses = [S.PLANNED if j % 2 else S.ONGOING for j in range(size)]
        make_plan(bodies[i % 2], f"plan-{i}", statuses=statuses, start_year=2010 + i % 3)
    # A plan whose sources give no start: first among its body's plans, as the tables sort.
    WorkPlan.objects.filter(slug__in=["plan-4", "plan-5"]).update(start_year=None)
    expected = [p.code + p.plan.slug for p in tables_order(rf, params)]
    with CaptureQueriesContext(connection) as queries:
        rows = read_all(client, "/api/v1/projects/", page_size=2, **params)
    assert [row["code"] + row["plan"] for row in rows] == expected
    walks = sum("WITH RECURSIVE" in query["sql"] for query in queries)
    assert bool(walks) is (connection.vendor == "postgresql")
    # Back from the last page to the first, page by page.
    pages_there_and_back(client, page_size=2, **params)


@pytest.mark.parametrize("split", [3, 1])
@pytest.mark.parametrize("page_size", [1, 2, 5])
@pytest.mark.parametrize(
    "params",
    [
        {"sort": "year"},
        {"sort": "-year"},
        {"sort": "priority_area"},
        {"sort": "-priority_area"},
        {"sort": "priority_area", "plan": "api-a"},
        {"sort": "status_changed_at"},
        {"sort": "-plan"},
    ],
)
def test_pages_of_a_sort_with_empty_values_are_the_tables_forwards_and_back(
    client, rf, varied, secretariat, monkeypatch, split, page_size, params
):
    """A sort on a column that may be empty (a year, an area, a last update, a plan's start)
    pages through its values and then its empty ones (or the other way round, as this
    database sorts NULLs), each read on its own, and sorted by area, each area number on its
    own (`split` of them, then the rest together): every row once, in the tables' order, and
    "previous" gives back the page before, across the empty values too."""
    from workplans.api import pagination
    from workplans.models import PriorityArea

    monkeypatch.setattr(pagination, "SPLIT_VALUES", split)
    areas = [
        PriorityArea.objects.create(plan=varied[0], number=n, title=f"A{n}") for n in (1, 2, 3)
    ]
    others = PriorityArea.objects.create(plan=varied[1], number=4, title="B4")
    for i, project in enumerate(Project.objects.filter(plan__in=varied).order_by("code")):
        area = [None, *areas][i % 4] if project.plan == varied[0] else [None, others][i % 2]
        Project.objects.filter(pk=project.pk).update(priority_area=area)
    pages = pages_there_and_back(client, page_size=page_size, **params)
    rows = [row["code"] for page in pages for row in page["results"]]
    assert rows == [p.code for p in tables_order(rf, params)]


def test_previous_goes_back_page_by_page_and_a_cursor_keeps_its_sort(client, varied):
    first = client.get("/api/v1/projects/", {"page_size": 4}).json()
    second = client.get(first["next"]).json()
    third = client.get(second["next"]).json()
    assert first["previous"] is None
    assert client.get(third["previous"]).json()["results"] == second["results"]
    assert client.get(second["previous"]).json()["results"] == first["results"]
    # The same cursor with another sort: a 400 naming the cursor, not rows of a wrong place.
    response = client.get(second["next"] + "&sort=-code")
    assert response.status_code == 400 and "cursor" in response.json()


def test_access_is_as_for_the_pages(client, settings, varied, viewer, official_vn, secretariat):
    settings.ACCSM_PUBLIC_DASHBOARDS = True
    assert client.get("/api/v1/projects/").status_code == 200
    settings.ACCSM_PUBLIC_DASHBOARDS = False
    assert client.get("/api/v1/projects/").status_code in (401, 403)
    assert client.get("/api/v1/schema/").status_code in (401, 403)
    for user in (viewer, official_vn, secretariat):
        client.force_login(user)
        assert client.get("/api/v1/projects/").status_code == 200, user
        client.logout()
    # A script sends its token; a revoked token no longer works.
    token = Token.objects.create(user=viewer)
    headers = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    assert client.get("/api/v1/plans/", **headers).status_code == 200
    token.delete()
    assert client.get("/api/v1/plans/", **headers).status_code == 401


def test_the_secretariat_issues_and_revokes_tokens_in_the_admin(secretariat):
    assert secretariat.has_perms(
        ["authtoken.add_tokenproxy", "authtoken.view_tokenproxy", "authtoken.delete_tokenproxy"]
    )


def test_anonymous_clients_are_throttled_with_retry_after(client, settings, db):
    from django.core.cache import cache
    from rest_framework.settings import api_settings
    from rest_framework.throttling import AnonRateThrottle

    rates = AnonRateThrottle.THROTTLE_RATES  # read once by DRF: set back after the test
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/min"},
    }
    api_settings.reload()
    AnonRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
    cache.clear()
    try:
        assert client.get("/api/v1/bodies/").status_code == 200
        assert client.get("/api/v1/bodies/").status_code == 200
        refused = client.get("/api/v1/bodies/")
        assert refused.status_code == 429
        assert 0 < int(refused["Retry-After"]) <= 60
        assert "Request was throttled" in refused.json()["detail"]
    finally:
        # The rate stayed 2/min for every later test: the class kept the overridden rates.
        AnonRateThrottle.THROTTLE_RATES = rates
        cache.clear()


def test_making_the_schema_leaves_the_pages_filters_their_own_choices(sources):
    """The schema generator builds the filters' fields on the classes: a form must still get
    its own (a plan's areas, the meeting years)."""
    from drf_spectacular.generators import SchemaGenerator

    from workplans.meetings import MeetingFilter
    from workplans.tables.filters import ProjectFilter

    SchemaGenerator().get_schema(request=None, public=True)
    years = MeetingFilter({"year": "2024"}).form.fields["year"].choices
    assert ("2024", "2024") in [(str(a), str(b)) for a, b in years]
    plan = WorkPlan.objects.get(slug="vn-scheme-1439-2019-2025")
    areas = ProjectFilter({}, plan=plan).form.fields["area"].choices
    assert [label for value, label in areas if value] == [str(a) for a in plan.areas.all()]
