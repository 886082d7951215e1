"""Rules the database itself enforces, by name."""

import pytest
from django.db import IntegrityError, transaction

from workplans.models import StatusReport

from .conftest import make_body, make_meeting, make_plan, make_report


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["completed", "ongoing", "planned", "postponed"])
def test_a_negative_count_is_refused(field):
    body = make_body()
    report = make_report(make_plan(body, "p"), make_meeting(body), completed=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusReport.objects.filter(pk=report.pk).update(**{field: -1})
    report.refresh_from_db()
    assert getattr(report, field) >= 0


@pytest.mark.django_db
def test_a_second_report_for_the_same_plan_and_meeting_is_refused():
    body = make_body()
    plan, meeting = make_plan(body, "p"), make_meeting(body)
    make_report(plan, meeting, completed=7)
    with pytest.raises(IntegrityError, match="(?i)unique|one_per_plan"), transaction.atomic():
        make_report(plan, meeting, completed=8)
    assert StatusReport.objects.filter(plan=plan).count() == 1


@pytest.mark.django_db
def test_reports_of_one_plan_at_different_meetings_are_kept():
    body = make_body()
    plan = make_plan(body, "p")
    make_report(plan, make_meeting(body, day="2022-08-02"), completed=7)
    make_report(plan, make_meeting(body, day="2023-08-02"), completed=9)
    assert StatusReport.objects.filter(plan=plan).count() == 2


@pytest.mark.django_db
def test_a_report_without_meeting_or_source_is_refused():
    plan = make_plan(make_body(), "p")
    with pytest.raises(IntegrityError), transaction.atomic():
        StatusReport.objects.create(plan=plan, reported_on="2022-08-02", completed=1)
