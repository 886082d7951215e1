"""As of a date: each project's status at the end of that day, rebuilt by the database from
the audit trail, checked against histories replayed in plain Python."""

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from workplans.models import Project, StatusChange, WorkPlan
from workplans.querysets import end_of
from workplans.selectors import listed_projects, plan_progress
from workplans.statuses import COUNTED
from workplans.tables.filters import ProjectFilter

from .conftest import make_plan

S = Project.Status
STATUSES = [S.PROPOSED, S.PLANNED, S.ONGOING, S.COMPLETED, S.POSTPONED, S.CANCELLED]
START = datetime(2022, 1, 1, tzinfo=UTC)


def random_history(rng: random.Random) -> tuple[datetime, list[tuple[datetime, str]], bool]:
    """When the project was created, its statuses over time (the first is its initial
    status) and whether its creation was audited (fixtures' projects have no such row)."""
    created = START + timedelta(hours=rng.randrange(0, 24 * 400))
    statuses: list[tuple[datetime, str]] = [(created, rng.choice(STATUSES))]
    moment = created
    for _ in range(rng.randrange(0, 6)):
        moment += timedelta(hours=rng.randrange(1, 24 * 90))
        statuses.append((moment, rng.choice([s for s in STATUSES if s != statuses[-1][1]])))
    return created, statuses, rng.random() < 0.5


def truth(history, day: date) -> str | None:
    """The status at the end of `day`, by replaying the history in plain Python."""
    created, statuses, _audited = history
    end = end_of(day)
    if created >= end:
        return None
    return [status for moment, status in statuses if moment < end][-1]


def build(plan: WorkPlan, histories) -> list[Project]:
    projects = []
    for number, (created, statuses, audited) in enumerate(histories):
        project = Project.objects.create(plan=plan, code=f"R{number:03}", status=statuses[-1][1])
        Project.objects.filter(pk=project.pk).update(created_at=created)
        rows = []
        if audited:
            rows.append(
                StatusChange(
                    project=project,
                    action="created",
                    to_status=statuses[0][1],
                    channel="web",
                    version=1,
                )
            )
        for (_m, old), (_moment, new) in zip(statuses, statuses[1:], strict=False):
            rows.append(
                StatusChange(
                    project=project,
                    action="status",
                    from_status=old,
                    to_status=new,
                    channel="web",
                    version=1,
                )
            )
        for row in rows:
            row.save()
        moments = ([created] if audited else []) + [moment for moment, _s in statuses[1:]]
        for row, moment in zip(rows, moments, strict=True):
            StatusChange.objects.filter(pk=row.pk).update(changed_at=moment)
        projects.append(project)
    return projects


@pytest.mark.django_db
@pytest.mark.parametrize("seed", range(5))
def test_as_of_matches_a_plain_python_replay(plus_three, seed):
    rng = random.Random(seed)
    plans = [make_plan(plus_three, f"replay-{seed}-{i}") for i in range(3)]
    histories = {plan.pk: [random_history(rng) for _ in range(12)] for plan in plans}
    projects = {plan.pk: build(plan, histories[plan.pk]) for plan in plans}
    days = [date(2021, 12, 31)] + [
        (START + timedelta(days=rng.randrange(0, 800))).date() for _ in range(15)
    ]
    for day in days:
        # Each project's status then.
        then = dict(Project.objects.as_of(day).values_list("pk", "status_then"))
        expected = {
            project.pk: truth(history, day)
            for plan in plans
            for project, history in zip(projects[plan.pk], histories[plan.pk], strict=True)
            if truth(history, day) is not None
        }
        assert then == expected, day
        # The tables' status filter reads the same status then.
        chosen = rng.choice(STATUSES)
        filtered = ProjectFilter({"status": [chosen]}, queryset=listed_projects(day)).qs
        assert set(filtered.values_list("pk", flat=True)) == {
            pk for pk, status in expected.items() if status == chosen
        }, (day, chosen)
        # Each plan's counts then, by the aggregate query the pages use.
        figures = {
            p.plan.pk: p
            for p in plan_progress(WorkPlan.objects.filter(pk__in=[x.pk for x in plans]), as_of=day)
        }
        for plan in plans:
            statuses = [truth(h, day) for h in histories[plan.pk]]
            progress = figures[plan.pk]
            if not any(s and s != S.PROPOSED for s in statuses):
                assert progress.live is None
                continue
            assert {s.value: progress.live.count(s) for s in COUNTED} == {
                s.value: statuses.count(s) for s in COUNTED
            }, (plan.slug, day)
            assert progress.pending == statuses.count(S.PROPOSED)


