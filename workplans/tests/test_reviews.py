"""Review of officials' updates where a body turns it on: submit, approve, return, answer."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from workplans import services
from workplans.models import Project, StatusChange, StatusSubmission
from workplans.services import StaleVersionError

from .conftest import make_project

S = Project.Status


@pytest.fixture
def reviewed(vn_project):
    body = vn_project.plan.body
    body.review_updates = True
    body.save()
    return vn_project


def post_status(client, project, status, **extra):
    data = {"status": status, "version": project.version, "note": "", "evidence_url": ""}
    return client.post(reverse("workplans:project_status", args=[project.pk]), {**data, **extra})


def test_an_officials_change_is_submitted_not_applied(client, official_vn, reviewed):
    client.force_login(official_vn)
    response = post_status(client, reviewed, S.COMPLETED, note="Held in May")
    assert response.status_code == 302
    reviewed.refresh_from_db()
    assert reviewed.status == S.PLANNED and reviewed.version == 1  # nothing counts yet
    submission = StatusSubmission.objects.get()
    assert (submission.status, submission.state, submission.submitted_by) == (
        S.COMPLETED,
        "pending",
        official_vn,
    )
    audit = reviewed.changes.get()
    assert (audit.action, audit.to_status, audit.values["status"]) == ("submitted", "", S.COMPLETED)
    page = client.get(reviewed.get_absolute_url()).content.decode()
    assert 'data-submission="pending"' in page and 'id="update"' not in page
    assert "Submitted for review" in page  # in the history
    # One change waits at a time.
    with pytest.raises(ValidationError, match="already waiting for review"):
        services.status_submit(
            project=reviewed, status=S.ONGOING, by=official_vn, expected_version=1
        )
    mine = client.get("/my-projects/").content.decode()
    assert "waiting for review: Completed" in mine


def test_the_secretariat_approves_and_the_change_counts(client, official_vn, secretariat, reviewed):
    services.status_update(
        project=reviewed, status=S.COMPLETED, by=official_vn, expected_version=1, note="Held"
    )
    # The Secretariat's own changes are not reviewed.
    assert isinstance(
        services.status_update(
            project=make_project(reviewed.plan, "VN-02"),
            status=S.ONGOING,
            by=secretariat,
            expected_version=1,
        ),
        StatusChange,
    )
    client.force_login(secretariat)
    queue = client.get("/reviews/")
    assert queue.context["page_obj"].paginator.count == 1
    submission = StatusSubmission.objects.get()
    client.post(reverse("workplans:review_approve", args=[submission.pk]))
    reviewed.refresh_from_db()
    assert reviewed.status == S.COMPLETED and reviewed.version == 2
    applied = reviewed.changes.get(action=StatusChange.Action.STATUS)
    assert applied.changed_by == secretariat and applied.note == "Held"
    assert applied.values == {"submission": submission.pk, "submitted_by": "official_vn"}
    submission.refresh_from_db()
    assert (submission.state, submission.decided_by) == ("approved", secretariat)
    # Deciding again is refused, and writes nothing.
    with pytest.raises(ValidationError, match="already decided"):
        services.submission_approve(submission=submission, by=secretariat)
    assert reviewed.changes.filter(action=StatusChange.Action.STATUS).count() == 1


def test_a_returned_change_is_seen_and_answered(client, official_vn, secretariat, reviewed):
    first = services.status_update(
        project=reviewed, status=S.COMPLETED, by=official_vn, expected_version=1
    )
    client.force_login(secretariat)
    refused = client.post(reverse("workplans:review_return", args=[first.pk]), {"comment": ""})
    assert refused.status_code == 302
    first.refresh_from_db()
    assert first.state == "pending"  # no comment, no return
    client.post(
        reverse("workplans:review_return", args=[first.pk]),
        {"comment": "Attach the workshop report"},
    )
    first.refresh_from_db()
    assert (first.state, first.comment) == ("returned", "Attach the workshop report")
    assert reviewed.changes.filter(action="returned", note="Attach the workshop report").exists()
    client.force_login(official_vn)
    for url in (reviewed.get_absolute_url(), "/my-projects/"):
        assert "Attach the workshop report" in client.get(url).content.decode(), url
    post_status(
        client, reviewed, S.COMPLETED, note="Report attached", evidence_url="https://moha.gov.vn/r"
    )
    second = StatusSubmission.objects.get(state="pending")
    assert second.answers == first
    assert "Attach the workshop report" not in client.get("/my-projects/").content.decode()


def test_a_stale_approval_is_refused_and_the_change_stays_pending(
    official_vn, secretariat, reviewed
):
    submission = services.status_update(
        project=reviewed, status=S.COMPLETED, by=official_vn, expected_version=1
    )
    services.project_set_status(
        project=reviewed, status=S.ONGOING, by=secretariat, expected_version=1
    )
    with pytest.raises(StaleVersionError):
        services.submission_approve(submission=submission, by=secretariat)
    submission.refresh_from_db()
    reviewed.refresh_from_db()
    assert submission.state == "pending" and reviewed.status == S.ONGOING


def test_a_change_submitted_in_a_closed_round_waits_for_the_round_to_reopen(
    official_vn, secretariat, reviewed
):
    from datetime import timedelta

    from django.utils import timezone

    from .conftest import make_meeting

    meeting = make_meeting(
        reviewed.plan.body, kind="som3", day=timezone.localdate() + timedelta(days=10)
    )
    round_ = services.round_open(meeting=meeting, due_on=timezone.localdate(), by=secretariat)
    submission = services.status_update(
        project=reviewed, status=S.ONGOING, by=official_vn, expected_version=1
    )
    assert submission.round == round_
    services.round_close(round=round_, by=secretariat)
    with pytest.raises(ValidationError, match="reopen it to approve"):
        services.submission_approve(submission=submission, by=secretariat)
    submission.refresh_from_db()
    assert submission.state == "pending"
    services.round_reopen(round=round_, by=secretariat, reason="One approval left")
    services.submission_approve(submission=submission, by=secretariat)
    reviewed.refresh_from_db()
    assert reviewed.status == S.ONGOING


def test_an_import_submits_where_the_body_reviews(client, official_vn, reviewed):
    from .test_imports import csv_bytes, upload  # the import tests' helpers

    client.force_login(official_vn)
    rows = [["code", "status", "note", "evidence"], ["VN-01", "ongoing", "", ""]]
    preview = upload(client, "status", reviewed.plan, "status.csv", csv_bytes(rows))
    response = client.post(
        reverse("workplans:import_confirm"), {"token": preview.context["token"]}, follow=True
    )
    assert "1 status change was submitted for review" in response.content.decode()
    reviewed.refresh_from_db()
    assert reviewed.status == S.PLANNED
    assert StatusSubmission.objects.get().status == S.ONGOING
