"""In a real browser, the three journeys of issue #12, with the figures checked at each step.

1. A Viet Nam official on a phone updates the status of a project Viet Nam leads.
2. The Secretariat adopts Japan's seminar into the ACCSM+3 plan and downloads the annex.
3. An official imports a spreadsheet with one mistake, corrects it, and applies it.

Every page passes axe-core (no serious or critical violation); the `page` fixture fails on
any Content-Security-Policy violation.
"""

import io

import openpyxl
import pytest

from workplans.models import Meeting, Project, StatusChange

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"
PLUS_THREE = '[data-plan="accsm-plus-3-work-plan-2021-2025"]'
SCHEME = '[data-plan="vn-scheme-1439-2019-2025"]'


def log_in(page, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()


def completion(page, plan: str) -> str:
    return (
        page.locator(f"{plan} .figureset").first.locator('[data-figure="completion"]').inner_text()
    )


def test_an_official_on_a_phone_updates_a_status(
    page, axe, screenshot_dir, live_server, vn_test_activity, official_vn
):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/")
    assert completion(page, SCHEME) == "50.0 %"  # the third conference, and the test activity

    log_in(page, live_server.url, "official_vn")
    page.locator(".site-menu > summary").click()
    page.get_by_role("link", name="My projects").click()
    page.locator('[data-project="VN-TEST-1"]').get_by_role("link", name="Update").click()
    # The form is on the first screen of the project page.
    assert page.locator("#update").bounding_box()["y"] < 844
    assert axe(page) == []
    page.select_option("#id_status", Project.Status.COMPLETED)
    page.fill("#id_note", "Held as planned.")
    page.fill("#id_evidence_url", "moha.gov.vn/report")  # no https://: accepted and normalised
    page.screenshot(path=str(screenshot_dir / "journey-1-phone-form.png"), full_page=True)
    page.get_by_role("button", name="Save the new status").click()
    assert "is now “Completed”" in page.locator(".messages").inner_text()

    page.goto(live_server.url + "/")
    assert completion(page, SCHEME) == "100.0 %"
    page.screenshot(path=str(screenshot_dir / "journey-1-phone-dashboard.png"), full_page=True)
    change = StatusChange.objects.get(project__code="VN-TEST-1", changed_by=official_vn)
    assert change.evidence_url == "https://moha.gov.vn/report"


def test_the_secretariat_adopts_japans_seminar_and_downloads_the_annex(
    page, axe, screenshot_dir, live_server, sources, secretariat
):
    page.goto(live_server.url + "/")
    assert completion(page, PLUS_THREE) == "21.9 %"
    assert page.locator(f'{PLUS_THREE} [data-figure="total"]').first.inner_text() == "32"

    log_in(page, live_server.url, "secretariat")
    seminar = Project.objects.get(code="JP-2023-SEM")
    page.goto(live_server.url + seminar.get_absolute_url())
    assert axe(page) == []
    head3 = Meeting.objects.get(body__code="accsm-plus-3", kind=Meeting.Kind.HEAD_PLUS_3)
    # Only the plan's body's meetings are offered.
    offered = page.locator("#id_meeting option").all_inner_texts()
    assert offered[0] == "---------" and all("+3" in label for label in offered[1:])
    page.select_option("#id_meeting", str(head3.pk))
    page.get_by_role("button", name="Adopt", exact=True).click()
    assert page.locator(".messages").count() == 1

    # The plan keeps its reported baseline and adds the seminar: 7 of 33 = 21.2 %.
    page.goto(live_server.url + "/")
    assert completion(page, PLUS_THREE) == "21.2 %"
    assert page.locator(f'{PLUS_THREE} [data-figure="total"]').first.inner_text() == "33"
    assert "32 reported at SOM+3, ACCSM 21" in page.locator(PLUS_THREE).inner_text()
    page.screenshot(path=str(screenshot_dir / "journey-2-dashboard.png"), full_page=True)

    page.goto(live_server.url + "/progress/")
    with page.expect_download() as download:
        page.locator('[data-export="xlsx"]').click()
    sheet = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes())).worksheets[0]
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "ACCSM+3 Work Plan 2021–2025" in values and 33 in values and 65 in values

    page.goto(live_server.url + "/annex/")
    assert axe(page) == []
    assert "21.2 %" in page.locator("main").inner_text()
    page.screenshot(path=str(screenshot_dir / "journey-2-annex.png"), full_page=True)
    if page.locator("[data-pdf]").count():
        with page.expect_download() as download:
            page.locator("[data-pdf]").click()
        assert download.value.suggested_filename.endswith(".pdf")
        with open(download.value.path(), "rb") as pdf:
            assert pdf.read(5) == b"%PDF-"


def test_an_import_with_one_mistake_is_corrected_and_applied(
    page, axe, screenshot_dir, live_server, vn_test_activity, official_vn, tmp_path
):
    log_in(page, live_server.url, "official_vn")
    page.goto(live_server.url + "/imports/status/")
    # Viet Nam leads projects of one plan: it is chosen, and its template lists them.
    with page.expect_download() as download:
        page.locator('.template-form [data-template="xlsx"]').click()
    workbook = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    sheet = workbook.worksheets[0]
    assert [[c.value for c in row][:2] for row in sheet.iter_rows(min_row=2)] == [
        ["VN-LOCAL-CONF-3", "Completed"],
        ["VN-TEST-1", "Planned"],
    ]

    # The mistake: a status the tracker does not know.
    sheet["B3"] = "Finished"
    mistaken = tmp_path / "status-mistake.xlsx"
    workbook.save(mistaken)
    page.set_input_files("#id_file", str(mistaken))
    page.get_by_role("button", name="Check the file").click()
    assert "nothing will be imported" in page.locator(".import-errors").inner_text()
    assert page.locator('[data-row="3"]').last.get_attribute("data-action") == "problem"
    assert axe(page) == []
    page.screenshot(path=str(screenshot_dir / "journey-3-mistake.png"), full_page=True)
    assert Project.objects.get(code="VN-TEST-1").status == Project.Status.PLANNED

    sheet["B3"] = "Completed"
    sheet["C3"] = "Held as planned."
    corrected = tmp_path / "status-corrected.xlsx"
    workbook.save(corrected)
    page.get_by_role("link", name="Upload a corrected file").click()
    page.set_input_files("#id_file", str(corrected))
    page.get_by_role("button", name="Check the file").click()
    assert page.locator('[data-row="2"]').get_attribute("data-action") == "unchanged"
    assert page.locator('[data-row="3"]').get_attribute("data-action") == "update"
    page.get_by_role("button", name="Confirm and apply").click()
    assert "1 updated" in page.locator(".messages").inner_text()
    # Back on the plan's page, whose figure follows.
    assert page.locator('[data-figure="completion"]').first.inner_text() == "100.0 %"
    page.screenshot(path=str(screenshot_dir / "journey-3-applied.png"), full_page=True)

    page.goto(live_server.url + "/")
    assert completion(page, SCHEME) == "100.0 %"
    project = Project.objects.get(code="VN-TEST-1")
    assert project.status == Project.Status.COMPLETED
    assert project.changes.get().channel == "import"
