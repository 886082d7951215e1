"""A status import as a batch: what it writes is what the single service writes, row for
row; a refusal at confirm names the row it would have named row by row; the queries do not
grow with the rows; the preview of many rows stays complete and escaped."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from workplans import services
from workplans.imports.rows import Change, Preview
from workplans.models import Project, StatusChange, StatusSubmission, WorkPlan
from workplans.services import ChangeRefused, StaleVersionError, StatusRequest

from .conftest import make_body, make_meeting
from .test_imports import csv_bytes, state, upload

S = Project.Status
# From each status, one an official may set (an official reopens neither completed nor
# cancelled projects, and those stay out of the files below).
NEXT: dict[str, str] = {S.PLANNED: S.ONGOING, S.ONGOING: S.COMPLETED, S.POSTPONED: S.ONGOING}
CYCLE = (S.PLANNED, S.ONGOING, S.POSTPONED, S.PLANNED)


def make_projects(plan: WorkPlan, count: int, leads) -> None:
    """P001… with statuses in CYCLE, led by `leads`; the same titles in every plan."""
    projects = Project.objects.bulk_create(
        Project(plan=plan, code=f"P{i:03}", title=f"Project {i}", status=CYCLE[i % len(CYCLE)])
        for i in range(1, count + 1)
    )
    through = Project.lead_countries.through
    through.objects.bulk_create(
        through(project_id=p.pk, country_id=c.pk) for p in projects for c in leads
    )


def status_rows(plan: WorkPlan, count: int | None = None) -> list[list[str]]:
    """A file giving the plan's first `count` projects their next status, a note and
    (every other row) a link."""
    rows = [["code", "status", "note", "evidence"]]
    for i, project in enumerate(plan.projects.order_by("code")[:count], start=1):
        evidence = f"https://example.org/{project.code}?a=1&b=2" if i % 2 else ""
        rows.append([project.code, NEXT[project.status], f"Note {i}", evidence])
    return rows


def confirm(client, response, **extra):
    return client.post(
        reverse("workplans:import_confirm"), {"token": response.context["token"]}, **extra
    )


def messages_after(client, response) -> str:
    return client.get(response["Location"]).content.decode()


@pytest.fixture
def body(db, viet_nam, japan):
    body = make_body("accsm")
    body.members.set([viet_nam, japan])
    return body


def new_plan(body, slug: str, count: int, leads) -> WorkPlan:
    plan = WorkPlan.objects.create(
        body=body, title=f"Plan {slug}", slug=slug, start_year=2021, end_year=2025
    )
    make_projects(plan, count, leads)
    return plan


# --- The same outcome as the single service ----------------------------------------------


AUDIT_FIELDS = (
    "project_label",
    "action",
    "values",
    "from_status",
    "to_status",
    "note",
    "evidence_url",
    "meeting_id",
    "changed_by_id",
    "channel",
    "version",
)


def audit_of(plan: WorkPlan) -> list[tuple]:
    return [
        tuple(getattr(change, name) for name in AUDIT_FIELDS)
        for change in StatusChange.objects.filter(project__plan=plan).order_by(
            "project__code", "pk"
        )
    ]


def projects_of(plan: WorkPlan) -> list[tuple]:
    return list(
        plan.projects.order_by("code").values_list(
            "code", "status", "version", "status_changed_by", "title"
        )
    )


def submissions_of(plan: WorkPlan) -> list[tuple]:
    return list(
        StatusSubmission.objects.filter(project__plan=plan)
        .order_by("project__code", "pk")
        .values_list(
            "project__code",
            "status",
            "note",
            "evidence_url",
            "base_version",
            "round",
            "answers__note",
            "submitted_by",
            "state",
        )
    )


def without_submission_ids(audit: list[tuple]) -> list[tuple]:
    """Audit rows with the submission they name by its project instead of its id."""
    index = AUDIT_FIELDS.index("values")
    ids = {s.pk: s.project.code for s in StatusSubmission.objects.select_related("project")}
    out = []
    for row in audit:
        values = dict(row[index])
        if "submission" in values:
            values["submission"] = ids[values["submission"]]
        out.append((*row[:index], values, *row[index + 1 :]))
    return out


@pytest.mark.parametrize("who", ["secretariat", "official", "official, reviewed"])
def test_an_import_writes_what_the_single_service_writes_row_for_row(
    client, body, viet_nam, secretariat, official_vn, who
):
    """Two plans alike: one imports a file, the other gets the same changes one by one
    through services.status_update, as the import did before it went by batches."""
    user = secretariat if who == "secretariat" else official_vn
    if "reviewed" in who:
        body.review_updates = True
        body.save()
        meeting = make_meeting(body, kind="som3", day=timezone.localdate() + timedelta(days=10))
        services.round_open(meeting=meeting, due_on=timezone.localdate(), by=secretariat)
    imported, by_hand = (new_plan(body, slug, 12, [viet_nam]) for slug in ("a", "b"))
    if "reviewed" in who:  # a change returned earlier, which the new one answers
        for plan in (imported, by_hand):
            returned = services.status_update(
                project=plan.projects.get(code="P002"),
                status=S.COMPLETED,
                by=official_vn,
                expected_version=1,
                note="First try",
            )
            services.submission_return(submission=returned, by=secretariat, comment="Why?")
    rows = status_rows(imported)

    client.force_login(user)
    response = upload(client, "status", imported, "status.csv", csv_bytes(rows))
    assert response.status_code == 200, response.content.decode()[-2000:]
    assert confirm(client, response).status_code == 302
    for code, status, note, evidence in rows[1:]:
        project = by_hand.projects.get(code=code)
        services.status_update(
            project=project,
            status=status,
            by=user,
            expected_version=project.version,
            note=note,
            evidence_url=evidence,
            channel=StatusChange.Channel.IMPORT,
        )

    assert projects_of(imported) == projects_of(by_hand)
    assert without_submission_ids(audit_of(imported)) == without_submission_ids(audit_of(by_hand))
    assert submissions_of(imported) == submissions_of(by_hand)
    # And what that is, row by row (the single service is a batch of one: checked too).
    audit = StatusChange.objects.filter(project__plan=imported, channel="import")
    was = {code: CYCLE[int(code[1:]) % len(CYCLE)] for code, *_rest in rows[1:]}
    if "reviewed" in who:
        expected = [
            ("submitted", was[code], "", note, evidence, 1, user.pk, {"status": status})
            for code, status, note, evidence in rows[1:]
        ]
        assert not imported.projects.exclude(version=1).exists()  # nothing counts yet
        submissions = StatusSubmission.objects.filter(project__plan=imported, state="pending")
        assert [
            (s.project.code, s.status, s.note, s.evidence_url, s.base_version, s.round)
            for s in submissions.order_by("project__code")
        ] == [
            (code, status, note, evidence, 1, meeting.round)
            for code, status, note, evidence in rows[1:]
        ]
        answered = submissions.get(project__code="P002").answers
        assert answered is not None and answered.comment == "Why?"
    else:
        expected = [
            ("status", was[code], status, note, evidence, 2, user.pk, {})
            for code, status, note, evidence in rows[1:]
        ]
    assert [
        (
            a.action,
            a.from_status,
            a.to_status,
            a.note,
            a.evidence_url,
            a.version,
            a.changed_by_id,
            {k: v for k, v in a.values.items() if k != "submission"},
        )
        for a in audit.order_by("project__code")
    ] == expected


# --- A refusal at confirm names its row --------------------------------------------------


@pytest.fixture
def led(body, viet_nam):
    """A plan of six projects (P001…P006, rows 2…7 of the file) led by Viet Nam."""
    return new_plan(body, "led", 6, [viet_nam])


def previewed(client, user, plan):
    client.force_login(user)
    response = upload(client, "status", plan, "status.csv", csv_bytes(status_rows(plan)))
    assert response.status_code == 200 and response.context["token"]
    return response


def test_a_row_refused_at_confirm_is_named_and_nothing_is_applied(client, led, official_vn, japan):
    response = previewed(client, official_vn, led)
    led.projects.get(code="P004").lead_countries.set([japan])  # Viet Nam no longer leads it
    before = state()
    response = confirm(client, response)
    page = messages_after(client, response)
    assert "Nothing was applied. Row 5 (P004): You may not change the status of P004." in page
    assert state() == before


def test_of_two_rows_refused_at_confirm_the_first_is_named(client, led, official_vn, japan):
    # Row 4 loses its permission; row 6 changes after the preview: row 4 is named, as the
    # import applied row by row reached it first.
    response = previewed(client, official_vn, led)
    led.projects.get(code="P003").lead_countries.set([japan])
    Project.objects.filter(plan=led, code="P005").update(version=7)
    before = state()
    page = messages_after(client, confirm(client, response))
    assert "Row 4 (P003): You may not change the status of P003." in page
    assert "P005" not in page
    assert state() == before


def test_of_two_rows_refused_at_confirm_the_first_is_named_whatever_the_reason(
    client, led, official_vn, japan
):
    # Row 3 changes after the preview, row 5 loses its permission: row 3 is named.
    response = previewed(client, official_vn, led)
    Project.objects.filter(plan=led, code="P002").update(version=9)
    led.projects.get(code="P004").lead_countries.set([japan])
    before = state()
    page = messages_after(client, confirm(client, response))
    assert "Row 3 (P002): the project was changed since the preview." in page
    assert "P004" not in page
    assert state() == before


def test_a_change_submitted_between_preview_and_confirm_is_named(
    client, body, led, official_vn, secretariat
):
    body.review_updates = True
    body.save()
    response = previewed(client, official_vn, led)
    p006 = led.projects.get(code="P006")
    services.status_update(
        project=p006, status=NEXT[p006.status], by=official_vn, expected_version=1, note="x"
    )
    before = state(), StatusSubmission.objects.count()
    page = messages_after(client, confirm(client, response))
    assert "Row 7 (P006): A change of P006 is already waiting for review." in page
    assert (state(), StatusSubmission.objects.count()) == before
    # Refused by the check itself, before the database's one-pending constraint.
    with pytest.raises(ChangeRefused) as refused:
        services.status_update_checks(requests_for(led), by=official_vn)
    assert (refused.value.index, refused.value.error.code) == (5, "pending")


# --- The batch services ------------------------------------------------------------------


def requests_for(plan: WorkPlan) -> list[StatusRequest]:
    return [
        StatusRequest(project, NEXT[project.status], project.version, note="n")
        for project in plan.projects.order_by("code").prefetch_related("lead_countries")
    ]


def test_the_update_compares_and_sets_each_row_from_its_version(led, secretariat):
    """A row changed after it was checked (another writer between check and write) is
    refused by the UPDATE itself; the batch writes nothing."""
    requests = requests_for(led)
    # Behind the batch's back: P003 moves on after its instance was read.
    Project.objects.filter(pk=requests[2].project.pk).update(version=2, status=S.COMPLETED)
    before = state()
    with pytest.raises(ChangeRefused) as refused:
        services.project_set_statuses(requests, by=secretariat)
    assert refused.value.index == 2
    assert isinstance(refused.value.error, StaleVersionError)
    assert "P003 was changed since you opened it" in str(refused.value.error)
    assert state() == before


def test_a_batch_is_checked_in_order_and_the_first_refusal_wins(led, official_vn, japan):
    led.projects.get(code="P002").lead_countries.set([japan])
    requests = requests_for(led)
    requests[4] = StatusRequest(requests[4].project, S.CANCELLED, 1)  # and no note
    before = state()
    with pytest.raises(ChangeRefused) as refused:
        services.status_update_many(requests, by=official_vn)
    assert refused.value.index == 1
    assert str(refused.value) == "You may not change the status of P002."
    # Without P002, P005 is the first refused.
    with pytest.raises(ChangeRefused) as refused:
        services.status_update_many(requests[:1] + requests[2:], by=official_vn)
    assert refused.value.index == 3
    assert refused.value.error.code == "note_required"
    assert state() == before


def test_a_closed_rounds_meeting_refuses_a_batch_dated_to_it(led, secretariat):
    meeting = make_meeting(led.body, kind="som3", day=timezone.localdate() + timedelta(days=5))
    round_ = services.round_open(meeting=meeting, due_on=timezone.localdate(), by=secretariat)
    services.round_close(round=round_, by=secretariat)
    before = state()
    with pytest.raises(ChangeRefused) as refused:
        services.project_set_statuses(requests_for(led), by=secretariat, meeting=meeting)
    assert refused.value.index == 0
    assert refused.value.error.code == "round_closed"
    # A single change raises the refusal itself, as it always did.
    project = led.projects.get(code="P001")
    with pytest.raises(ValidationError, match="reporting round of .* is closed"):
        services.project_set_status(
            project=project,
            status=NEXT[project.status],
            by=secretariat,
            expected_version=1,
            meeting=meeting,
        )
    assert state() == before


def test_a_batch_changes_each_project_once(led, secretariat):
    request = requests_for(led)[0]
    with pytest.raises(ValueError, match="each project once"):
        services.project_set_statuses([request, request], by=secretariat)


# --- Queries do not grow with the rows ---------------------------------------------------


def queries(client, plan, rows: int) -> tuple[list[str], list[str]]:
    """The SQL of uploading a file of `rows` rows, and of confirming it."""
    content = csv_bytes(status_rows(plan, rows))
    with CaptureQueriesContext(connection) as uploading:
        response = upload(client, "status", plan, "status.csv", content)
    assert response.status_code == 200 and response.context["token"]
    with CaptureQueriesContext(connection) as confirming:
        assert confirm(client, response).status_code == 302
    assert StatusChange.objects.filter(project__plan=plan, channel="import").count() == rows
    return [q["sql"] for q in uploading], [q["sql"] for q in confirming]


def batched_inserts(sql: list[str]) -> list[str]:
    """Without the INSERTs of audit rows and submissions, which Django splits in batches of
    999 parameters on SQLite (one statement on PostgreSQL)."""
    if connection.features.max_query_params is None:
        return sql
    return [q for q in sql if not q.startswith('INSERT INTO "workplans_status')]


@pytest.mark.parametrize("who", ["secretariat", "official", "official, reviewed"])
def test_the_queries_of_an_import_do_not_grow_with_its_rows(
    client, body, viet_nam, secretariat, official_vn, who
):
    if "reviewed" in who:
        body.review_updates = True
        body.save()
    client.force_login(secretariat if who == "secretariat" else official_vn)
    few, many = new_plan(body, "few", 20, [viet_nam]), new_plan(body, "many", 200, [viet_nam])
    few_upload, few_confirm = queries(client, few, 20)
    many_upload, many_confirm = queries(client, many, 200)
    assert len(many_upload) == len(few_upload), many_upload
    assert len(batched_inserts(many_confirm)) == len(batched_inserts(few_confirm)), many_confirm
    # A handful: session, user, plan, rows, checks, one UPDATE or two INSERTs, the count.
    assert len(batched_inserts(few_confirm)) <= 24, few_confirm


# --- The preview of many rows, and what waits for the confirmation ----------------------


def test_the_preview_shows_every_row_escaped_and_sums_up_the_changes(
    client, body, viet_nam, secretariat
):
    plan = new_plan(body, "shown", 8, [viet_nam])
    rows = status_rows(plan)
    rows[3][2] = '<script>alert("x")</script> & more'
    client.force_login(secretariat)
    response = upload(client, "status", plan, "status.csv", csv_bytes(rows))
    html = response.content.decode()
    for number in range(2, 10):
        assert f'data-row="{number}" data-action="update"' in html
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more" in html
    assert "https://example.org/P001?a=1&amp;b=2" in html
    assert "<strong>Status</strong>: <del>Ongoing or annual</del> → <ins>Completed</ins>" in html
    # The summary: per kind of change, how many rows make it.
    transitions = response.context["transitions"]
    assert [(old, new, count) for old, new, count in transitions] == [
        (S.ONGOING, S.COMPLETED, 2),  # in the order the file first makes them
        (S.POSTPONED, S.ONGOING, 2),
        (S.PLANNED, S.ONGOING, 4),
    ]
    assert 'data-from="planned" data-to="ongoing"><td>Planned</td>' in html


def test_a_row_with_a_problem_is_shown_as_one_and_left_out_of_the_summary(
    client, body, viet_nam, secretariat
):
    plan = new_plan(body, "problem", 3, [viet_nam])
    rows = status_rows(plan)
    rows[2][3] = "not a link"
    client.force_login(secretariat)
    response = upload(client, "status", plan, "status.csv", csv_bytes(rows))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-row="3" data-action="problem"' in html and "Problem: see above" in html
    assert sum(count for _o, _n, count in response.context["transitions"]) == 2


def test_the_vietnamese_preview_is_translated(client, body, viet_nam, secretariat):
    plan = new_plan(body, "vi", 2, [viet_nam])
    client.force_login(secretariat)
    client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    response = upload(client, "status", plan, "status.csv", csv_bytes(status_rows(plan)))
    html = response.content.decode()
    assert "Các thay đổi trạng thái trong tệp này" in html and "Trạng thái hiện tại" in html
    assert "(dự án mới)" not in html  # no project to create in this file
    assert "<td>Cập nhật</td>" in html  # the rows' own words, in Python


def test_what_waits_in_the_session_is_the_change_without_its_diffs():
    change = Change(
        row=2,
        code="A1",
        action="update",
        project_id=5,
        version=0,
        before={"year": None, "lead_countries": []},
        details={"year": 2024},
        status=S.ONGOING,
        old_status=S.PLANNED,
        note="n",
        evidence="https://example.org",
        diffs=[["Status", "Planned", "Ongoing"]],
    )
    bare = Change(row=3, code="A2", action="unchanged")
    preview = Preview(
        kind="itemize", plan_id=1, file_name="f.csv", digest="d", changes=[change, bare]
    )
    stored = preview.to_session()
    assert "diffs" not in stored["changes"][0]
    assert stored["changes"][1] == {"row": 3, "code": "A2", "action": "unchanged"}
    again = Preview.from_session(stored)
    change.diffs = []
    assert again.changes == [change, bare]


def test_an_import_changes_the_projects_of_its_plan_only(client, body, viet_nam, official_vn):
    """The same codes in another plan the official leads are not this file's."""
    mine, other = new_plan(body, "mine", 2, [viet_nam]), new_plan(body, "other", 2, [viet_nam])
    client.force_login(official_vn)
    response = upload(client, "status", mine, "status.csv", csv_bytes(status_rows(mine)))
    confirm(client, response)
    assert not other.projects.exclude(version=1).exists()
    assert not mine.projects.filter(version=1).exists()
