"""In a real browser, on a 390 px phone and a desktop: pages fit, the menu folds, axe passes.

Each page is checked for width (nothing wider than the screen but what scrolls in its own box)
and for serious or critical axe-core violations; the `page` fixture fails the test on any
Content-Security-Policy violation.
"""

import pytest

from workplans.models import WorkPlan

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"
PHONE = {"width": 390, "height": 844}
PUBLIC = ["/", "/projects/", "/progress/", "/annex/", "/plans/accsm-work-plan-2021-2025/"]


def log_in(page, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()


def check(page, axe, url: str, width: int) -> None:
    page.goto(url)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{url} is {scroll_width} px wide on a {width} px screen"
    assert axe(page) == [], url


@pytest.mark.parametrize("language", ["en", "vi"])
@pytest.mark.parametrize("width", [390, 1280])
def test_public_pages_fit_the_screen_and_pass_axe(page, axe, live_server, sources, width, language):
    page.set_viewport_size({"width": width, "height": 844})
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    for path in PUBLIC:
        check(page, axe, live_server.url + path, width)


def test_an_official_on_a_phone_finds_the_menu_folded_and_the_status_form_on_top(
    page, axe, screenshot_dir, live_server, vn_test_activity, official_vn
):
    project = vn_test_activity
    page.set_viewport_size(PHONE)
    log_in(page, live_server.url, "official_vn")

    # The menu is one line, folded; opened, it lists the official's pages.
    header = page.locator("header.site-header")
    assert header.bounding_box()["height"] < 80
    assert not page.get_by_role("link", name="My projects").is_visible()
    page.locator(".site-menu > summary").click()
    assert page.get_by_role("link", name="My projects").is_visible()
    page.screenshot(path=str(screenshot_dir / "phone-menu-open.png"))

    # The skip link is the first thing a keyboard reaches, and it leads to the content.
    page.goto(live_server.url + "/my-projects/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    check(page, axe, live_server.url + "/my-projects/", PHONE["width"])
    check(page, axe, live_server.url + "/imports/status/", PHONE["width"])

    check(page, axe, live_server.url + project.get_absolute_url(), PHONE["width"])
    form_top = page.locator("#update").bounding_box()["y"]
    assert form_top < PHONE["height"], f"the status form starts {form_top} px down"
    page.screenshot(path=str(screenshot_dir / "phone-project-page.png"), full_page=True)


@pytest.mark.parametrize("language", ["en", "vi"])
def test_the_secretariat_on_a_desktop_passes_axe_on_its_pages(
    page, axe, live_server, sources, secretariat, language
):
    log_in(page, live_server.url, "secretariat")
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    plan = WorkPlan.objects.get(slug="accsm-plus-3-work-plan-2021-2025")
    proposal = plan.projects.get(status="proposed")
    for path in [
        "/countries/",
        "/countries/VN/",
        proposal.get_absolute_url(),
        "/proposals/new/",
        "/reconcile/",
        "/imports/",
        "/imports/itemize/",
    ]:
        check(page, axe, live_server.url + path, 1280)
