"""Spreadsheet imports: a good file applies and audits every row; each bad file changes nothing."""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from workplans.models import PriorityArea, Project, StatusChange
from workplans.services import project_set_status

from .conftest import make_body, make_plan

S = Project.Status
PASSWORD = "correct horse battery staple"
ITEMIZE_HEADERS = [
    "code",
    "title",
    "lead_countries",
    "priority_area",
    "year",
    "status",
    "description",
    "note",
]


@pytest.fixture
def plan(db, viet_nam, japan):
    """A plan with P001 (led by Viet Nam, planned) and P002 (led by Japan, ongoing)."""
    plan = make_plan(
        make_body("accsm"), "accsm-work-plan-2021-2025", statuses=[S.PLANNED, S.ONGOING]
    )
    for number in range(1, 6):
        PriorityArea.objects.create(plan=plan, number=number, title=f"Action line {number}")
    plan.projects.get(code="P001").lead_countries.set([viet_nam])
    plan.projects.get(code="P002").lead_countries.set([japan])
    return plan


def xlsx(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list], encoding="utf-8-sig", delimiter=",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return buffer.getvalue().encode(encoding)


def state() -> tuple:
    """Everything an import may touch: compared whole before and after a refused file."""
    projects = [
        (
            p.pk,
            p.plan_id,
            p.code,
            p.title,
            p.description,
            p.status,
            p.version,
            p.year,
            p.priority_area_id,
            tuple(sorted(c.code for c in p.lead_countries.all())),
        )
        for p in Project.objects.order_by("pk").prefetch_related("lead_countries")
    ]
    return projects, StatusChange.objects.count()


def upload(client, kind: str, plan, name: str, content: bytes):
    return client.post(
        reverse("workplans:import_upload", args=[kind]),
        {"plan": plan.slug, "file": SimpleUploadedFile(name, content)},
    )


def confirm(client, response):
    return client.post(reverse("workplans:import_confirm"), {"token": response.context["token"]})


GOOD_PLAN = [
    ITEMIZE_HEADERS,
    ["P001", "", "VN; JP", 2, 2023, "Ongoing or annual", "", ""],  # update P001
    ["AP-03", "Talent succession models", "SG", 3, 2024, "planned", "Workshop", ""],
    [
        "AP-04",
        "Measuring labour productivity",
        "TH,VN",
        1,
        "2025",
        "COMPLETED",
        "",
        "Held online",
    ],
    ["AP-05", "Leadership after COVID-19", "", "", "", "", "", ""],
]


@pytest.fixture
def more_countries(db):
    from workplans.models import Country

    Country.objects.create(code="SG", name="Singapore", group="asean")
    Country.objects.create(code="TH", name="Thailand", group="asean")


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_itemizing_a_plan_creates_updates_and_audits_every_row(
    client, plan, secretariat, more_countries, fmt
):
    client.force_login(secretariat)
    content = xlsx(GOOD_PLAN) if fmt == "xlsx" else csv_bytes(GOOD_PLAN)
    response = upload(client, "itemize", plan, f"plan.{fmt}", content)
    assert response.status_code == 200, response.content.decode()[:2000]
    preview = response.context["preview"]
    assert preview.valid and response.context["token"]
    assert [c.action for c in preview.changes] == [
        "update",
        "create",
        "create",
        "create",
    ]
    assert Project.objects.filter(plan=plan).count() == 2  # nothing applied before confirming

    response = confirm(client, response)
    assert response.status_code == 302 and response["Location"] == plan.get_absolute_url()
    message = client.get(response["Location"]).content.decode()
    assert "3 created, 1 updated, 4 status entries added" in message
    projects = {p.code: p for p in plan.projects.prefetch_related("lead_countries")}
    assert set(projects) == {"P001", "P002", "AP-03", "AP-04", "AP-05"}
    p001 = projects["P001"]
    assert (p001.status, p001.version, p001.year, p001.priority_area.number) == (
        S.ONGOING,
        2,
        2023,
        2,
    )
    assert sorted(c.code for c in p001.lead_countries.all()) == ["JP", "VN"]
    assert projects["AP-04"].status == S.COMPLETED
    assert sorted(c.code for c in projects["AP-04"].lead_countries.all()) == [
        "TH",
        "VN",
    ]
    assert projects["AP-05"].status == S.PLANNED  # the default for a new project
    assert projects["AP-03"].description == "Workshop"

    changes = StatusChange.objects.filter(channel=StatusChange.Channel.IMPORT)
    assert changes.count() == 4  # one status change and three creations
    assert changes.filter(project=p001, from_status=S.PLANNED, to_status=S.ONGOING).exists()
    for code in ("AP-03", "AP-04", "AP-05"):
        change = changes.get(project__code=code)
        assert change.from_status == "" and change.changed_by == secretariat
    assert changes.get(project__code="AP-04").note == "Held online"

    # The dashboard now shows live counts from the itemized projects.
    html = client.get(reverse("workplans:dashboard")).content.decode()
    assert "Live count of the plan" in html


