"""The fixtures: they load twice without duplicating anything, and they hold the sources' facts."""

from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import call_command

from workplans.models import (
    Body,
    Chairmanship,
    Country,
    Meeting,
    Milestone,
    Project,
    StatusReport,
    Target,
    WorkPlan,
)

FIXTURE_FILES = sorted(
    str(p) for p in (Path(__file__).resolve().parents[2] / "fixtures").glob("*.json")
)
NHANDAN_URL = (
    "https://nhandan.vn/hop-tac-asean-ve-cac-van-de-cong-vu-lan-thu-21-"
    "thanh-cong-tot-dep-post709048.html"
)


def load():
    call_command("loaddata", *FIXTURE_FILES, verbosity=0)


def row_counts() -> dict[str, int]:
    """Rows of every model of the app and of every many-to-many table it declares."""
    counts = {}
    for model in apps.get_app_config("workplans").get_models():
        counts[model._meta.label] = model._default_manager.count()
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            assert through is not None
            counts[through._meta.label] = through._default_manager.count()
    return counts


def snapshot() -> str:
    """Every row of the app, serialized in primary-key order (M2M included)."""
    return serializers.serialize(
        "json",
        (
            obj
            for model in apps.get_app_config("workplans").get_models()
            for obj in model._default_manager.order_by("pk")
        ),
    )


@pytest.fixture
def loaded(db):
    load()


def test_there_are_seven_numbered_fixture_files():
    names = [Path(f).name for f in FIXTURE_FILES]
    assert len(names) == 7
    assert [n[:3] for n in names] == [f"{i:02}_" for i in range(1, 8)]


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    load()
    first_counts, first_rows = row_counts(), snapshot()
    load()
    assert row_counts() == first_counts
    assert snapshot() == first_rows
    # Not vacuous: the first load did put rows in, M2M rows included.
    assert first_counts["workplans.Country"] == 16
    assert first_counts["workplans.Body_members"] == 10 + 13 + 10 + 1
    assert first_counts["workplans.Project_lead_countries"] == 2


@pytest.mark.django_db
def test_loading_restores_edited_rows():
    load()
    Country.objects.filter(code="VN").update(name="Vietnam")
    Body.objects.get(code="accsm").members.clear()
    load()
    assert Country.objects.get(code="VN").name == "Viet Nam"
    assert Body.objects.get(code="accsm").members.count() == 10


def test_countries_by_group(loaded):
    groups = Counter(Country.objects.values_list("group", flat=True))
    assert groups == {"asean": 10, "plus3": 3, "dialogue": 2, "applicant": 1}
    asean = set(Country.objects.filter(group="asean").values_list("code", flat=True))
    assert asean == {"BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN"}
    plus3 = set(Country.objects.filter(group="plus3").values_list("code", flat=True))
    assert plus3 == {"CN", "JP", "KR"}
    assert Country.objects.get(code="TL").group == "applicant"


def test_bodies_and_their_members(loaded):
    members = {
        body.code: set(body.members.values_list("code", flat=True)) for body in Body.objects.all()
    }
    asean = set(Country.objects.filter(group="asean").values_list("code", flat=True))
    assert members == {
        "accsm": asean,
        "accsm-plus-3": asean | {"CN", "JP", "KR"},
        "psti": asean,
        "vn-moha": {"VN"},
    }
    assert list(Body.objects.values_list("code", flat=True)) == [
        "accsm",
        "accsm-plus-3",
        "psti",
        "vn-moha",
    ]
    accsm = Body.objects.get(code="accsm")
    assert (accsm.kind, accsm.founded) == ("cooperation", 1981)
    moha = Body.objects.get(code="vn-moha")
    assert (moha.kind, moha.country.code) == ("national", "VN")


def test_reported_counts_and_their_meetings(loaded):
    reports = {r.plan.slug: r for r in StatusReport.objects.select_related("plan", "meeting__body")}
    assert set(reports) == {
        "accsm-work-plan-2021-2025",
        "accsm-plus-3-work-plan-2021-2025",
    }
    accsm = reports["accsm-work-plan-2021-2025"]
    plus3 = reports["accsm-plus-3-work-plan-2021-2025"]
    counts = ("completed", "ongoing", "planned", "postponed")
    assert tuple(getattr(accsm, c) for c in counts) == (7, 5, 19, 0)
    assert tuple(getattr(plus3, c) for c in counts) == (7, 4, 21, 0)
    assert (accsm.meeting.kind, accsm.meeting.body.code) == ("som", "accsm")
    assert (plus3.meeting.kind, plus3.meeting.body.code) == ("som3", "accsm-plus-3")
    for report in (accsm, plus3):
        assert report.meeting.edition == "ACCSM 21"
        assert report.reported_on == date(2022, 8, 2)
        assert report.source_url == NHANDAN_URL
        assert report.source_title
    assert "22% / 16% / 62%" in accsm.notes
    assert "22% / 12% / 66%" in plus3.notes


