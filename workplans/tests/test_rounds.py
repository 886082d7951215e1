"""The reporting round before a meeting: who still has to report, the round's table, closing
it (recording the meeting's figures) and the lock it puts on the meeting."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from workplans import services
from workplans.models import Project, ReportingRound, RoundEvent, StatusChange
from workplans.rounds import round_progress

from .conftest import make_meeting, make_plan, make_project, make_user

S = Project.Status


@pytest.fixture
def coming_som(plus_three):
    """A SOM of ACCSM+3 in three weeks."""
    return make_meeting(
        plus_three, kind="som3", day=timezone.localdate() + timedelta(days=21), edition="ACCSM 99"
    )


@pytest.fixture
def led(plus_three, viet_nam, japan):
    """Four projects: three led by Viet Nam (one of them with Japan), one completed."""
    plan = make_plan(plus_three, "round-plan")
    return {
        "a": make_project(plan, "VN-A", leads=[viet_nam], status=S.PLANNED),
        "b": make_project(plan, "VN-B", leads=[viet_nam, japan], status=S.ONGOING),
        "c": make_project(plan, "VN-C", leads=[viet_nam], status=S.POSTPONED),
        "done": make_project(plan, "VN-D", leads=[viet_nam], status=S.COMPLETED),
    }


@pytest.fixture
def open_round(coming_som, secretariat, led):
    return services.round_open(
        meeting=coming_som, due_on=coming_som.start_date - timedelta(days=7), by=secretariat
    )


def test_the_secretariat_opens_a_round_and_bad_input_says_what_is_wrong(
    client, secretariat, coming_som, plus_three
):
    client.force_login(secretariat)
    past = make_meeting(plus_three, kind="som", day="2022-08-02")
    today = timezone.localdate()
    refused = client.post(
        "/rounds/", {"meeting": coming_som.pk, "due_on": "2999-01-01", "remind_days": 7}
    )
    assert refused.status_code == 400
    assert "The due date falls after the meeting" in refused.content.decode()
    assert (
        client.post(
            "/rounds/", {"meeting": past.pk, "due_on": today.isoformat(), "remind_days": 7}
        ).status_code
        == 400
    )  # not among the choices: a past meeting
    assert not ReportingRound.objects.exists()

    response = client.post(
        "/rounds/", {"meeting": coming_som.pk, "due_on": today.isoformat(), "remind_days": 3}
    )
    round_ = ReportingRound.objects.get()
    assert response.status_code == 302 and response["Location"] == round_.get_absolute_url()
    assert (round_.due_on, round_.remind_days, round_.opened_by) == (today, 3, secretariat)
    assert list(round_.events.values_list("action", flat=True)) == ["opened"]
    with pytest.raises(ValidationError, match="already has a reporting round"):
        services.round_open(meeting=coming_som, due_on=today, by=secretariat)


def test_my_projects_says_what_is_still_to_report(client, official_vn, open_round, led):
    client.force_login(official_vn)
    page = client.get("/my-projects/")
    html = page.content.decode()
    assert "To report before" in html and "ACCSM 99" in html
    assert f'data-round="{open_round.pk}" data-outstanding="3"' in html  # not the completed one
    # The list of those still to report, and after one update and one confirmation.
    listed = client.get("/my-projects/", {"round": open_round.pk}).context["table"]
    assert sorted(row.record.code for row in listed.rows) == ["VN-A", "VN-B", "VN-C"]
    a, b = led["a"], led["b"]
    client.post(
        reverse("workplans:project_status", args=[a.pk]), {"status": S.ONGOING, "version": 1}
    )
    client.post(reverse("workplans:project_confirm", args=[b.pk]), {"version": 1})
    b.refresh_from_db()
    assert b.status == S.ONGOING and b.version == 2
    assert b.changes.get().action == StatusChange.Action.CONFIRMED
    listed = client.get("/my-projects/", {"round": open_round.pk}).context["table"]
    assert [row.record.code for row in listed.rows] == ["VN-C"]
    assert 'data-outstanding="1"' in client.get("/my-projects/").content.decode()
    # An update made before the round opened does not count in it.
    led["c"].changes.create(
        action="status", from_status="planned", to_status="postponed", channel="web", version=1
    )
    StatusChange.objects.filter(project=led["c"]).update(
        changed_at=open_round.opened_at - timedelta(days=1)
    )
    assert 'data-outstanding="1"' in client.get("/my-projects/").content.decode()


def test_a_completed_project_is_not_asked_for_but_one_completed_in_the_round_counts(
    open_round, led, official_vn, viet_nam
):
    services.project_set_status(
        project=led["a"], status=S.COMPLETED, by=official_vn, expected_version=1
    )
    (row,) = [r for r in round_progress(open_round) if r.country == viet_nam]
    assert (row.total, row.reported, row.outstanding) == (3, 1, 2)


def test_the_round_page_shows_each_country_and_exports(
    client, secretariat, open_round, led, official_vn, official_jp
):
    services.project_confirm(project=led["b"], by=official_jp, expected_version=1)
    client.force_login(secretariat)
    page = client.get(open_round.get_absolute_url())
    rows = {r.country.code: r for r in page.context["rows"]}
    assert (rows["VN"].total, rows["VN"].reported) == (3, 1)
    assert (rows["JP"].total, rows["JP"].reported, rows["JP"].percent) == (1, 1, 100.0)
    assert rows["VN"].officials == [official_vn]
    assert rows["VN"] == page.context["rows"][0]  # the most outstanding first
    response = client.get(open_round.get_absolute_url(), {"_export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == [
        "Country",
        "Projects asked for",
        "Reported in the round",
        "Outstanding",
        "Reported in the round (%)",
        "Officials",
    ]
    assert table[1] == ["Viet Nam", "3", "1", "2", "33.3", "official_vn"]


def test_the_round_page_costs_the_same_queries_with_more_data(
    client, secretariat, open_round, plus_three, viet_nam, japan
):
    client.force_login(secretariat)

    def queries(n: int) -> int:
        for i in range(n):
            plan = make_plan(plus_three, f"more-{n}-{i}")
            make_project(plan, f"M{i}", leads=[viet_nam, japan])
            make_user(f"official-{n}-{i}", "Officials", japan)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(open_round.get_absolute_url()).status_code == 200
        return len(captured)

    assert queries(2) == queries(15)


def test_recording_the_figures_closes_the_round_and_locks_its_meeting(
    client, secretariat, open_round, led, official_vn
):
    # Recording is allowed up to the meeting: make it today's.
    meeting = open_round.meeting
    meeting.start_date = timezone.localdate()
    meeting.save()
    services.reports_record_at_meeting(meeting=meeting, by=secretariat)
    open_round.refresh_from_db()
    assert not open_round.is_open
    assert [e.action for e in open_round.events.all()] == ["opened", "closed"]
    # Nothing more is dated to the meeting.
    with pytest.raises(ValidationError, match="is closed"):
        services.project_set_status(
            project=led["a"], status=S.ONGOING, by=secretariat, expected_version=1, meeting=meeting
        )
    # Reopening needs a reason, which the history keeps.
    client.force_login(secretariat)
    client.post(reverse("workplans:round_reopen", args=[open_round.pk]), {"reason": ""})
    open_round.refresh_from_db()
    assert not open_round.is_open
    client.post(
        reverse("workplans:round_reopen", args=[open_round.pk]),
        {"reason": "Thailand's figures came late"},
    )
    open_round.refresh_from_db()
    assert open_round.is_open
    event = open_round.events.last()
    assert (event.action, event.reason, event.by) == (
        RoundEvent.Action.REOPENED,
        "Thailand's figures came late",
        secretariat,
    )
    services.project_set_status(
        project=led["a"], status=S.ONGOING, by=secretariat, expected_version=1, meeting=meeting
    )
    # The round page says who reported, closed or open, and only the Secretariat sees it.
    client.force_login(official_vn)
    assert client.get(open_round.get_absolute_url()).status_code == 403
