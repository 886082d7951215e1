"""As of a date: each project's status at the end of that day, rebuilt by the database from
the audit trail, checked against histories replayed in plain Python."""

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from workplans.models import Project, StatusChange, WorkPlan
from workplans.querysets import end_of
from workplans.selectors import plan_progress
from workplans.statuses import COUNTED

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
