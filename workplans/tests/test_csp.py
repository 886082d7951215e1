"""A Content-Security-Policy on every response, and no inline script or style for it to block."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


@pytest.mark.parametrize(
    "url",
    ["/", "/projects/", "/progress/", "/annex/", "/accounts/login/", "/nothing-here/"],
)
def test_every_response_carries_the_policy(client, sources, url):
    policy = directives(client.get(url))
    assert policy["default-src"] == ["'self'"]
    for name in ("script-src", "style-src"):
        assert policy[name] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]


def test_no_template_has_inline_script_handlers_or_styles():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for pattern in (
            r"<script(?![^>]*\bsrc=)[^>]*>",  # inline script (JSON data blocks excepted below)
            r"\son[a-z]+\s*=",  # onclick=…
            r"\sstyle\s*=",  # style="…"
            r"<style[\s>]",
        ):
            for match in re.finditer(pattern, text):
                if 'type="application/json"' in match.group(0):
                    continue
                offenders.append(f"{path.relative_to(TEMPLATES)}: {match.group(0)}")
    assert not offenders


def test_the_annex_prints_with_its_own_script_and_stylesheet(client, sources):
    html = client.get(reverse("workplans:annex")).content.decode()
    assert "js/annex.js" in html and "css/annex.css" in html
    assert "data-print" in html