@pytest.mark.django_db
def test_as_of_costs_the_same_queries_with_more_data(plus_three):
    rng = random.Random(7)

    def queries(n: int) -> int:
        plans = [make_plan(plus_three, f"cost-{n}-{i}") for i in range(n)]
        for plan in plans:
            build(plan, [random_history(rng) for _ in range(3)])
        with CaptureQueriesContext(connection) as captured:
            plan_progress(
                WorkPlan.objects.filter(pk__in=[p.pk for p in plans]), as_of=date(2022, 6, 1)
            )
        return len(captured)

    assert queries(2) == queries(15)


@pytest.fixture
def completed_last_year(plus_three, secretariat):
    """A plan of two planned projects; one completed on 1 March 2024 (dated in the trail)."""
    from workplans.services import project_set_status

    plan = make_plan(plus_three, "as-of-plan", statuses=[S.PLANNED, S.PLANNED])
    Project.objects.filter(plan=plan).update(created_at=START)
    project = plan.projects.get(code="P001")
    project_set_status(project=project, status=S.COMPLETED, by=secretariat, expected_version=1)
    StatusChange.objects.filter(project=project).update(
        changed_at=datetime(2024, 3, 1, 10, tzinfo=UTC)
    )
    return plan


def test_the_pages_show_the_figures_as_of_a_day(client, completed_last_year):
    plan = completed_last_year
    before = client.get(plan.get_absolute_url(), {"as_of": "2024-02-29"})
    assert before.context["progress"].live.completed == 0
    html = before.content.decode()
    assert 'data-as-of="2024-02-29"' in html and "As of 29 February 2024" in html
    assert "as of 29 February 2024" in html  # the trend's last point
    after = client.get(plan.get_absolute_url(), {"as_of": "2024-03-01"})
    assert after.context["progress"].live.completed == 1
    now = client.get(plan.get_absolute_url())
    assert now.context["as_of"] is None and now.context["progress"].live.completed == 1

    dashboard = client.get("/", {"as_of": "2024-02-29"}).content.decode()
    card = dashboard[dashboard.index('data-plan="as-of-plan"') :].split("</article>")[0]
    assert 'data-figure="completion">0.0 %' in card


def test_the_progress_export_says_its_day_in_its_name_and_inside(client, completed_last_year):
    response = client.get("/progress/", {"as_of": "2024-02-29", "_export": "csv"})
    assert "as-of-2024-02-29" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    row = next(line for line in text.splitlines() if line.startswith("ACCSM+3,Plan as-of-plan"))
    assert ",2,0,0.0," in row
    # The source and the date the figures hold on.
    assert row.endswith('as of 29 February 2024, rebuilt from the audit trail",29 February 2024')

    import io

    import openpyxl

    response = client.get("/progress/", {"as_of": "2024-02-29", "_export": "xlsx"})
    assert "as-of-2024-02-29" in response["Content-Disposition"]
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    assert "As of: 29 February 2024" in sheet["A1"].value


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2024-13-01", "is not a date"),
        ("yesterday", "is not a date"),
        ("2999-01-01", "is in the future"),
    ],
)
def test_a_bad_as_of_says_what_is_wrong_and_shows_the_figures_now(client, db, value, message):
    response = client.get("/", {"as_of": value})
    assert response.status_code == 200
    assert response.context["as_of"] is None
    assert message in response.content.decode() and "as_of" in response.content.decode()


# ---------------------------------------------------------------------------------
# The project tables as of a day: status shown, filtered, sorted and exported as it was then.


def rows_of(response) -> dict[str, str]:
    """code -> the status a project table shows, read from its rendered rows."""
    return {row.record.code: row.get_cell("status") for row in response.context["table"].rows}


