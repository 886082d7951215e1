"""Proposals: an official proposes, the Secretariat adopts (at a meeting) or declines (with a reason)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from workplans.models import Country, Project, StatusChange
from workplans.selectors import plan_progress
from workplans.services import (
    StaleVersionError,
    project_propose,
    proposal_adopt,
    proposal_decline,
)

from .conftest import make_body, make_meeting, make_plan

S = Project.Status
SEMINAR = "International Seminar: Commemorating 50 years of ASEAN–Japan friendship and cooperation"


@pytest.fixture
def plan(plus_three):
    return make_plan(plus_three, "accsm-plus-3-work-plan-2021-2025", statuses=[S.PLANNED])


@pytest.fixture
def proposal(plan, official_jp):
    return project_propose(plan=plan, title=SEMINAR, year=2023, by=official_jp)


@pytest.fixture
def som3(plus_three):
    return make_meeting(plus_three, kind="som3")


def test_an_official_proposes_for_a_plan_of_a_body_their_country_belongs_to(
    client, official_jp, plan, japan
):
    client.force_login(official_jp)
    response = client.post(
        reverse("workplans:proposal_create"),
        {
            "plan": plan.pk,
            "title": SEMINAR,
            "year": 2023,
            "note": "To be held in Tokyo",
        },
    )
    project = Project.objects.get(title=SEMINAR)
    assert response.status_code == 302
    assert response.url == project.get_absolute_url()
    assert project.status == S.PROPOSED
    assert project.proposed_by == japan
    assert list(project.lead_countries.all()) == [japan]
    assert project.code == "PROP-01"
    change = project.changes.get()
    assert (change.from_status, change.to_status, change.changed_by) == (
        "",
        S.PROPOSED,
        official_jp,
    )
    assert change.note == "To be held in Tokyo"


def test_a_proposal_stays_pending_and_uncounted(proposal, plan):
    progress = plan_progress(type(plan).objects.filter(pk=plan.pk))[0]
    assert progress.pending == 1
    assert progress.live.total == 1  # only the planned project


def test_the_form_offers_only_plans_of_bodies_the_country_belongs_to(client, official_jp, plan):
    elsewhere = make_plan(make_body("asean-only"), "asean-only-plan")
    client.force_login(official_jp)
    form = client.get(reverse("workplans:proposal_create")).context["form"]
    assert list(form.fields["plan"].queryset) == [plan]
    assert "country" not in form.fields  # an official proposes for their own country
    response = client.post(
        reverse("workplans:proposal_create"), {"plan": elsewhere.pk, "title": "Something"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["plan"]
    assert not Project.objects.filter(title="Something").exists()


def test_the_service_refuses_a_plan_of_a_body_the_country_is_not_in(official_jp):
    elsewhere = make_plan(make_body("asean-only"), "asean-only-plan")
    with pytest.raises(ValidationError) as excinfo:
        project_propose(plan=elsewhere, title="Something", by=official_jp)
    assert excinfo.value.error_list[0].code == "not_a_member"


def test_an_official_proposes_only_for_their_own_country(official_jp, plan, viet_nam):
    with pytest.raises(PermissionDenied):
        project_propose(plan=plan, title="X", by=official_jp, country=viet_nam)


def test_the_year_must_fall_within_the_plan(client, official_jp, plan):
    client.force_login(official_jp)
    response = client.post(
        reverse("workplans:proposal_create"), {"plan": plan.pk, "title": "Late", "year": 2031}
    )
    assert response.context["form"].errors["year"]
    assert not Project.objects.filter(title="Late").exists()


def test_viewers_cannot_propose(client, viewer, plan):
    client.force_login(viewer)
    assert client.get(reverse("workplans:proposal_create")).status_code == 403
    with pytest.raises(PermissionDenied):
        project_propose(plan=plan, title="X", by=viewer)


def test_secretariat_records_a_proposal_on_a_countrys_behalf(client, secretariat, plan, japan):
    client.force_login(secretariat)
    form = client.get(reverse("workplans:proposal_create")).context["form"]
    assert "country" in form.fields
    response = client.post(
        reverse("workplans:proposal_create"),
        {"plan": plan.pk, "country": japan.pk, "title": SEMINAR, "year": 2023},
    )
    assert response.status_code == 302
    assert Project.objects.get(title=SEMINAR).proposed_by == japan


def test_second_proposal_gets_the_next_code(plan, official_jp, proposal):
    second = project_propose(plan=plan, title="Another", by=official_jp)
    assert (proposal.code, second.code) == ("PROP-01", "PROP-02")


def test_secretariat_adopts_a_proposal_at_a_meeting(client, secretariat, proposal, som3):
    client.force_login(secretariat)
    page = client.get(proposal.get_absolute_url())
    assert page.context["adopt_form"] is not None
    response = client.post(
        reverse("workplans:proposal_adopt", args=[proposal.pk]),
        {"meeting": som3.pk, "version": proposal.version, "note": "Welcomed by SOM+3"},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.adopted_at, proposal.version) == (
        S.PLANNED,
        som3,
        2,
    )
    change = proposal.changes.order_by("pk").last()
    assert (change.from_status, change.to_status, change.meeting) == (
        S.PROPOSED,
        S.PLANNED,
        som3,
    )
    assert change.changed_by == secretariat
    assert change.note == "Welcomed by SOM+3"
    progress = plan_progress(type(proposal.plan).objects.filter(pk=proposal.plan_id))[0]
    assert (progress.pending, progress.live.total, progress.live.planned) == (0, 2, 2)
    assert "now planned and counted" in client.get(response.url).content.decode()


def test_adoption_needs_a_meeting(client, secretariat, proposal):
    client.force_login(secretariat)
    response = client.post(
        reverse("workplans:proposal_adopt", args=[proposal.pk]), {"version": proposal.version}
    )
    assert response.status_code == 200
    assert response.context["adopt_form"].errors["meeting"]
    proposal.refresh_from_db()
    assert proposal.status == S.PROPOSED


def test_secretariat_declines_a_proposal_with_a_reason(client, secretariat, proposal):
    client.force_login(secretariat)
    response = client.post(
        reverse("workplans:proposal_decline", args=[proposal.pk]),
        {"version": proposal.version, "reason": "Covered by an existing activity"},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == S.CANCELLED
    change = proposal.changes.order_by("pk").last()
    assert (change.from_status, change.to_status) == (S.PROPOSED, S.CANCELLED)
    assert change.note == "Covered by an existing activity"
    assert StatusChange.objects.filter(project=proposal).count() == 2


def test_the_proposer_cannot_revive_a_declined_proposal(client, secretariat, official_jp, proposal):
    proposal_decline(project=proposal, reason="No", by=secretariat, expected_version=1)
    client.force_login(official_jp)
    assert client.get(proposal.get_absolute_url()).context["status_form"] is None
    response = client.post(
        reverse("workplans:project_status", args=[proposal.pk]),
        {"status": S.PLANNED, "version": 2},
    )
    assert response.status_code == 200  # refused by the form: not a choice
    proposal.refresh_from_db()
    assert proposal.status == S.CANCELLED


def test_declining_needs_a_reason(client, secretariat, proposal):
    client.force_login(secretariat)
    response = client.post(
        reverse("workplans:proposal_decline", args=[proposal.pk]),
        {"version": proposal.version, "reason": "  "},
    )
    assert response.context["decline_form"].errors["reason"]
    proposal.refresh_from_db()
    assert proposal.status == S.PROPOSED
    with pytest.raises(ValidationError):
        proposal_decline(project=proposal, reason=" ", by=secretariat, expected_version=1)


@pytest.mark.parametrize("user", ["official_jp", "official_vn", "viewer"])
@pytest.mark.parametrize("action", ["proposal_adopt", "proposal_decline"])
def test_only_the_secretariat_decides(client, request, proposal, som3, user, action):
    client.force_login(request.getfixturevalue(user))
    response = client.post(
        reverse(f"workplans:{action}", args=[proposal.pk]),
        {"version": 1, "meeting": som3.pk, "reason": "No"},
    )
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == S.PROPOSED
    assert proposal.changes.count() == 1


def test_a_decision_from_a_stale_page_is_refused(client, secretariat, proposal, som3):
    proposal_adopt(project=proposal, meeting=som3, by=secretariat, expected_version=1)
    client.force_login(secretariat)
    response = client.post(
        reverse("workplans:proposal_decline", args=[proposal.pk]),
        {"version": 1, "reason": "Too late"},
    )
    assert response.status_code == 409
    assert "Nothing was saved" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == S.PLANNED
    with pytest.raises(StaleVersionError):
        proposal_decline(project=proposal, reason="x", by=secretariat, expected_version=1)


def test_an_adopted_project_cannot_be_adopted_again(secretariat, proposal, som3):
    proposal_adopt(project=proposal, meeting=som3, by=secretariat, expected_version=1)
    with pytest.raises(ValidationError) as excinfo:
        proposal_adopt(project=proposal, meeting=som3, by=secretariat, expected_version=2)
    assert excinfo.value.error_list[0].code == "not_a_proposal"


def test_officials_see_the_pending_note_but_no_decision_forms(client, official_jp, proposal):
    client.force_login(official_jp)
    page = client.get(proposal.get_absolute_url())
    assert page.context["adopt_form"] is None
    assert page.context["status_form"] is None
    assert "not counted in its plan until the Secretariat adopts it" in (page.content.decode())


def test_a_country_outside_every_body_is_offered_no_plan(client, db):
    from .conftest import make_user

    nowhere = Country.objects.create(code="TL", name="Timor-Leste", group="applicant")
    client.force_login(make_user("official_tl", "Officials", nowhere))
    form = client.get(reverse("workplans:proposal_create")).context["form"]
    assert not form.fields["plan"].queryset.exists()
