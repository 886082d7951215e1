"""In a real browser: the API's documentation page, rendered from the schema, fits a phone
and passes axe in English and Vietnamese (the `page` fixture fails on any CSP violation)."""

import pytest

from .test_browser_phone import check

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["en", "vi"])
@pytest.mark.parametrize("width", [390, 1280])
def test_the_api_documentation_renders(
    page, axe, screenshot_dir, live_server, sources, language, width
):
    page.set_viewport_size({"width": width, "height": 844})
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    check(page, axe, live_server.url + "/api/v1/docs/", width)
    assert page.locator("#projects_list table").count() == 2  # parameters and fields
    assert all(url.startswith(live_server.url) for url in requested), requested
    page.screenshot(path=str(screenshot_dir / f"api-docs-{language}-{width}.png"), full_page=True)
