"""Updating a status from the project page: who may, what is recorded, no lost updates."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from workplans.models import Project, StatusChange

S = Project.Status


def post_status(client, project, status, *, version=None, **extra):
    data = {
        "status": status,
        "version": project.version if version is None else version,
        "note": "",
        "evidence_url": "",
        **extra,
    }
    return client.post(reverse("workplans:project_status", args=[project.pk]), data)


def test_official_of_the_lead_country_updates_and_one_audit_row_appears(
    client, official_vn, vn_project
):
    client.force_login(official_vn)
    response = post_status(
        client,
        vn_project,
        S.ONGOING,
        note="Workshop held in Hanoi",
        evidence_url="https://example.org/report.pdf",
    )
    assert response.status_code == 302
    vn_project.refresh_from_db()
    assert (vn_project.status, vn_project.version) == (S.ONGOING, 2)
    assert vn_project.status_changed_by == official_vn
    assert vn_project.status_changed_at is not None
    change = StatusChange.objects.get()
    assert (change.project, change.from_status, change.to_status) == (
        vn_project,
        S.PLANNED,
        S.ONGOING,
    )
    assert change.changed_by == official_vn
    assert change.note == "Workshop held in Hanoi"
    assert change.evidence_url == "https://example.org/report.pdf"
    assert change.channel == StatusChange.Channel.WEB
    assert change.version == 2


def test_official_cannot_update_other_countrys_project(client, official_jp, vn_project):
    client.force_login(official_jp)
    response = post_status(client, vn_project, S.COMPLETED)
    assert response.status_code == 403
    vn_project.refresh_from_db()
    assert (vn_project.status, vn_project.version) == (S.PLANNED, 1)
    assert not StatusChange.objects.exists()


def test_viewer_cannot_update_and_sees_no_form(client, viewer, vn_project):
    client.force_login(viewer)
    assert post_status(client, vn_project, S.COMPLETED).status_code == 403
    page = client.get(vn_project.get_absolute_url())
    assert page.context["status_form"] is None
    assert "Only the Secretariat and officials" in page.content.decode()
    assert not StatusChange.objects.exists()


def test_project_page_offers_the_form_with_the_version_to_the_lead_country(
    client, official_vn, vn_project
):
    client.force_login(official_vn)
    html = client.get(vn_project.get_absolute_url()).content.decode()
    assert f'action="{reverse("workplans:project_status", args=[vn_project.pk])}"' in html
    assert 'name="version" value="1"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<option value="proposed"' not in html  # proposals are adopted, not set


def test_stale_version_is_refused_with_current_status_and_who_changed_it(
    client, official_vn, secretariat, vn_project
):
    # Someone else (the Secretariat) saves first, from version 1.
    other = Client()
    other.force_login(secretariat)
    assert post_status(other, vn_project, S.ONGOING).status_code == 302

    client.force_login(official_vn)
    response = post_status(client, vn_project, S.POSTPONED, version=1, note="Moved to next year")
    assert response.status_code == 409
    html = response.content.decode()
    assert "Nothing was saved" in html
    assert "“Ongoing or annual”" in html
    assert "set by secretariat" in html
    vn_project.refresh_from_db()
    assert (vn_project.status, vn_project.version) == (S.ONGOING, 2)
    assert StatusChange.objects.count() == 1
    # The form comes back with the user's input and the current version, to resubmit knowingly.
    form = response.context["status_form"]
    assert form["version"].value() == 2
    assert form["note"].value() == "Moved to next year"


def test_stale_version_writes_nothing_even_when_the_service_is_called_directly(
    official_vn, vn_project
):
    from workplans.services import StaleVersionError, project_set_status

    project_set_status(project=vn_project, status=S.ONGOING, by=official_vn, expected_version=1)
    stale = Project.objects.get(pk=vn_project.pk)
    stale.version = 1  # as read before the first change
    with pytest.raises(StaleVersionError):
        project_set_status(project=stale, status=S.COMPLETED, by=official_vn, expected_version=1)
    assert Project.objects.get(pk=vn_project.pk).status == S.ONGOING
    assert StatusChange.objects.count() == 1


@pytest.mark.parametrize("status", [S.POSTPONED, S.CANCELLED])
def test_note_is_required_for_postponed_and_cancelled(client, official_vn, vn_project, status):
    client.force_login(official_vn)
    response = post_status(client, vn_project, status, note="   ")
    assert response.status_code == 200
    assert response.context["status_form"].errors["note"]
    vn_project.refresh_from_db()
    assert vn_project.status == S.PLANNED
    assert not StatusChange.objects.exists()


def test_invalid_evidence_link_is_refused(client, official_vn, vn_project):
    client.force_login(official_vn)
    response = post_status(client, vn_project, S.ONGOING, evidence_url="not a link")
    assert response.context["status_form"].errors["evidence_url"]
    assert not StatusChange.objects.exists()


def test_after_an_update_the_user_lands_back_where_they_were(client, official_vn, vn_project):
    client.force_login(official_vn)
    response = post_status(client, vn_project, S.ONGOING, next="/my-projects/?stale=1")
    assert response.status_code == 302
    assert response.url == "/my-projects/?stale=1"
    page = client.get(response.url)
    assert "Saved: VN-01 is now “Ongoing or annual”." in page.content.decode()


@pytest.mark.parametrize(
    "target",
    ["https://evil.example.com/", "//evil.example.com/", "javascript:alert(1)"],
)
def test_an_unsafe_next_is_ignored(client, official_vn, vn_project, target):
    client.force_login(official_vn)
    response = post_status(client, vn_project, S.ONGOING, next=target)
    assert response.url == vn_project.get_absolute_url()


def test_project_page_carries_a_safe_next_into_the_form(client, official_vn, vn_project):
    client.force_login(official_vn)
    page = client.get(vn_project.get_absolute_url() + "?next=/my-projects/")
    assert '<input type="hidden" name="next" value="/my-projects/">' in (page.content.decode())
    page = client.get(vn_project.get_absolute_url() + "?next=https://evil.example.com/")
    assert "evil.example.com" not in page.content.decode().split("<main")[1]


def test_a_get_of_the_status_address_leads_back_to_the_project(client, official_vn, vn_project):
    client.force_login(official_vn)
    response = client.get(reverse("workplans:project_status", args=[vn_project.pk]))
    assert response.status_code == 302
    assert response["Location"] == vn_project.get_absolute_url() + "#update"
    vn_project.refresh_from_db()
    assert vn_project.version == 1


def test_a_refused_update_shows_an_error_summary_and_says_so_in_the_title(
    client, official_vn, vn_project
):
    client.force_login(official_vn)
    response = client.post(
        reverse("workplans:project_status", args=[vn_project.pk]),
        {"status": S.POSTPONED, "note": "", "version": vn_project.version},
    )
    html = response.content.decode()
    assert "<title>Error:" in html
    summary = html[html.index('class="error-summary"') :].split("</div>")[0]
    assert "autofocus" in summary and "There is a problem" in summary
    assert 'href="#id_note"' in summary and "A note is required" in summary
    assert html.index('class="error-summary"') < html.index('name="status"')


def test_the_evidence_link_accepts_an_address_without_https(client, official_vn, vn_project):
    client.force_login(official_vn)
    page = client.get(vn_project.get_absolute_url()).content.decode()
    evidence = re.search(r"<input[^>]*evidence_url[^>]*>", page).group(0)
    assert 'type="url"' not in evidence and 'inputmode="url"' in evidence
    client.post(
        reverse("workplans:project_status", args=[vn_project.pk]),
        {"status": S.ONGOING, "version": 1, "evidence_url": "moha.gov.vn/tin-tuc/hoi-nghi"},
    )
    change = vn_project.changes.get()
    assert change.evidence_url == "https://moha.gov.vn/tin-tuc/hoi-nghi"


def test_csrf_is_enforced(official_vn, vn_project):
    client = Client(enforce_csrf_checks=True)
    client.force_login(official_vn)
    assert post_status(client, vn_project, S.ONGOING).status_code == 403
    assert not StatusChange.objects.exists()


def test_unknown_project_is_404_even_for_someone_not_allowed(client, viewer, db):
    client.force_login(viewer)
    response = client.post(reverse("workplans:project_status", args=[999]), {"status": "ongoing"})
    assert response.status_code == 404


def test_history_timeline_shows_each_change(client, official_vn, vn_project):
    client.force_login(official_vn)
    post_status(client, vn_project, S.ONGOING, note="Started")
    vn_project.refresh_from_db()
    post_status(client, vn_project, S.POSTPONED, note="Moved to 2026 by the SOM")
    html = client.get(vn_project.get_absolute_url()).content.decode()
    timeline = html.split('class="timeline"')[1]
    assert timeline.count("<li>") == 2
    assert "Moved to 2026 by the SOM" in timeline and "Started" in timeline
    assert "by official_vn" in timeline
    assert re.search(r"last updated [^<]+ by official_vn", html)


def test_dashboard_figures_change_at_once(client, official_vn, vn_project):
    assert 'data-figure="completed">0' in client.get("/").content.decode()
    client.force_login(official_vn)
    post_status(client, vn_project, S.COMPLETED)
    html = client.get("/").content.decode()
    assert 'data-figure="completed">1' in html
    assert 'data-figure="completion">100.0 %' in html
