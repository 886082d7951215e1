"""In a real browser: the dashboard shows the sources' figures, with their source."""

import pytest

pytestmark = pytest.mark.browser


def test_dashboard_shows_the_sources_figures(page, screenshot_dir, live_server, sources):
    page.goto(live_server.url + "/")
    accsm = page.locator('[data-plan="accsm-work-plan-2021-2025"]')
    plus_three = page.locator('[data-plan="accsm-plus-3-work-plan-2021-2025"]')

    assert accsm.locator('[data-figure="completion"]').inner_text() == "22.6 %"
    assert accsm.locator('[data-figure="total"]').inner_text() == "31"
    assert accsm.locator('[data-figure="ongoing"]').inner_text() == "5 (16.1 %)"
    assert accsm.locator('[data-figure="planned"]').inner_text() == "19 (61.3 %)"
    assert "Reported at SOM, ACCSM 21" in accsm.inner_text()

    assert plus_three.locator('[data-figure="total"]').inner_text() == "32"
    assert plus_three.locator('[data-figure="planned"]').inner_text() == "21 (65.6 %)"
    assert "1 proposal pending, not counted" in plus_three.inner_text()

    # The stacked bar is drawn without JavaScript, one segment per non-empty status.
    assert accsm.locator(".bar rect").count() == 3
    page.screenshot(path=screenshot_dir / "dashboard.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=screenshot_dir / "dashboard-phone.png", full_page=True)
