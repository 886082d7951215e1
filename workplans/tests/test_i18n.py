"""The Vietnamese interface: pages, messages, form errors and model labels; English stays the default."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from workplans.models import Project, StatusChange

PO = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.po"
S = Project.Status


def in_vietnamese(client):
    client.post(reverse("set_language"), {"language": "vi", "next": "/"})


def test_english_is_the_default(client, vn_project):
    html = client.get(vn_project.get_absolute_url()).content.decode()
    assert '<html lang="en">' in html
    assert "Lead countries" in html


def test_a_page_in_vietnamese_shows_vietnamese_text(client, vn_project):
    in_vietnamese(client)
    html = client.get(vn_project.get_absolute_url()).content.decode()
    assert '<html lang="vi">' in html
    assert "Nước chủ trì" in html  # Lead countries
    assert "Đang lên kế hoạch" in html  # Planned
    assert "Lịch sử" in html  # History
    assert "Lead countries" not in html


def test_the_language_switcher_is_on_every_page(client, vn_project):
    for url in ("/", vn_project.get_absolute_url(), reverse("login")):
        html = client.get(url).content.decode()
        assert f'action="{reverse("set_language")}"' in html
        assert '<option value="vi"' in html


def test_messages_and_form_errors_are_translated(client, official_vn, vn_project):
    client.force_login(official_vn)
    in_vietnamese(client)
    url = reverse("workplans:project_status", args=[vn_project.pk])
    response = client.post(url, {"status": S.POSTPONED, "version": 1, "note": ""})
    assert "Cần có ghi chú khi dự án tạm hoãn hoặc bị hủy." in response.content.decode()
    response = client.post(url, {"status": S.ONGOING, "version": 1}, follow=True)
    assert "Đã lưu: VN-01 hiện ở trạng thái “Đang triển khai/thường niên”." in (
        response.content.decode()
    )
    # A stale submit's refusal, in Vietnamese too.
    response = client.post(url, {"status": S.COMPLETED, "version": 1})
    assert response.status_code == 409
    assert "Chưa lưu gì: VN-01 đã được thay đổi" in response.content.decode()


def test_dates_follow_the_active_language(client, official_vn, vn_project):
    client.force_login(official_vn)
    client.post(
        reverse("workplans:project_status", args=[vn_project.pk]),
        {"status": S.ONGOING, "version": 1},
    )
    english = client.get(vn_project.get_absolute_url()).content.decode()
    in_vietnamese(client)
    vietnamese = client.get(vn_project.get_absolute_url()).content.decode()
    # Day-month-year, as ASEAN papers write dates; no "Ngày" doubled in Vietnamese.
    assert re.search(r"last updated \d{1,2} [A-Z][a-z]+ \d{4}, \d\d:\d\d", english)
    assert re.search(r"lúc \d\d:\d\d, \d{1,2} tháng \d{1,2} năm \d{4}", vietnamese)
    assert not re.search(r"(?i)ngày ngày", vietnamese)


def test_report_dates_are_ranges_in_both_languages(client, sources):
    english = client.get("/").content.decode()
    assert "Reported at SOM, ACCSM 21, 2–6 August 2022" in english
    in_vietnamese(client)
    for url in (
        "/",
        reverse("workplans:annex"),
        reverse("workplans:plan_detail", args=["accsm-work-plan-2021-2025"]),
    ):
        vietnamese = client.get(url).content.decode()
        assert "2–6 tháng 8 năm 2022" in vietnamese, url
        assert not re.search(r"(?i)ngày ngày", vietnamese), url


def test_the_project_table_names_each_plan_in_the_interfaces_language(client, sources):
    english = client.get(reverse("workplans:project_list"), {"_export": "csv"})
    text = b"".join(english.streaming_content).decode("utf-8-sig")
    assert "Quyết định 1439/QĐ-TTg" not in text
    in_vietnamese(client)
    page = client.get(reverse("workplans:project_list")).content.decode()
    assert "Quyết định 1439/QĐ-TTg" in page  # the scheme's project, under its Vietnamese title
    vietnamese = client.get(reverse("workplans:project_list"), {"_export": "csv"})
    assert "Quyết định 1439/QĐ-TTg" in b"".join(vietnamese.streaming_content).decode("utf-8-sig")


def test_model_labels_are_translated_for_the_admin():
    with translation.override("vi"):
        assert str(StatusChange._meta.verbose_name_plural) == "các thay đổi trạng thái"
        assert str(Project._meta.get_field("lead_countries").verbose_name) == ("các nước chủ trì")
        assert str(S.COMPLETED.label) == "Đã hoàn thành"


def test_every_message_is_translated_and_none_is_fuzzy():
    """Guards the catalogue: after makemessages, every new string needs its Vietnamese."""
    text = PO.read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]  # the first is the header
    untranslated = [
        entry.split("msgid ", 1)[1].split("\n")[0]
        for entry in entries
        if re.search(r'^msgstr(\[0\])? ""\n?$', entry, re.MULTILINE)
        and not re.search(r'^msgstr(\[0\])? ""\n"', entry, re.MULTILINE)
    ]
    assert not untranslated, f"Translate into Vietnamese: {untranslated[:10]}"
    assert "#, fuzzy" not in text
    mo = PO.with_suffix(".mo")
    assert mo.exists() and mo.stat().st_mtime >= PO.stat().st_mtime - 1, (
        "Compile the catalogue: manage.py compilemessages"
    )


def test_every_string_in_the_code_has_its_vietnamese(tmp_path):
    """makemessages on a copy of the code: nothing new may appear untranslated or fuzzy.

    The test above checks the catalogue as committed; this one catches a string added to a
    template or module without running makemessages (and translating) at all.
    """
    if not shutil.which("xgettext"):
        message = "xgettext not found: apt-get install gettext"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    root = Path(settings.BASE_DIR)
    skip = shutil.ignore_patterns("tests", "__pycache__", "*.mo")
    for name in ("accsm", "workplans", "templates", "locale"):
        shutil.copytree(root / name, tmp_path / name, ignore=skip)
    shutil.copy(root / "manage.py", tmp_path)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "vi", "--no-obsolete"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "accsm.settings"},
    )
    fresh = (tmp_path / "locale" / "vi" / "LC_MESSAGES" / "django.po").read_text("utf-8")
    entries = fresh.split("\n\n")[1:]
    missing = [
        entry.split("msgid ", 1)[1].split("\n")[0]
        for entry in entries
        if "#, fuzzy" in entry
        or (
            re.search(r'^msgstr(\[0\])? ""\n?$', entry, re.MULTILINE)
            and not re.search(r'^msgstr(\[0\])? ""\n"', entry, re.MULTILINE)
        )
    ]
    assert not missing, f"Run makemessages and translate: {missing[:10]}"
