"""The meeting cycle: meetings and their business, chairs, figures recorded at a meeting."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from workplans.models import Meeting, Project, ReportChange, StatusReport
from workplans.services import proposal_adopt, report_save, reports_record_at_meeting

from .conftest import make_body, make_meeting, make_plan, make_report

S = Project.Status


def test_the_meetings_list_every_body_with_dates_as_known(client, sources):
    page = client.get(reverse("workplans:meeting_list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("data-meeting=") == Meeting.objects.count() == 8
    # ACCSM 21's meetings are known only by the event's dates: a range, never a day.
    som = Meeting.objects.get(kind="som")
    row = html[html.index(f'data-meeting="{som.pk}"') :].split("</tr>")[0]
    assert "2–6 August 2022" in row and "Hanoi" in row
    handover = Meeting.objects.get(body__code="psti")
    row = html[html.index(f'data-meeting="{handover.pk}"') :].split("</tr>")[0]
    assert "online" in row and "9–10 August 2022" in row


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"body": "BODY"}, {"som", "head", "forum"}),
        ({"kind": "som3"}, {"som3"}),
        ({"year": "2024"}, {"other"}),
    ],
)
def test_the_meetings_filter_by_body_kind_and_year(client, sources, query, expected):
    if query.get("body") == "BODY":
        query = {"body": str(Meeting.objects.get(kind="som").body_id)}
    page = client.get(reverse("workplans:meeting_list"), query)
    assert {m.kind for m in page.context["page"]} == expected


def test_a_bad_year_says_so_and_lists_nothing(client, sources):
    page = client.get(reverse("workplans:meeting_list"), {"year": "abc"})
    assert page.status_code == 200
    assert list(page.context["page"]) == []
    assert "Select a valid choice" in page.content.decode()


def test_a_meeting_page_shows_its_reports_and_decisions(client, sources, secretariat):
    som3 = Meeting.objects.get(kind="som3")
    head3 = Meeting.objects.get(kind="head3")
    seminar = Project.objects.get(code="JP-2023-SEM")
    proposal_adopt(project=seminar, meeting=head3, by=secretariat, expected_version=1)

    page = client.get(som3.get_absolute_url()).content.decode()
    assert "2–6 August 2022" in page
    assert 'data-report="accsm-plus-3-work-plan-2021-2025"' in page
    assert "Modernising the civil service" in page

    page = client.get(head3.get_absolute_url()).content.decode()
    decided = page[page.index("Proposals decided") :]
    assert "Adopted" in decided and "JP-2023-SEM" in decided
    assert "No figures are recorded as presented at this meeting." in page


def test_a_meeting_links_to_the_previous_and_next_of_its_kind(client, plus_three):
    first = make_meeting(plus_three, kind="som3", day="2022-08-02")
    second = make_meeting(plus_three, kind="som3", day="2023-08-02", edition="ACCSM 22")
    make_meeting(plus_three, kind="head3", day="2023-01-01")  # another kind: not a neighbour
    first_page = client.get(first.get_absolute_url())
    assert first_page.context["business"].previous is None
    assert first_page.context["business"].next == second
    assert client.get(second.get_absolute_url()).context["business"].previous == first


def test_the_meeting_pages_cost_the_same_with_more_data(client, plus_three, secretariat):
    def queries(n: int) -> tuple[int, int]:
        meeting = make_meeting(plus_three, kind="som3", day=f"20{30 + n}-01-01")
        for i in range(n):
            plan = make_plan(plus_three, f"plan-{n}-{i}", statuses=[S.COMPLETED, S.PLANNED])
            make_report(plan, meeting, completed=1, planned=1)
        with CaptureQueriesContext(connection) as on_list:
            client.get(reverse("workplans:meeting_list"))
        with CaptureQueriesContext(connection) as on_page:
            client.get(meeting.get_absolute_url())
        return len(on_list), len(on_page)

    assert queries(2) == queries(20)


def test_the_chairs_table_and_timeline(client, sources):
    page = client.get(reverse("workplans:chairs"))
    html = page.content.decode()
    accsm = html[html.index('data-body="accsm"') : html.index('data-body="psti"')]
    assert accsm.index("ACCSM 11") < accsm.index("ACCSM 21") < accsm.index("ACCSM 22")
    assert "Brunei Darussalam" in accsm and "Viet Nam" in accsm
    psti = html[html.index('data-body="psti"') :]
    assert "Thailand" in psti and "2022–2024" in psti and "not given" in psti
    # On the timeline: a bar for each term with years, none for Thailand's undated one.
    assert psti.split("</figure>")[0].count("<rect") == 1
    assert accsm.count("<rect") == 3


# Recording the figures at a meeting ------------------------------------------------------


@pytest.fixture
def itemized(plus_three):
    plan = make_plan(plus_three, "itemized", statuses=[S.COMPLETED, S.ONGOING, S.PLANNED])
    partly = make_plan(plus_three, "partly", statuses=[S.COMPLETED])
    make_report(partly, make_meeting(plus_three, kind="som3", day="2022-08-02"), planned=30)
    start = timezone.localdate() + timedelta(days=3)  # the coming SOM+3
    meeting = make_meeting(plus_three, kind="som3", day=start, end_date=start + timedelta(days=4))
    return plan, partly, meeting


def test_recording_at_a_meeting_writes_the_live_figures_once(itemized, secretariat):
    plan, partly, meeting = itemized
    recordings = reports_record_at_meeting(meeting=meeting, by=secretariat)
    assert {r.progress.plan.slug: r.action for r in recordings} == {
        "itemized": "create",
        "partly": "skip",  # 1 itemized of 30 reported: its live count is not its figure
    }
    report = StatusReport.objects.get(plan=plan, meeting=meeting)
    assert (report.completed, report.ongoing, report.planned) == (1, 1, 1)
    assert (report.reported_on, report.reported_until) == (
        meeting.start_date,
        meeting.start_date + timedelta(days=4),
    )
    assert report.recorded_by == secretariat
    assert ReportChange.objects.filter(report=report, action="recorded").count() == 1

    # Again: nothing duplicated, nothing audited twice.
    again = reports_record_at_meeting(meeting=meeting, by=secretariat)
    assert {r.progress.plan.slug: r.action for r in again}["itemized"] == "unchanged"
    assert StatusReport.objects.filter(meeting=meeting).count() == 1
    assert ReportChange.objects.count() == 1

    # A project completed since: recording again updates the report in place, audited.
    plan.projects.filter(status=S.ONGOING).update(status=S.COMPLETED)
    reports_record_at_meeting(meeting=meeting, by=secretariat)
    report.refresh_from_db()
    assert (report.completed, report.ongoing) == (2, 0)
    change = ReportChange.objects.get(action="changed")
    assert change.values["completed"] == ["1", "2"] and change.values["ongoing"] == ["1", "0"]


def test_the_recorded_source_says_who_and_when(client, itemized, secretariat):
    plan, _partly, meeting = itemized
    reports_record_at_meeting(meeting=meeting, by=secretariat)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "Recorded from the tracker at SOM+3, ACCSM 21 by secretariat on" in page


def test_only_the_secretariat_records(client, itemized, official_vn, secretariat):
    _plan, _partly, meeting = itemized
    with pytest.raises(PermissionDenied):
        reports_record_at_meeting(meeting=meeting, by=official_vn)
    client.force_login(official_vn)
    url = reverse("workplans:record_figures", args=[meeting.pk])
    assert client.post(url).status_code == 403
    assert not StatusReport.objects.filter(meeting=meeting).exists()

    client.force_login(secretariat)
    preview = client.get(url)
    assert preview.status_code == 200 and not StatusReport.objects.filter(meeting=meeting).exists()
    assert client.post(url).status_code == 302
    assert StatusReport.objects.filter(meeting=meeting).count() == 1


def test_a_presented_report_is_locked_to_the_secretariat(plus_three, secretariat, viewer):
    from django.contrib.auth.models import Permission

    plan = make_plan(plus_three, "locked")
    report = make_report(plan, make_meeting(plus_three), completed=7, planned=24)
    # Even with the model permission, someone outside the Secretariat may not change it.
    viewer.user_permissions.add(Permission.objects.get(codename="change_statusreport"))
    viewer = type(viewer).objects.get(pk=viewer.pk)
    with pytest.raises(PermissionDenied):
        report_save(report=report, by=viewer, completed=8)
    report.refresh_from_db()
    assert report.completed == 7

    report_save(report=report, by=secretariat, completed=8, planned=23)
    change = ReportChange.objects.get(report=report)
    assert (change.action, change.changed_by) == ("changed", secretariat)
    assert change.values == {"completed": ["7", "8"], "planned": ["24", "23"]}


def test_the_admin_audits_a_change_to_a_report(client, plus_three, secretariat):
    plan = make_plan(plus_three, "admin-edit")
    meeting = make_meeting(plus_three)
    report = make_report(plan, meeting, completed=7, planned=24)
    secretariat.is_staff = True
    secretariat.save()
    client.force_login(secretariat)
    url = reverse("admin:workplans_statusreport_change", args=[report.pk])
    form = {
        "plan": plan.pk,
        "meeting": meeting.pk,
        "reported_on": "2022-08-02",
        "reported_until": "",
        "completed": 7,
        "ongoing": 0,
        "planned": 23,
        "postponed": 1,
        "source_title": "",
        "source_url": "",
        "notes": "",
        "changes-TOTAL_FORMS": 0,
        "changes-INITIAL_FORMS": 0,
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    change = ReportChange.objects.get(report=report)
    assert change.values == {"planned": ["24", "23"], "postponed": ["0", "1"]}


def test_a_report_outside_its_meetings_dates_is_refused(plus_three, secretariat):
    from django.core.exceptions import ValidationError

    plan = make_plan(plus_three, "dates")
    meeting = make_meeting(plus_three, day="2022-08-02", end_date="2022-08-06")
    report = StatusReport(plan=plan, meeting=meeting)
    with pytest.raises(ValidationError, match="2–6 August 2022"):
        report_save(report=report, by=secretariat, reported_on=date(2022, 9, 1))
    assert not StatusReport.objects.exists()


def test_meetings_of_a_body_with_no_members_still_list(client, db):
    body = make_body("lonely")
    make_meeting(body)
    assert client.get(reverse("workplans:meeting_list")).status_code == 200


def test_the_recording_preview_writes_nothing(client, itemized, secretariat):
    _plan, _partly, meeting = itemized
    client.force_login(secretariat)
    page = client.get(reverse("workplans:record_figures", args=[meeting.pk]))
    assert 'data-plan="itemized" data-action="create"' in page.content.decode()
    assert 'data-plan="partly" data-action="skip"' in page.content.decode()
    assert not StatusReport.objects.filter(meeting=meeting).exists()
    assert not ReportChange.objects.exists()


# Targets and milestones ---------------------------------------------------------------------


def test_targets_and_milestones_say_where_they_stand(client, sources):
    page = client.get(reverse("workplans:targets"))
    html = page.content.decode()
    # Viet Nam's two targets: no actual in the sources.
    assert html.count("data-target=") == 2 and html.count("not reported") == 2
    # Its Q1 and Q2 2019 milestones: no outcome reported, long past due.
    states = [row.state for row in page.context["milestones"]]
    assert states == ["overdue", "overdue"]
    assert html.count("overdue, no outcome reported") == 2
    plan = client.get("/plans/vn-scheme-1439-2019-2025/").content.decode()
    assert plan.count('data-state="overdue"') == 2


def test_a_milestone_is_done_once_its_outcome_is_reported_and_due_before_its_date(db):
    from workplans.models import Milestone
    from workplans.targets import milestone_state

    milestone = Milestone(due_date=date(2019, 3, 31), due_label="Q1 2019")
    assert milestone_state(milestone, date(2019, 3, 31)) == "due"
    assert milestone_state(milestone, date(2019, 4, 1)) == "overdue"
    milestone.outcome = "Guidance issued."
    assert milestone_state(milestone, date(2030, 1, 1)) == "done"


def test_the_action_lines_say_they_were_proposed_by_viet_nam(client, sources):
    page = client.get("/plans/accsm-work-plan-2021-2025/").content.decode()
    assert 'data-proposed-by="VN"' in page
    assert "the sources do not say they were adopted" in page


# Reconciliation ---------------------------------------------------------------------------


@pytest.fixture
def reported_and_changed(plus_three, secretariat):
    """A plan reported at 1 completed, 2 planned; one planned project completed since."""
    from workplans.services import project_set_status

    plan = make_plan(plus_three, "reconciled", statuses=[S.COMPLETED, S.PLANNED, S.PLANNED])
    make_report(plan, make_meeting(plus_three, day="2022-08-02"), completed=1, planned=2)
    project = plan.projects.get(code="P002")
    project_set_status(project=project, status=S.COMPLETED, by=secretariat, expected_version=1)
    return plan, project


def test_reconciliation_shows_the_difference_and_who_changed_what(
    client, reported_and_changed, secretariat
):
    plan, project = reported_and_changed
    client.force_login(secretariat)
    page = client.get(reverse("workplans:reconcile"))
    (item,) = page.context["items"]
    assert {line.status: line.difference for line in item.lines} == {
        "completed": 1,
        "ongoing": 0,
        "planned": -1,
        "postponed": 0,
    }
    assert [c.project_id for c in item.changes] == [project.pk]
    html = page.content.decode()
    assert "P002" in html and "by secretariat on" in html and "Planned → Completed" in html
    # The plan page holds the same section, and the dashboard's flag leads to it.
    plan_page = client.get(plan.get_absolute_url()).content.decode()
    assert 'id="reconcile"' in plan_page and 'data-reconcile="reconciled"' in plan_page
    dashboard = client.get("/").content.decode()
    assert f"{plan.get_absolute_url()}#reconcile" in dashboard


def test_reconciliation_is_for_the_secretariat(client, reported_and_changed, official_vn):
    client.force_login(official_vn)
    assert client.get(reverse("workplans:reconcile")).status_code == 403


def test_reconciliation_costs_the_same_with_more_plans(client, plus_three, secretariat):
    from workplans.models import StatusChange

    client.force_login(secretariat)

    def queries(n: int) -> int:
        meeting = make_meeting(plus_three, day="2022-08-02", edition=f"E{n}")
        for i in range(n):
            plan = make_plan(plus_three, f"r-{n}-{i}", statuses=[S.COMPLETED, S.PLANNED])
            make_report(plan, meeting, completed=1, planned=1)
            StatusChange.objects.create(
                project=plan.projects.first(),
                from_status="planned",
                to_status="completed",
                channel="web",
                version=2,
            )
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("workplans:reconcile")).status_code == 200
        return len(captured)

    assert queries(2) == queries(20)


# Trend ----------------------------------------------------------------------------------------


def test_a_plans_trend_shows_each_report_then_live(client, reported_and_changed, plus_three):
    plan, _project = reported_and_changed
    later = make_meeting(plus_three, day="2023-08-01", edition="ACCSM 22")
    make_report(plan, later, completed=1, ongoing=1, planned=1)
    page = client.get(plan.get_absolute_url())
    trend = page.context["trend"]
    assert [p.progress.total for p in trend.points] == [3, 3, 3]
    assert [p.progress.completed for p in trend.points] == [1, 1, 2]
    assert [p.live for p in trend.points] == [False, False, True]
    assert trend.points[0].when == "2 August 2022"
    # Bars share one scale: equal totals, equal heights; completed 2 of 3 is 2/3 of the height.
    bars = trend.bars
    heights = [sum(s["height"] for s in bar.segments) for bar in bars]
    assert heights == [60.0, 60.0, 60.0]
    assert bars[2].segments[0]["height"] == 40.0
    html = page.content.decode()
    assert html.count('<rect class="seg-') >= 7 and 'data-point="2" data-live' in html
    dashboard = client.get("/").content.decode()
    small = dashboard[dashboard.index('data-trend="reconciled"') :].split("</p>")[0]
    assert "33.3 % → 33.3 % → 66.7 %" in small


def test_the_dashboard_with_trends_costs_the_same_with_more_plans(client, plus_three):
    def queries(n: int) -> int:
        meeting = make_meeting(plus_three, day="2022-08-02", edition=f"T{n}")
        for i in range(n):
            plan = make_plan(plus_three, f"t-{n}-{i}", statuses=[S.COMPLETED, S.PLANNED])
            make_report(plan, meeting, completed=1, planned=1)
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/").status_code == 200
        return len(captured)

    assert queries(2) == queries(20)


def test_live_figures_are_not_dated_at_a_meeting_long_past(client, itemized, secretariat):
    from django.core.exceptions import ValidationError

    _plan, partly, _meeting = itemized
    past = partly.reports.get().meeting  # 2 August 2022
    with pytest.raises(ValidationError, match="cannot be dated at it"):
        reports_record_at_meeting(meeting=past, by=secretariat)
    client.force_login(secretariat)
    url = reverse("workplans:record_figures", args=[past.pk])
    assert "data-refusal" in client.get(url).content.decode()
    assert client.post(url).status_code == 400
    assert StatusReport.objects.filter(meeting=past).count() == 1  # only the one reported then


@pytest.mark.parametrize("page", ["chairs", "trend"])
def test_svg_coordinates_are_not_localized(client, db, request, page):
    import re

    # Vietnamese writes decimals with a comma; SVG needs a dot, in every language.
    if page == "chairs":
        request.getfixturevalue("sources")
        url = reverse("workplans:chairs")
    else:
        plan, _project = request.getfixturevalue("reported_and_changed")
        url = plan.get_absolute_url()
    client.cookies["django_language"] = "vi"
    html = client.get(url).content.decode()
    assert "Tổng quan" in html  # the page is in Vietnamese
    coordinates = re.findall(r'<rect [^>]*?(?:x|y|width|height)="([^"]*)"', html)
    assert coordinates and not [c for c in coordinates if "," in c]
    assert any("." in c for c in coordinates)
