"""Shared test data: small builders, and the sources' facts loaded from the fixtures."""

from pathlib import Path

import pytest
from django.core.management import call_command

from workplans.models import Body, Country, Meeting, Project, StatusReport, WorkPlan

FIXTURES = sorted(str(p) for p in (Path(__file__).resolve().parents[2] / "fixtures").glob("*.json"))


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests create many users: a fast hasher keeps them quick (never used outside tests)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def live_public_pages(settings):
    """Every test reads the figures as they are: the anonymous dashboard's short-lived copy
    (ACCSM_PUBLIC_CACHE_SECONDS) is tested on its own, in test_dashboard.py."""
    settings.ACCSM_PUBLIC_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def default_language():
    """A request in Vietnamese leaves the language active in the thread: each test starts in
    the default language, whichever ran before it."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with no export counted against it (the limits live in the cache)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def sources(db):
    """The facts from the sources, as `make run` loads them."""
    call_command("loaddata", *FIXTURES, verbosity=0)


def make_body(code="accsm", **kwargs) -> Body:
    defaults = {
        "name": code.upper(),
        "short_name": code.upper(),
        "kind": Body.Kind.COOPERATION,
    }
    return Body.objects.create(code=code, **{**defaults, **kwargs})


def make_plan(body: Body, slug: str, *, statuses=(), start_year=2021) -> WorkPlan:
    """A plan with one project per entry of `statuses`, coded P001, P002…"""
    plan = WorkPlan.objects.create(
        body=body,
        title=f"Plan {slug}",
        slug=slug,
        start_year=start_year,
        end_year=start_year + 4,
    )
    Project.objects.bulk_create(
        Project(plan=plan, code=f"P{i:03}", title=f"Project {i} of {slug}", status=status)
        for i, status in enumerate(statuses, start=1)
    )
    return plan


def make_meeting(body: Body, kind=Meeting.Kind.SOM, day="2022-08-02", **kwargs) -> Meeting:
    kwargs.setdefault("edition", "ACCSM 21")
    meeting = Meeting.objects.create(body=body, kind=kind, start_date=day, **kwargs)
    meeting.refresh_from_db()  # dates given as text come back as dates
    return meeting


def make_report(plan: WorkPlan, meeting: Meeting | None, **counts) -> StatusReport:
    return StatusReport.objects.create(
        plan=plan,
        meeting=meeting,
        reported_on=meeting.start_date if meeting else "2022-08-02",
        source_title="" if meeting else "A document",
        **counts,
    )


@pytest.fixture
def viet_nam(db) -> Country:
    return Country.objects.get_or_create(
        code="VN", defaults={"name": "Viet Nam", "group": "asean"}
    )[0]


@pytest.fixture
def japan(db) -> Country:
    return Country.objects.get_or_create(code="JP", defaults={"name": "Japan", "group": "plus3"})[0]


# The named users every test shares: one per role (plus an anonymous visitor: Django's client).
def make_user(username: str, group: str | None = None, country: Country | None = None):
    from django.contrib.auth.models import Group, User

    from workplans.models import Profile

    user = User.objects.create_user(username, password="correct horse battery staple")
    if group:
        user.groups.add(Group.objects.get(name=group))
    if country:
        Profile.objects.create(user=user, country=country)
    return user


@pytest.fixture
def secretariat(db):
    return make_user("secretariat", "Secretariat")


@pytest.fixture
def viewer(db):
    return make_user("viewer", "Viewers")


@pytest.fixture
def official_vn(viet_nam):
    return make_user("official_vn", "Officials", viet_nam)


@pytest.fixture
def official_jp(japan):
    return make_user("official_jp", "Officials", japan)


def make_project(plan: WorkPlan, code: str, *, leads=(), **kwargs) -> Project:
    """A project of `plan` led by the countries in `leads`."""
    project = Project.objects.create(
        plan=plan, code=code, title=kwargs.pop("title", f"Project {code}"), **kwargs
    )
    project.lead_countries.set(leads)
    return project


@pytest.fixture
def plus_three(viet_nam, japan) -> Body:
    """A cooperation with Viet Nam and Japan among its members (as ACCSM+3)."""
    body = make_body("accsm-plus-3", short_name="ACCSM+3")
    body.members.set([viet_nam, japan])
    return body


@pytest.fixture
def vn_project(plus_three, viet_nam) -> Project:
    """A planned project led by Viet Nam only."""
    plan = make_plan(plus_three, "plus-3-plan")
    return make_project(plan, "VN-01", leads=[viet_nam], title="Digital civil service")


@pytest.fixture
def vn_test_activity(sources) -> Project:
    """Test data, not a fact: a planned activity of Viet Nam's scheme, for an official to update.

    The sources' only activity of the scheme is completed, and an official may not reopen it.
    """
    scheme = WorkPlan.objects.get(slug="vn-scheme-1439-2019-2025")
    viet_nam = Country.objects.get(code="VN")
    return make_project(
        scheme, "VN-TEST-1", leads=[viet_nam], title="Test activity (made up for this test)"
    )
