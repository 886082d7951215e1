"""In a real browser: the meeting cycle's pages in English and Vietnamese, phone and desktop.

The Secretariat records the Viet Nam scheme's live figures at the third conference, then the
meeting page, the plan's trend and reconciliation, the chairs and the targets are checked with
axe-core (no serious or critical violation) and photographed.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from workplans.models import Meeting, StatusReport

from .test_browser_phone import check, log_in

pytestmark = pytest.mark.browser

SCHEME = "/plans/vn-scheme-1439-2019-2025/"


def test_the_secretariat_records_the_figures_at_a_meeting(
    page, axe, screenshot_dir, live_server, vn_test_activity, secretariat
):
    # Test data, not a fact: a coming meeting of MOHA at which to record the scheme's figures.
    start = timezone.localdate() + timedelta(days=2)
    conference = Meeting.objects.create(
        body=vn_test_activity.plan.body, kind="other", title="Test meeting", start_date=start
    )
    log_in(page, live_server.url, "secretariat")
    page.goto(live_server.url + conference.get_absolute_url())
    page.get_by_role("link", name="Record the live figures").click()
    assert (
        page.locator('[data-plan="vn-scheme-1439-2019-2025"]').get_attribute("data-action")
        == "create"
    )
    assert axe(page) == []
    page.screenshot(path=str(screenshot_dir / "meeting-record-preview.png"), full_page=True)
    page.get_by_role("button", name="Record these figures").click()
    assert "Recorded the figures of 1 plan" in page.locator(".messages").inner_text()
    report = StatusReport.objects.get(meeting=conference)
    assert (report.completed, report.planned) == (1, 1)
    row = page.locator('[data-report="vn-scheme-1439-2019-2025"]')
    assert "Recorded from the tracker" in row.inner_text()
    assert axe(page) == []
    page.screenshot(path=str(screenshot_dir / "meeting-page.png"), full_page=True)

    # The plan's trend: the recorded report, then live; the table gives the same figures.
    page.goto(live_server.url + SCHEME)
    assert page.locator("#trend svg rect").count() >= 2
    assert page.locator("#trend tbody tr").count() == 2
    assert page.locator("#targets [data-state='overdue']").count() == 2
    assert axe(page) == []
    page.screenshot(path=str(screenshot_dir / "plan-trend-targets.png"), full_page=True)

    page.goto(live_server.url + "/reconcile/")
    assert page.locator('[data-reconcile="vn-scheme-1439-2019-2025"]').count() == 1
    assert axe(page) == []
    page.screenshot(path=str(screenshot_dir / "reconcile.png"), full_page=True)


@pytest.mark.parametrize("language", ["en", "vi"])
@pytest.mark.parametrize("width", [390, 1280])
def test_the_meeting_cycle_pages_fit_and_pass_axe(
    page, axe, screenshot_dir, live_server, sources, language, width
):
    page.set_viewport_size({"width": width, "height": 844})
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    som = Meeting.objects.get(kind="som")
    pages = ["/meetings/", som.get_absolute_url(), "/chairs/", "/targets/", SCHEME]
    pages += ["/?as_of=2023-01-01", "/progress/?as_of=2023-01-01", SCHEME + "?as_of=2023-01-01"]
    pages += ["/projects/?as_of=2023-01-01&status=completed&status=planned"]
    for path in pages:
        check(page, axe, live_server.url + path, width)
    page.goto(live_server.url + "/chairs/")
    if language == "vi":
        assert "Mạng lưới ASEAN về Đào tạo công vụ" in page.locator("main").inner_text()
    page.screenshot(path=str(screenshot_dir / f"chairs-{language}-{width}.png"), full_page=True)
    page.goto(live_server.url + som.get_absolute_url())
    assert "2–6" in page.locator("[data-dates]").inner_text()
    page.screenshot(path=str(screenshot_dir / f"meeting-{language}-{width}.png"), full_page=True)
    page.goto(live_server.url + "/projects/?as_of=2023-01-01&status=completed&status=planned")
    # The day form keeps both ticked statuses when the day changes.
    page.fill("#id_as_of", "2022-01-01")
    page.locator(".as-of-form button").click()
    page.wait_for_load_state()
    assert "as_of=2022-01-01" in page.url and page.url.count("status=") == 2
    page.screenshot(
        path=str(screenshot_dir / f"projects-as-of-{language}-{width}.png"), full_page=True
    )
