"""The progress arithmetic: counted totals, percentages, live and reported figures."""

from datetime import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from workplans.models import Project, WorkPlan
from workplans.progress import Progress, percent
from workplans.selectors import Basis, plan_progress
from workplans.templatetags.progress import pct

from .conftest import make_body, make_meeting, make_plan, make_report

S = Project.Status


def test_accsm_2021_2025_percentages_from_the_sources():
    progress = Progress(completed=7, ongoing=5, planned=19)
    assert progress.total == 31
    assert [progress.percent(s) for s in ("completed", "ongoing", "planned")] == [
        Decimal("22.6"),
        Decimal("16.1"),
        Decimal("61.3"),
    ]


def test_accsm_plus_3_2021_2025_percentages_from_the_sources():
    progress = Progress(completed=7, ongoing=4, planned=21)
    assert progress.total == 32
    assert [progress.percent(s) for s in ("completed", "ongoing", "planned")] == [
        Decimal("21.9"),
        Decimal("12.5"),
        Decimal("65.6"),
    ]


def test_nothing_counted_shows_a_dash_not_an_error():
    assert Progress().completion is None
    assert percent(0, 0) is None
    assert pct(Progress().completion) == "—"
    assert pct(Decimal("22.6")) == "22.6 %"


def test_half_rounds_up():
    assert percent(1, 8) == Decimal("12.5")
    assert percent(1, 16) == Decimal("6.3")  # 6.25


def test_sum_of_progress_adds_each_status():
    total = Progress(completed=7, ongoing=5, planned=19) + Progress(
        completed=7, ongoing=4, planned=21
    )
    assert (total.completed, total.ongoing, total.planned, total.total) == (14, 9, 40, 63)


@pytest.mark.django_db
def test_live_counts_leave_out_proposed_and_cancelled_projects():
    plan = make_plan(
        make_body(),
        "p",
        statuses=[S.COMPLETED, S.ONGOING, S.PLANNED, S.POSTPONED, S.PROPOSED, S.CANCELLED],
    )
    [progress] = plan_progress(WorkPlan.objects.filter(pk=plan.pk))
    assert progress.live == Progress(completed=1, ongoing=1, planned=1, postponed=1)
    assert progress.live.completion == Decimal("25.0")
    assert progress.pending == 1
    assert progress.reported is None


@pytest.mark.django_db
def test_a_plan_of_proposals_only_is_not_itemized_and_shows_its_report():
    body = make_body()
    plan = make_plan(body, "p", statuses=[S.PROPOSED])
    make_report(plan, make_meeting(body), completed=7, ongoing=4, planned=21)
    [progress] = plan_progress(WorkPlan.objects.filter(pk=plan.pk))
    assert progress.live is None
    assert progress.figures == Progress(completed=7, ongoing=4, planned=21)
    assert progress.pending == 1
    assert not progress.differs


@pytest.mark.django_db
def test_the_latest_report_is_shown_and_a_differing_live_count_is_flagged():
    body = make_body()
    plan = make_plan(body, "p", statuses=[S.COMPLETED, S.PLANNED])
    make_report(plan, make_meeting(body, day="2021-06-01"), completed=1, planned=9)
    latest = make_report(plan, make_meeting(body, day="2022-08-02"), planned=2)
    [progress] = plan_progress(WorkPlan.objects.filter(pk=plan.pk))
    assert progress.report == latest
    assert progress.reported == Progress(planned=2)
    # Both reported projects are itemized: the live count takes over.
    assert progress.figures == progress.live == Progress(completed=1, planned=1)
    assert progress.differs


@pytest.mark.django_db
def test_a_live_count_equal_to_the_report_is_not_flagged():
    body = make_body()
    plan = make_plan(body, "p", statuses=[S.COMPLETED, S.PLANNED])
    make_report(plan, make_meeting(body), completed=1, planned=1)
    [progress] = plan_progress(WorkPlan.objects.filter(pk=plan.pk))
    assert not progress.differs


@pytest.mark.django_db
def test_a_plan_with_only_cancelled_projects_counts_nothing():
    plan = make_plan(make_body(), "p", statuses=[S.CANCELLED])
    [progress] = plan_progress(WorkPlan.objects.filter(pk=plan.pk))
    assert progress.live == Progress()
    assert progress.live.completion is None


@pytest.mark.django_db
def test_a_partly_itemized_plan_keeps_its_reported_figures():
    body = make_body()
    plan = make_plan(body, "p", statuses=[S.COMPLETED, S.COMPLETED, S.PLANNED])
    make_report(plan, make_meeting(body), completed=7, ongoing=5, planned=19)
    [progress] = plan_progress(WorkPlan.objects.filter(pk=plan.pk))
    assert progress.basis == Basis.REPORT
    assert progress.figures == Progress(completed=7, ongoing=5, planned=19)
    assert progress.itemized_of_report == 3
    assert not progress.differs


@pytest.mark.django_db
def test_projects_adopted_after_the_report_are_added_to_it_by_their_current_status():
    body = make_body()
    plan = make_plan(body, "p", statuses=[S.PLANNED, S.ONGOING])
    make_report(plan, make_meeting(body), completed=7, ongoing=4, planned=21)
    after = timezone.make_aware(datetime(2023, 5, 1))
    plan.projects.update(adopted_on=after)
    plan.projects.create(
        code="OLD",
        title="Adopted the day of the report",
        status=S.COMPLETED,
        adopted_on=timezone.make_aware(datetime(2022, 8, 2, 9)),
    )
    [progress] = plan_progress(WorkPlan.objects.filter(pk=plan.pk))
    assert progress.basis == Basis.REPORT_PLUS
    assert progress.added == Progress(ongoing=1, planned=1)
    assert progress.figures == Progress(completed=7, ongoing=5, planned=22)
    assert progress.itemized_of_report == 1


@pytest.mark.django_db
def test_a_plan_without_a_report_shows_its_live_count():
    plan = make_plan(make_body(), "p", statuses=[S.PLANNED])
    [progress] = plan_progress(WorkPlan.objects.filter(pk=plan.pk))
    assert progress.basis == Basis.LIVE
    assert progress.figures == Progress(planned=1)