def test_batch_status_update_by_an_official(client, plan, official_vn):
    client.force_login(official_vn)
    rows = [
        ["code", "status", "note", "evidence"],
        ["P001", "completed", "Done in Hanoi", "https://example.org/r.pdf"],
    ]
    response = upload(client, "status", plan, "status.xlsx", xlsx(rows))
    assert response.status_code == 200
    confirm(client, response)
    project = plan.projects.get(code="P001")
    assert project.status == S.COMPLETED and project.version == 2
    change = project.changes.get()
    assert (change.channel, change.note, change.evidence_url, change.changed_by) == (
        StatusChange.Channel.IMPORT,
        "Done in Hanoi",
        "https://example.org/r.pdf",
        official_vn,
    )


def test_an_official_cannot_import_changes_to_another_countrys_projects(client, plan, official_vn):
    client.force_login(official_vn)
    before = state()
    rows = [
        ["code", "status", "note"],
        ["P001", "completed", ""],
        ["P002", "completed", ""],
    ]
    response = upload(client, "status", plan, "status.csv", csv_bytes(rows))
    assert response.status_code == 400
    assert "You may not change P002: your country does not lead it." in response.content.decode()
    assert not response.context["token"]
    assert state() == before


def test_officials_may_not_itemize_plans(client, plan, official_vn, viewer):
    for user in (official_vn, viewer):
        client.force_login(user)
        assert client.get(reverse("workplans:import_upload", args=["itemize"])).status_code == 403
        response = upload(client, "itemize", plan, "plan.csv", csv_bytes(GOOD_PLAN))
        assert response.status_code == 403
    assert (
        client.get(reverse("workplans:import_upload", args=["status"])).status_code == 403
    )  # viewer
    client.logout()
    assert client.get(reverse("workplans:import_upload", args=["status"])).status_code == 302