def test_accsm_21_meetings(loaded):
    acc21 = Meeting.objects.filter(edition="ACCSM 21")
    assert sorted(acc21.values_list("kind", flat=True)) == sorted(
        ["som", "som3", "head", "head3", "forum"]
    )
    assert set(acc21.values_list("city", "host_country__code")) == {("Hanoi", "VN")}
    forum = acc21.get(kind="forum")
    assert forum.start_date == date(2022, 8, 4)
    for meeting in acc21.exclude(kind="forum"):
        assert (meeting.start_date, meeting.end_date) == (
            date(2022, 8, 2),
            date(2022, 8, 6),
        )
        assert meeting.date_note
    handover = Meeting.objects.get(body__code="psti")
    assert (handover.start_date, handover.end_date) == (
        date(2022, 8, 9),
        date(2022, 8, 10),
    )
    assert handover.online and handover.host_country is None


def test_japans_proposal(loaded):
    project = Project.objects.get(plan__slug="accsm-plus-3-work-plan-2021-2025")
    assert project.status == Project.Status.PROPOSED
    assert project.title.startswith("International Seminar: Commemorating 50 years")
    assert project.year == 2023
    assert project.proposed_by.code == "JP"
    assert list(project.lead_countries.values_list("code", flat=True)) == ["JP"]


def test_only_the_projects_the_sources_name(loaded):
    assert Project.objects.count() == 2
    assert not Project.objects.filter(plan__slug="accsm-work-plan-2021-2025").exists()
    conferences = Project.objects.get(plan__slug="vn-scheme-1439-2019-2025")
    assert conferences.is_recurring and conferences.status == Project.Status.ONGOING
    assert conferences.priority_area.plan_id == conferences.plan_id


def test_plans_predecessor_and_action_lines(loaded):
    plan = WorkPlan.objects.get(slug="accsm-work-plan-2021-2025")
    assert plan.predecessor.slug == "accsm-work-plan-2016-2020"
    assert list(plan.areas.values_list("number", flat=True)) == [1, 2, 3, 4, 5]
    assert all("Viet Nam" in area.source for area in plan.areas.all())
    scheme = WorkPlan.objects.get(slug="vn-scheme-1439-2019-2025")
    assert (scheme.body.code, scheme.start_year, scheme.end_year) == (
        "vn-moha",
        2019,
        2025,
    )
    assert list(scheme.areas.values_list("number", flat=True)) == [1, 2, 3, 4, 5]
    assert WorkPlan.objects.get(slug="accsm-plus-3-work-plan-2021-2025").body.code == (
        "accsm-plus-3"
    )


def test_targets_and_milestones_are_not_reported_as_met(loaded):
    targets = Target.objects.filter(plan__slug="vn-scheme-1439-2019-2025")
    assert sorted(t.target_percent for t in targets) == [80, 100]
    assert all(t.achieved_percent is None for t in targets)
    milestones = Milestone.objects.filter(plan__slug="vn-scheme-1439-2019-2025")
    assert [(m.due_label, m.due_date) for m in milestones] == [
        ("Q1 2019", date(2019, 3, 31)),
        ("Q2 2019", date(2019, 6, 30)),
    ]
    assert all(m.outcome == "" and m.achieved_on is None for m in milestones)


def test_chairs(loaded):
    chairs = set(
        Chairmanship.objects.values_list(
            "body__code", "edition", "country__code", "start_year", "end_year"
        )
    )
    assert chairs == {
        ("accsm", "ACCSM 11", "VN", 2001, 2002),
        ("accsm", "ACCSM 21", "VN", 2021, 2022),
        ("accsm", "ACCSM 22", "BN", 2023, 2024),
        ("psti", "", "TH", None, None),
        ("psti", "", "VN", 2022, 2024),
    }
    psti_vn = Chairmanship.objects.get(body__code="psti", country__code="VN")
    assert psti_vn.handed_over_on == "9–10 August 2022 (online)"


def test_every_record_with_a_source_field_cites_one(loaded):
    for model in apps.get_app_config("workplans").get_models():
        if any(f.name == "source" for f in model._meta.fields):
            assert not model.objects.filter(source="").exists(), model.__name__
