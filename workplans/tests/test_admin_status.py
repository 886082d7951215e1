"""The admin changes statuses through the same service, and nobody edits the audit trail there."""

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from workplans.models import Project, StatusChange
from workplans.services import project_set_status

S = Project.Status


@pytest.fixture
def staff_secretariat(db):
    user = User.objects.create_user("sec_staff", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Secretariat"))
    return user


def status_url(project):
    return reverse("admin:workplans_project_status", args=[project.pk])


def test_admin_status_change_goes_through_the_service(
    client, staff_secretariat, vn_project, plus_three
):
    from .conftest import make_meeting

    meeting = make_meeting(plus_three, kind="som3")
    client.force_login(staff_secretariat)
    assert client.get(status_url(vn_project)).status_code == 200
    response = client.post(
        status_url(vn_project),
        {
            "status": S.COMPLETED,
            "version": 1,
            "note": "Reported at SOM+3",
            "meeting": meeting.pk,
            "evidence_url": "",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("admin:workplans_project_change", args=[vn_project.pk])
    vn_project.refresh_from_db()
    assert (vn_project.status, vn_project.version) == (S.COMPLETED, 2)
    change = StatusChange.objects.get()
    assert change.channel == StatusChange.Channel.ADMIN
    assert (change.changed_by, change.meeting) == (staff_secretariat, meeting)


def test_admin_applies_the_same_rules(client, staff_secretariat, vn_project):
    client.force_login(staff_secretariat)
    response = client.post(status_url(vn_project), {"status": S.POSTPONED, "version": 1})
    assert response.status_code == 200
    assert response.context["form"].errors["note"]
    assert not StatusChange.objects.exists()


def test_admin_refuses_a_stale_version(client, staff_secretariat, official_vn, vn_project):
    client.force_login(staff_secretariat)
    client.get(status_url(vn_project))
    project_set_status(project=vn_project, status=S.ONGOING, by=official_vn, expected_version=1)
    response = client.post(status_url(vn_project), {"status": S.COMPLETED, "version": 1})
    assert response.status_code == 302
    page = client.get(response.url)
    assert "Nothing was saved" in page.content.decode()
    vn_project.refresh_from_db()
    assert vn_project.status == S.ONGOING
    assert StatusChange.objects.count() == 1


def test_the_project_form_in_the_admin_does_not_edit_the_status(
    client, staff_secretariat, vn_project
):
    client.force_login(staff_secretariat)
    page = client.get(reverse("admin:workplans_project_change", args=[vn_project.pk]))
    assert "status" not in page.context["adminform"].form.fields
    assert status_url(vn_project) in page.content.decode()


def test_staff_without_the_right_to_update_is_refused(client, vn_project):
    clerk = User.objects.create_user("clerk", password="x", is_staff=True)
    client.force_login(clerk)
    assert client.get(status_url(vn_project)).status_code == 403


def test_officials_do_not_reach_the_admin(client, official_vn, vn_project):
    client.force_login(official_vn)
    response = client.get(status_url(vn_project))
    assert response.status_code == 302
    assert "/admin/login/" in response.url


@pytest.mark.parametrize("user", ["staff_secretariat", "superuser"])
def test_nobody_edits_or_deletes_the_audit_trail_in_the_admin(
    client, request, official_vn, vn_project, user
):
    if user == "superuser":
        actor = User.objects.create_superuser("root", password="x")
    else:
        actor = request.getfixturevalue(user)
    change = project_set_status(
        project=vn_project, status=S.ONGOING, by=official_vn, expected_version=1
    )
    client.force_login(actor)
    opts = "admin:workplans_statuschange"
    assert client.get(reverse(f"{opts}_add")).status_code == 403
    response = client.post(reverse(f"{opts}_change", args=[change.pk]), {"note": "rewritten"})
    assert response.status_code == 403
    assert (
        client.post(reverse(f"{opts}_delete", args=[change.pk]), {"post": "yes"}).status_code == 403
    )
    change.refresh_from_db()
    assert change.note == ""
    assert StatusChange.objects.count() == 1
