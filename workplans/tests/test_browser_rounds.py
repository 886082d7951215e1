"""In a real browser: a reporting round with review. The Secretariat opens a round, an
official sees what is due and submits a change, the Secretariat returns it with a comment,
the official sees it. Each page passes axe-core in English and Vietnamese, phone and desktop.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from workplans.models import Meeting, ReportingRound, StatusSubmission

from .test_browser_phone import check, log_in

pytestmark = pytest.mark.browser


def test_a_round_with_review_from_opening_to_a_returned_change(
    page, axe, screenshot_dir, live_server, vn_test_activity, secretariat, official_vn
):
    # Test data, not facts: a coming meeting of the scheme's body, which reviews updates.
    body = vn_test_activity.plan.body
    body.review_updates = True
    body.save()
    meeting = Meeting.objects.create(
        body=body,
        kind="other",
        title="Test meeting",
        start_date=timezone.localdate() + timedelta(days=14),
    )
    log_in(page, live_server.url, "secretariat")
    page.goto(live_server.url + "/rounds/")
    page.select_option("#id_meeting", str(meeting.pk))
    page.fill("#id_due_on", (timezone.localdate() + timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Open the round").click()
    round_ = ReportingRound.objects.get()
    assert page.url.endswith(round_.get_absolute_url())
    assert page.locator('[data-country="VN"]').count() == 1
    assert axe(page) == []
    page.screenshot(path=str(screenshot_dir / "round-page.png"), full_page=True)

    log_in(page, live_server.url, "official_vn")
    page.goto(live_server.url + "/my-projects/")
    banner = page.locator(f'[data-round="{round_.pk}"]')
    assert banner.get_attribute("data-outstanding") == "1"
    banner.get_by_role("link", name="Show them").click()
    assert page.locator("tbody tr").count() == 1
    page.screenshot(path=str(screenshot_dir / "my-projects-round.png"), full_page=True)
    page.goto(live_server.url + vn_test_activity.get_absolute_url())
    page.select_option("#id_status", "ongoing")
    page.get_by_role("button", name="Save the new status").click()
    assert "Submitted for review" in page.locator(".messages").inner_text()
    assert page.locator('[data-submission="pending"]').count() == 1
    assert axe(page) == []
    page.screenshot(path=str(screenshot_dir / "project-pending-review.png"), full_page=True)

    log_in(page, live_server.url, "secretariat")
    page.goto(live_server.url + "/reviews/")
    submission = StatusSubmission.objects.get()
    card = page.locator(f'[data-submission="{submission.pk}"]')
    card.locator("textarea").fill("Attach the conference report, please.")
    card.get_by_role("button", name="Return with this comment").click()
    assert "Returned to official_vn" in page.locator(".messages").inner_text()
    assert axe(page) == []
    page.screenshot(path=str(screenshot_dir / "reviews.png"), full_page=True)

    log_in(page, live_server.url, "official_vn")
    page.goto(live_server.url + vn_test_activity.get_absolute_url())
    assert (
        "Attach the conference report" in page.locator('[data-submission="returned"]').inner_text()
    )


@pytest.mark.parametrize("language", ["en", "vi"])
@pytest.mark.parametrize("width", [390, 1280])
def test_the_round_pages_fit_and_pass_axe(
    page,
    axe,
    screenshot_dir,
    live_server,
    vn_test_activity,
    secretariat,
    official_vn,
    language,
    width,
):
    from workplans import services

    meeting = Meeting.objects.create(
        body=vn_test_activity.plan.body,
        kind="other",
        title="Test meeting",
        start_date=timezone.localdate() + timedelta(days=14),
    )
    round_ = services.round_open(meeting=meeting, due_on=timezone.localdate(), by=secretariat)
    page.set_viewport_size({"width": width, "height": 844})
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    log_in(page, live_server.url, "secretariat")
    for path in ("/rounds/", round_.get_absolute_url(), "/reviews/"):
        check(page, axe, live_server.url + path, width)
    log_in(page, live_server.url, "official_vn")
    check(page, axe, live_server.url + "/my-projects/", width)
    page.screenshot(
        path=str(screenshot_dir / f"my-projects-round-{language}-{width}.png"), full_page=True
    )