def test_a_project_table_shows_filters_and_sorts_by_the_status_then(
    client, completed_last_year, secretariat
):
    url = f"/plans/{completed_last_year.slug}/projects/"
    then = client.get(url, {"as_of": "2024-02-29"})
    assert 'data-as-of="2024-02-29"' in then.content.decode()
    assert {code: "status-planned" in cell for code, cell in rows_of(then).items()} == {
        "P001": True,
        "P002": True,
    }
    assert "status-completed" in rows_of(client.get(url))["P001"]

    def codes(**params) -> list[str]:
        table = client.get(url, params).context["table"]
        return [row.record.code for row in table.paginated_rows]

    assert codes(status="completed", as_of="2024-02-29") == []
    assert codes(status="completed") == ["P001"]
    assert codes(status="planned", as_of="2024-02-29") == ["P001", "P002"]
    # P002 completed too, but before the day: then P001 was planned and P002 completed; now
    # both are completed, so they tie (ties by id, in the sort's direction).
    from workplans.services import project_set_status

    p002 = completed_last_year.projects.get(code="P002")
    project_set_status(project=p002, status=S.COMPLETED, by=secretariat, expected_version=1)
    StatusChange.objects.filter(project=p002).update(changed_at=datetime(2024, 1, 10, tzinfo=UTC))
    assert codes(sort="-status", as_of="2024-02-29") == ["P001", "P002"]
    assert codes(sort="-status") == ["P002", "P001"]
    # The filter form keeps the day when the filters change; back to now keeps the filters.
    assert 'name="as_of" value="2024-02-29"' in then.content.decode()
    filtered = client.get(url, {"status": "planned", "as_of": "2024-02-29", "page": "1"})
    assert f'href="{url}?status=planned">Back to the figures now' in filtered.content.decode()


def test_a_project_export_as_of_a_day_says_so_and_holds_the_status_then(
    client, completed_last_year
):
    url = f"/plans/{completed_last_year.slug}/projects/"
    response = client.get(url, {"as_of": "2024-02-29", "_export": "csv"})
    assert "-projects-as-of-2024-02-29-" in response["Content-Disposition"]
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    header = lines[0].split(",")
    status, since = header.index("Status"), header.index("Last update")
    cells = {line.split(",")[0]: line.split(",") for line in lines[1:]}
    assert cells["P001"][status] == "Planned" and cells["P001"][since] == ""
    later = client.get(url, {"as_of": "2024-03-01", "_export": "csv"})
    lines = b"".join(later.streaming_content).decode("utf-8-sig").splitlines()
    p001 = next(line.split(",") for line in lines if line.startswith("P001"))
    assert p001[status] == "Completed" and p001[since] == "2024-03-01"

    import io

    import openpyxl

    response = client.get(url, {"as_of": "2024-02-29", "_export": "xlsx"})
    content = b"".join(response.streaming_content) if response.streaming else response.content
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    assert "As of: 29 February 2024" in sheet["A1"].value


def test_a_countrys_list_as_of_a_day(client, completed_last_year, official_vn, viet_nam):
    for project in completed_last_year.projects.all():
        project.lead_countries.set([viet_nam])
    client.force_login(official_vn)
    now = client.get("/my-projects/")
    assert now.context["stale_total"] == 1  # P002: planned, never updated
    assert "update" in [column.name for column in now.context["table"].columns]
    then = client.get("/my-projects/", {"as_of": "2024-02-29"})
    assert then.context["stale_total"] == 2  # both planned then, created two years before
    assert {code: "status-planned" in cell for code, cell in rows_of(then).items()} == {
        "P001": True,
        "P002": True,
    }
    # A past day's list: nothing to update there.
    assert "update" not in [column.name for column in then.context["table"].columns]
    stale = client.get("/my-projects/", {"as_of": "2024-02-29", "stale": "on"})
    assert stale.context["table"].paginator.count == 2
    # The last update then: the change of 1 March 2024, by the Secretariat.
    later = client.get("/my-projects/", {"as_of": "2024-03-01"})
    p001 = next(row for row in later.context["table"].rows if row.record.code == "P001")
    assert "1 March 2024" in p001.get_cell("last_update")
    assert "secretariat" in p001.get_cell("last_update")


@pytest.mark.django_db
def test_project_tables_as_of_cost_the_same_queries_with_more_data(client, plus_three, secretariat):
    rng = random.Random(3)
    client.force_login(secretariat)

    def queries(n: int) -> int:
        for i in range(n):
            build(make_plan(plus_three, f"rows-{n}-{i}"), [random_history(rng) for _ in range(3)])
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/projects/", {"as_of": "2023-01-01", "sort": "-status"})
        assert response.status_code == 200
        return len(captured)

    assert queries(2) == queries(12)
