"""The progress arithmetic: counted totals, percentages, live and reported figures."""

from decimal import Decimal

import pytest

from workplans.models import Project, WorkPlan
from workplans.progress import Progress, percent
from workplans.selectors import plan_progress
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
    latest = make_report(plan, make_meeting(body, day="2022-08-02"), completed=2, planned=8)
    [progress] = plan_progress(WorkPlan.objects.filter(pk=plan.pk))
    assert progress.report == latest
    assert progress.reported == Progress(completed=2, planned=8)
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
