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
    PriorityArea,
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
    assert first_counts["workplans.Body_members"] == 10 + 13 + 10 + 1 + 1  # NAPA: Viet Nam
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
        "vn-napa": {"VN"},
    }
    assert list(Body.objects.values_list("code", flat=True)) == [
        "accsm",
        "accsm-plus-3",
        "psti",
        "vn-moha",
        "vn-napa",
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
        # Known only as ACCSM 21's dates: the report holds on that range, not on a day.
        assert (report.reported_on, report.reported_until) == (date(2022, 8, 2), date(2022, 8, 6))
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
    # The sources report the third conference, held online on 29 October 2021: completed.
    # Nothing says the series is yearly or ongoing.
    third = Project.objects.get(plan__slug="vn-scheme-1439-2019-2025")
    assert third.status == Project.Status.COMPLETED and not third.is_recurring
    assert (third.start_date, third.end_date) == (date(2021, 10, 29), date(2021, 10, 29))
    assert "third" in third.title.casefold() and "yearly" not in third.title.casefold()
    assert third.priority_area.plan_id == third.plan_id


def test_the_adaptability_action_plan_has_no_counts(loaded):
    plan = WorkPlan.objects.get(slug="accsm-adaptability-action-plan-2025")
    assert (plan.start_year, plan.end_year) == (None, 2025)
    assert "2030" in plan.description
    assert not plan.projects.exists() and not plan.reports.exists()
    from django.utils import translation

    with translation.override("en"):
        assert str(plan.period) == "to 2025"


def test_the_action_lines_are_proposed_by_viet_nam_not_adopted(loaded):
    areas = PriorityArea.objects.filter(plan__slug="accsm-work-plan-2021-2025")
    assert {area.proposed_by.code for area in areas} == {"VN"}
    assert all("do not say they were adopted" in area.source for area in areas)


def test_the_napa_roundtable_and_cbies_visit(loaded):
    roundtable = Meeting.objects.get(start_date=date(2024, 1, 25))
    assert roundtable.body.code == "vn-napa"
    assert "co-organised by the National Academy of Public Administration" in roundtable.notes
    # 18–26 January 2024 is CBIE's visit; the survey has no dates in the sources.
    assert "worked in Viet Nam from 18 to 26 January 2024" in roundtable.notes
    assert "survey of the localities" not in roundtable.notes
    assert "no dates for the survey" in roundtable.notes


def test_vietnamese_names_are_those_of_the_sources(loaded):
    from django.utils import translation

    som = Meeting.objects.get(kind="som")
    plan = WorkPlan.objects.get(slug="accsm-work-plan-2021-2025")
    area = plan.areas.get(number=3)
    with translation.override("vi"):
        assert str(plan) == "Kế hoạch làm việc ACCSM 2021–2025"
        assert str(som).startswith("Cuộc họp cán bộ cấp cao ASEAN (SOM)")
        assert (
            som.local_theme
            == "Hiện đại hóa nền công vụ hướng tới Cộng đồng ASEAN gắn kết và thích ứng"
        )
        assert str(area).startswith("3. Chính sách thu hút nhân tài")
        assert Body.objects.get(code="psti").full_name == "Mạng lưới ASEAN về Đào tạo công vụ"
    with translation.override("en"):
        assert str(plan) == "ACCSM Work Plan 2021–2025"
        assert Body.objects.get(code="psti").full_name.startswith("ASEAN network")


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
