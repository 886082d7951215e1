"""In a real browser: an official logs in, updates a status with a note, sees the dashboard change."""

import re

import pytest

from workplans.models import Project, StatusChange

from .conftest import make_plan, make_project

S = Project.Status
PASSWORD = "correct horse battery staple"


@pytest.mark.browser
def test_official_updates_a_status_and_sees_the_dashboard_change(
    page, screenshot_dir, live_server, official_vn, plus_three, viet_nam
):
    plan = make_plan(plus_three, "accsm-plus-3-plan", statuses=[S.COMPLETED, S.PLANNED])
    project = make_project(
        plan,
        "VN-01",
        leads=[viet_nam],
        title="Digital transformation of the civil service",
    )
    card = f'[data-plan="{plan.slug}"] [data-source="live"] [data-figure="completion"]'

    page.goto(live_server.url + "/")
    assert page.locator(card).inner_text() == "33.3 %"

    # Log in from the header link, as a new user would; it leads back to the dashboard.
    page.get_by_role("link", name="Log in").click()
    page.fill("#id_username", "official_vn")
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.get_by_role("link", name="My projects").click()
    assert page.locator('[data-project="VN-01"]').count() == 1

    page.locator('[data-project="VN-01"]').get_by_role("link", name="Update").click()
    page.select_option("#id_status", S.COMPLETED)
    page.fill("#id_note", "Seminar held in Hanoi; report adopted at SOM+3.")
    page.fill("#id_evidence_url", "https://example.org/som3-report.pdf")
    page.screenshot(path=str(screenshot_dir / "status-update-form.png"), full_page=True)
    page.get_by_role("button", name="Save the new status").click()

    # Back on the list the official came from, with a confirmation.
    assert re.search(r"/my-projects/$", page.url)
    assert "Saved: VN-01 is now “Completed”." in page.locator(".messages").inner_text()
    page.screenshot(path=str(screenshot_dir / "my-projects-after-update.png"), full_page=True)

    page.goto(live_server.url + "/")
    assert page.locator(card).inner_text() == "66.7 %"
    page.screenshot(path=str(screenshot_dir / "dashboard-after-update.png"), full_page=True)

    page.goto(live_server.url + project.get_absolute_url())
    assert "Seminar held in Hanoi" in page.locator(".timeline").inner_text()
    page.screenshot(path=str(screenshot_dir / "project-history.png"), full_page=True)

    project.refresh_from_db()
    assert project.status == S.COMPLETED
    assert StatusChange.objects.filter(project=project, changed_by=official_vn).count() == 1
