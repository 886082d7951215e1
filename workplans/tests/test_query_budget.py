"""Every page costs at most eight SQL queries, the session and the user included, and the same
number with ten times the data: each role, each page, each sort and filter of the tables."""

import itertools
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from workplans.models import (
    Chairmanship,
    Milestone,
    PriorityArea,
    Project,
    ReportingRound,
    StatusSubmission,
    Target,
)

from .conftest import make_body, make_meeting, make_plan, make_project, make_report, make_user

BUDGET = 8
S = Project.Status
STATUSES = [S.COMPLETED, S.ONGOING, S.PLANNED, S.POSTPONED, S.CANCELLED, S.PROPOSED, S.PLANNED]

TABLE_VIEWS = [
    "",
    "?sort=-plan",
    "?sort=body&page=2",
    "?sort=code",
    "?sort=-title",
    "?sort=lead_countries",
    "?sort=-priority_area",
    "?sort=year",
    "?sort=-status",
    "?sort=status_changed_at",
    "?status=planned&status=ongoing",
    "?lead_country=VN&sort=-year",
    "?lead_country=VN&page=2",
    "?area=2&year=2022",
    "?q=Project&per_page=50",
    "?body=one&plan={plan}",
    "?as_of=2024-01-01&sort=status",
]
PUBLIC = [
    "/",
    "/?as_of=2024-01-01",
    "/plans/{plan}/",
    "/plans/{plan}/?as_of=2024-01-01",
    "/projects/{project}/",
    "/progress/",
    "/progress/?body=one&page=2",
    "/annex/",
    "/annex/one/",
    "/meetings/",
    "/meetings/{meeting}/",
    "/chairs/",
    "/targets/",
    *(f"/projects/{view}" for view in TABLE_VIEWS),
    *(f"/plans/{{plan}}/projects/{view}" for view in TABLE_VIEWS if "plan=" not in view),
    "/api/v1/",
    "/api/v1/plans/",
    "/api/v1/plans/{plan}/",
    "/api/v1/projects/?sort=-year",
    "/api/v1/projects/{project}/",
    "/api/v1/meetings/",
    "/api/v1/reports/",
    "/api/v1/targets/",
    "/api/v1/milestones/",
]
SECRETARIAT = [
    *PUBLIC,
    "/countries/",
    "/countries/VN/",
    "/countries/VN/?status=planned&sort=-plan",
    "/reconcile/",
    "/rounds/",
    "/rounds/{round}/",
    "/reviews/",
    "/meetings/{coming}/record/",
    "/imports/",
    "/imports/status/",
    "/imports/itemize/",
    "/proposals/new/",
]
OFFICIAL = [
    "/",
    "/plans/{plan}/",
    "/projects/{project}/",
    "/my-projects/",
    "/my-projects/?round={round}",
    "/my-projects/?stale=on&sort=-status",
    "/my-projects/?as_of=2024-01-01",
    "/imports/status/",
    "/proposals/new/",
]
ROLES = {"anonymous": PUBLIC, "secretariat": SECRETARIAT, "official_vn": OFFICIAL}


def build(n_plans: int, n_projects: int, vn, jp) -> dict:
    """Plans of two bodies with every kind of thing a page shows: reports, areas, targets,
    milestones, proposals, lead countries, an open round, changes in review and returned."""
    secretariat = make_user(f"sec-{n_plans}", "Secretariat")
    bodies = [make_body("one"), make_body("two", review_updates=True)]
    today = timezone.localdate()
    statuses = itertools.cycle(STATUSES)
    plans = []
    for i in range(n_plans):
        body = bodies[i % 2]
        plan = make_plan(body, f"plan-{i}", start_year=2016 + 5 * (i % 2))
        meeting = make_meeting(body, day=f"2022-08-{1 + i % 28:02}")
        make_report(plan, meeting, completed=1, planned=2)
        areas = [
            PriorityArea.objects.create(plan=plan, number=n, title=f"Area {n}", proposed_by=vn)
            for n in (1, 2, 3)
        ]
        Target.objects.create(
            plan=plan, description="All trained", target_percent=100, start_year=2021, end_year=2025
        )
        Milestone.objects.create(
            plan=plan, description="Guidance", due_label="Q1 2019", due_date="2019-03-31"
        )
        for n in range(n_projects):
            make_project(
                plan,
                f"P{n:03}",
                leads=[vn, jp][: 1 + n % 2] if n % 3 else [jp],
                status=next(statuses),
                year=2021 + n % 4,
                priority_area=areas[n % 3],
            )
        plans.append(plan)
    first = plans[0]
    coming = make_meeting(bodies[0], kind="som", day=today + timedelta(days=20))
    round_ = ReportingRound.objects.create(meeting=coming, due_on=today, opened_by=secretariat)
    in_review = first.projects.filter(status=S.PLANNED)[0]
    StatusSubmission.objects.create(
        project=in_review, status=S.ONGOING, base_version=1, submitted_by=secretariat
    )
    StatusSubmission.objects.create(
        project=in_review,
        status=S.COMPLETED,
        base_version=1,
        submitted_by=secretariat,
        state=StatusSubmission.State.RETURNED,
        comment="Which report?",
    )
    Chairmanship.objects.create(body=bodies[0], country=vn)
    return {
        "plan": first.slug,
        "project": first.projects.exclude(status=S.PROPOSED)[0].pk,
        "meeting": coming.pk,
        "coming": coming.pk,
        "round": round_.pk,
        "secretariat": secretariat,
    }


def queries_per_page(client, urls: list[str], objects: dict) -> dict[str, int]:
    """The queries of each page in steady state: after a first request, which may renew the
    session or let Django ask the database what it supports."""
    counts = {}
    for url in urls:
        address = url.format(**objects)
        client.get(address)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(address)
        assert response.status_code == 200, (address, response.status_code)
        counts[url] = len(captured)
    return counts


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_every_page_costs_at_most_eight_queries_whatever_the_data(client, role, viet_nam, japan):
    official = make_user("official_vn", "Officials", viet_nam) if role == "official_vn" else None

    def measure(n_plans: int, n_projects: int) -> dict[str, int]:
        with transaction.atomic():
            objects = build(n_plans, n_projects, viet_nam, japan)
            user = {"secretariat": objects["secretariat"], "official_vn": official}.get(role)
            if user:
                client.force_login(user)
            counts = queries_per_page(client, ROLES[role], objects)
            client.logout()
            transaction.set_rollback(True)
        return counts

    small = measure(3, 10)
    large = measure(12, 70)
    over = {url: n for url, n in large.items() if n > BUDGET}
    assert over == {}
    grown = {url: (small[url], large[url]) for url in small if small[url] != large[url]}
    assert grown == {}