# Each bad input: (kind, file name, content, the message the page must show).
BAD_FILES = {
    "unknown column": (
        "itemize",
        "plan.csv",
        csv_bytes([["code", "title", "colour"], ["A1", "T", "red"]]),
        "Unknown column “colour”",
    ),
    "missing column": (
        "status",
        "status.csv",
        csv_bytes([["code", "note"], ["P001", "x"]]),
        "Missing column “status”",
    ),
    "wrong type": (
        "itemize",
        "plan.xlsx",
        xlsx([ITEMIZE_HEADERS, ["A1", "T", "VN", "two", 2023, "", "", ""]]),
        "“two” is not a whole number.",
    ),
    "wrong year": (
        "itemize",
        "plan.csv",
        csv_bytes([ITEMIZE_HEADERS, ["A1", "T", "VN", "", "soon", "", "", ""]]),
        "“soon” is not a whole number.",
    ),
    "unknown project": (
        "status",
        "status.csv",
        csv_bytes([["code", "status"], ["P999", "completed"]]),
        "No project P999 in",
    ),
    "unknown country": (
        "itemize",
        "plan.csv",
        csv_bytes([ITEMIZE_HEADERS, ["A1", "T", "VN; XX", "", "", "", "", ""]]),
        "Unknown country code: XX.",
    ),
    "unknown area": (
        "itemize",
        "plan.csv",
        csv_bytes([ITEMIZE_HEADERS, ["A1", "T", "VN", "9", "", "", "", ""]]),
        "has no priority area 9",
    ),
    "status outside the vocabulary": (
        "status",
        "status.csv",
        csv_bytes([["code", "status"], ["P001", "done"]]),
        "“done” is not a status here.",
    ),
    "duplicate rows": (
        "status",
        "status.csv",
        csv_bytes([["code", "status"], ["P001", "completed"], ["P001", "ongoing"]]),
        "P001 appears twice: row 2 already has it.",
    ),
    "a forbidden transition": (
        "status",
        "status.csv",
        csv_bytes([["code", "status"], ["P002", "cancelled"]]),
        "A note is required when a project is cancelled.",
    ),
    "empty file": ("status", "status.csv", b"", "The file is empty."),
    "headers only": (
        "status",
        "status.xlsx",
        xlsx([["code", "status"]]),
        "no rows of data",
    ),
    "not a spreadsheet": (
        "status",
        "report.pdf",
        b"%PDF-1.4 binary",
        "This is not a spreadsheet",
    ),
    "not really xlsx": (
        "status",
        "status.xlsx",
        b"just some text",
        "not a valid Excel workbook",
    ),
    "binary csv": ("status", "status.csv", b"\x00\x01\x02code", "holds binary data"),
    "legacy Excel": (
        "status",
        "status.xls",
        b"\xd0\xcf\x11\xe0",
        ".xls files are not accepted",
    ),
    "wrong encoding": (
        "itemize",
        "plan.csv",
        csv_bytes(
            [ITEMIZE_HEADERS, ["A1", "Réunion à Hanoi", "VN", "", "", "", "", ""]],
            encoding="cp1252",
        ),
        "The CSV file is not UTF-8 text (first bad byte on line 2)",
    ),
    "utf-16": (
        "status",
        "status.csv",
        csv_bytes([["code", "status"], ["P001", "completed"]], encoding="utf-16"),
        "The CSV file is in UTF-16",
    ),
    "formula in xlsx": (
        "itemize",
        "plan.xlsx",
        xlsx([ITEMIZE_HEADERS, ["A1", "=1+1", "VN", "", "", "", "", ""]]),
        "This cell holds a formula (=1+1).",
    ),
    "formula in csv": (
        "status",
        "status.csv",
        csv_bytes([["code", "status", "note"], ["P001", "completed", "=cmd()"]]),
        "This cell holds a formula (=cmd()).",
    ),
    "proposal status": (
        "itemize",
        "plan.csv",
        csv_bytes([ITEMIZE_HEADERS, ["A1", "T", "VN", "", "", "proposed", "", ""]]),
        "“proposed” is not a status here.",
    ),
    "new project without a title": (
        "itemize",
        "plan.csv",
        csv_bytes([ITEMIZE_HEADERS, ["A1", "", "VN", "", "", "", "", ""]]),
        "A new project needs a title.",
    ),
    "bad evidence link": (
        "status",
        "status.csv",
        csv_bytes([["code", "status", "evidence"], ["P001", "completed", "not a link"]]),
        "The evidence is not a valid web address.",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_each_bad_file_is_refused_with_its_message_and_changes_nothing(
    client, plan, secretariat, case
):
    kind, name, content, message = BAD_FILES[case]
    client.force_login(secretariat)
    before = state()
    response = upload(client, kind, plan, name, content)
    assert response.status_code == 400
    assert message in response.content.decode(), response.content.decode()[-3000:]
    assert not response.context.get("token")
    assert "accsm_import" not in client.session
    assert state() == before


def test_a_file_over_the_size_limit_is_refused(client, plan, secretariat, settings):
    settings.ACCSM_IMPORT_MAX_BYTES = 200
    client.force_login(secretariat)
    before = state()
    rows = [["code", "status", "note"]] + [["P001", "completed", "x" * 50]] * 10
    response = upload(client, "status", plan, "status.csv", csv_bytes(rows))
    assert response.status_code == 400
    assert "the largest accepted is 200" in response.content.decode()
    assert state() == before
    # A body far over the limit is refused before the upload is even read.
    settings.ACCSM_IMPORT_MAX_BYTES = 10
    response = upload(client, "status", plan, "big.csv", b"code,status\n" + b"x" * 70_000)
    assert response.status_code == 400
    assert "larger than 10" in response.content.decode()
    assert state() == before


def test_errors_name_the_row_and_column_and_one_bad_row_applies_nothing(client, plan, secretariat):
    client.force_login(secretariat)
    before = state()
    rows = [
        ITEMIZE_HEADERS,
        ["A1", "Good one", "VN", 1, 2023, "planned", "", ""],
        ["A2", "Good two", "JP", 2, 2024, "ongoing", "", ""],
        ["A3", "Bad three", "VN", 1, 2023, "finished", "", ""],
    ]
    response = upload(client, "itemize", plan, "plan.xlsx", xlsx(rows))
    assert response.status_code == 400
    issues = response.context["preview"].issues
    assert [(i.row, i.column) for i in issues] == [(4, "status")]
    html = response.content.decode()
    assert 'data-row="4" data-column="status"' in html
    assert "Confirm and apply" not in html
    assert state() == before


def test_statuses_accept_labels_and_codes_in_any_case(client, plan, secretariat):
    client.force_login(secretariat)
    rows = [
        ["Code", "Status", "Note"],
        ["P001", "  ONGOING or Annual ", ""],
        ["P002", "Completed", ""],
    ]
    response = upload(client, "status", plan, "status.csv", csv_bytes(rows, delimiter=";"))
    assert response.status_code == 200
    assert [c.status for c in response.context["preview"].changes] == [
        S.ONGOING,
        S.COMPLETED,
    ]


def test_a_change_made_between_preview_and_confirm_is_refused(
    client, plan, official_vn, secretariat
):
    client.force_login(official_vn)
    rows = [["code", "status"], ["P001", "completed"]]
    response = upload(client, "status", plan, "status.csv", csv_bytes(rows))
    assert response.status_code == 200
    # Someone else changes P001 after the preview was shown.
    p001 = plan.projects.get(code="P001")
    project_set_status(project=p001, status=S.ONGOING, by=secretariat, expected_version=1)
    before = state()
    response = confirm(client, response)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Nothing was applied." in page and "P001" in page
    assert state() == before
    assert plan.projects.get(code="P001").status == S.ONGOING


def test_a_failure_midway_rolls_back_the_rows_before_it(client, plan, secretariat):
    client.force_login(secretariat)
    rows = [
        ["code", "status", "note"],
        ["P001", "completed", ""],
        ["P002", "completed", ""],
    ]
    response = upload(client, "status", plan, "status.csv", csv_bytes(rows))
    assert response.status_code == 200
    Project.objects.filter(code="P002").update(version=5)  # P002 changes behind our back
    before = state()
    confirm(client, response)
    assert state() == before  # P001, applied first, was rolled back too


def test_confirm_needs_the_token_of_this_session_and_user(client, plan, secretariat, official_vn):
    client.force_login(secretariat)
    rows = [["code", "status"], ["P001", "completed"]]
    response = upload(client, "status", plan, "status.csv", csv_bytes(rows))
    before = state()
    assert client.post(reverse("workplans:import_confirm"), {"token": "forged"}).status_code == 302
    assert state() == before
    # The preview waits in the server's session: another user cannot confirm it.
    token = response.context["token"]
    other = client.__class__()
    other.force_login(official_vn)
    other.post(reverse("workplans:import_confirm"), {"token": token})
    assert state() == before
    assert client.get(reverse("workplans:import_confirm")).status_code == 405


def test_templates_without_a_plan_hold_no_invented_row(client, plan, secretariat):
    client.force_login(secretariat)
    response = client.get(reverse("workplans:import_template", args=["itemize", "xlsx"]))
    assert response.status_code == 200
    assert "accsm-import-plan-projects-template.xlsx" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    data, notes = workbook.worksheets
    assert [c.value for c in data[1]] == ITEMIZE_HEADERS
    assert data.max_row == 1  # the column names only: no example project to import by mistake
    text = " ".join(str(c.value) for row in notes.iter_rows() for c in row if c.value)
    for word in ("Ongoing or annual", "postponed", "VN", "Viet Nam", "Required", "Example"):
        assert word in text

    response = client.get(reverse("workplans:import_template", args=["status", "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [["code", "status", "note", "evidence"]]
    assert (
        client.get(reverse("workplans:import_template", args=["status", "pdf"])).status_code == 404
    )


def test_a_plans_status_template_lists_its_projects_ready_to_fill_in(client, plan, secretariat):
    client.force_login(secretariat)
    url = reverse("workplans:import_template", args=["status", "csv"]) + f"?plan={plan.slug}"
    rows = list(csv.reader(io.StringIO(client.get(url).content.decode("utf-8-sig"))))
    assert [row[:2] for row in rows[1:]] == [["P001", "Planned"], ["P002", "Ongoing or annual"]]


def test_a_template_for_a_plan_the_user_may_not_import_into_is_404(client, plan, official_vn):
    other = make_plan(make_body("other"), "other-plan", statuses=[S.PLANNED])
    client.force_login(official_vn)
    url = reverse("workplans:import_template", args=["status", "csv"])
    assert client.get(url + f"?plan={other.slug}").status_code == 404
    assert client.get(url + "?plan=no-such-plan").status_code == 404


def test_one_plan_to_choose_is_chosen_and_the_template_form_offers_it(client, plan, official_vn):
    client.force_login(official_vn)  # Viet Nam leads projects of one plan only
    response = client.get(reverse("workplans:import_upload", args=["status"]))
    assert response.context["form"]["plan"].value() == plan.slug
    html = response.content.decode()
    assert f'<option value="{plan.slug}" selected>' in html
    assert 'formaction="/imports/status/template.csv"' in html


def test_several_plans_to_choose_are_not_chosen_for_the_user(client, plan, secretariat):
    make_plan(make_body("other"), "other-plan", statuses=[S.PLANNED])
    client.force_login(secretariat)
    response = client.get(reverse("workplans:import_upload", args=["status"]))
    assert response.context["form"]["plan"].value() is None


def test_a_row_with_a_problem_is_not_also_called_unchanged(client, plan, secretariat):
    client.force_login(secretariat)
    # Row 2 matches the plan; row 3 names P002's current status with a bad evidence link.
    rows = [["code", "status", "evidence"], ["P001", "planned", ""], ["P002", "ongoing", "nope"]]
    response = upload(client, "status", plan, "status.csv", csv_bytes(rows))
    assert response.status_code == 400
    assert response.context["counts"]["unchanged"] == 1
    html = response.content.decode()
    assert 'data-row="3" data-action="problem"' in html
    assert 'data-row="2" data-action="unchanged"' in html
    assert "1 unchanged" in html


def test_an_officials_template_lists_their_projects_and_uploads_as_no_change(
    client, plan, official_vn
):
    client.force_login(official_vn)
    url = reverse("workplans:import_template", args=["status", "xlsx"]) + f"?plan={plan.slug}"
    content = client.get(url).content
    data = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    assert [[c.value for c in row][:2] for row in data.iter_rows(min_row=2)] == [
        ["P001", "Planned"]
    ]
    before = state()
    response = upload(client, "status", plan, "filled.xlsx", content)
    assert response.status_code == 200
    assert response.context["preview"].valid and not response.context["token"]
    assert "The file changes nothing" in response.content.decode()
    assert state() == before


def test_the_import_pages_render(client, plan, secretariat):
    client.force_login(secretariat)
    assert client.get(reverse("workplans:import_index")).status_code == 200
    html = client.get(
        reverse("workplans:import_upload", args=["itemize"]) + f"?plan={plan.slug}"
    ).content.decode()
    assert "lead_countries" in html and "At most 5.0" in html
