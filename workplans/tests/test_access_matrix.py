"""Role × URL: the status code each named user gets from every URL of the app.

LOGIN means a redirect to the login page; 302 any other redirect (a successful POST).
Each cell runs on fresh data. With ACCSM_PUBLIC_DASHBOARDS off, only the anonymous
column of the reading pages changes: they ask to log in.
"""

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from workplans.models import Project, ReportingRound, StatusSubmission

from .conftest import make_meeting

ROLES = ("anonymous", "viewer", "official_vn", "official_jp", "secretariat")
LOGIN = "login"
S = Project.Status


@dataclass
class Case:
    method: str
    url: str  # a format string filled with the objects of `world`
    codes: tuple  # one per role, in the order of ROLES
    data: dict = field(default_factory=dict)
    reads: bool = False  # a reading page: anonymous must log in when dashboards are private
    api: bool = False  # the API answers such an anonymous client 401, not a redirect


def everyone(code) -> tuple:
    return (code,) * len(ROLES)


READ = everyone(200)
SECRETARIAT_ONLY = (LOGIN, 403, 403, 403, 200)
CASES = {
    # The reading pages.
    "dashboard": Case("get", "/", READ, reads=True),
    "plan_detail": Case("get", "/plans/{plan}/", READ, reads=True),
    "project_detail": Case("get", "/projects/{project}/", READ, reads=True),
    "project_list": Case("get", "/projects/", READ, reads=True),
    "plan_projects": Case("get", "/plans/{plan}/projects/", READ, reads=True),
    "progress_table": Case("get", "/progress/", READ, reads=True),
    "annex": Case("get", "/annex/", READ, reads=True),
    "annex_body": Case("get", "/annex/{body}/", READ, reads=True),
    "meeting_list": Case("get", "/meetings/", READ, reads=True),
    "meeting_detail": Case("get", "/meetings/{meeting}/", READ, reads=True),
    "chairs": Case("get", "/chairs/", READ, reads=True),
    "targets": Case("get", "/targets/", READ, reads=True),
    "record_figures": Case("get", "/meetings/{meeting}/record/", (LOGIN, 403, 403, 403, 200)),
    "record_figures:post": Case("post", "/meetings/{meeting}/record/", (LOGIN, 403, 403, 403, 302)),
    # Changes: by POST, for those allowed.
    "project_status": Case(
        "post",
        "/projects/{project}/status/",
        (LOGIN, 403, 302, 403, 302),
        {"status": S.ONGOING, "version": 1},
    ),
    "proposal_adopt": Case(
        "post",
        "/projects/{proposal}/adopt/",
        (LOGIN, 403, 403, 403, 302),
        {"version": 1, "meeting": "{meeting}"},
    ),
    "proposal_decline": Case(
        "post",
        "/projects/{proposal}/decline/",
        (LOGIN, 403, 403, 403, 302),
        {"version": 1, "reason": "Covered elsewhere"},
    ),
    "proposal_create": Case("get", "/proposals/new/", (LOGIN, 403, 200, 200, 200)),
    # The pages of those who update.
    "my_projects": Case("get", "/my-projects/", (LOGIN, 403, 200, 200, 403)),
    "status_by_country": Case("get", "/countries/", (LOGIN, 403, 403, 403, 200)),
    "reconcile": Case("get", "/reconcile/", (LOGIN, 403, 403, 403, 200)),
    "country_projects": Case("get", "/countries/VN/", (LOGIN, 403, 200, 403, 200)),
    # Spreadsheet imports (issue 4): officials update statuses, the Secretariat itemizes.
    "import_index": Case("get", "/imports/", (LOGIN, 200, 200, 200, 200)),
    "import_upload": Case("get", "/imports/status/", (LOGIN, 403, 200, 200, 200)),
    "import_upload:itemize": Case("get", "/imports/itemize/", (LOGIN, 403, 403, 403, 200)),
    "import_template": Case("get", "/imports/status/template.csv", (LOGIN, 200, 200, 200, 200)),
    # Without a preview waiting in the session, there is nothing to confirm.
    "import_confirm": Case("post", "/imports/confirm/", (LOGIN, 302, 302, 302, 302)),
    # The reporting round and the review of submitted changes: the Secretariat's.
    "round_list": Case("get", "/rounds/", SECRETARIAT_ONLY),
    "round_list:post": Case(
        "post",
        "/rounds/",
        (LOGIN, 403, 403, 403, 302),
        {"meeting": "{coming}", "due_on": "{today}", "remind_days": 7},
    ),
    "round_detail": Case("get", "/rounds/{round}/", SECRETARIAT_ONLY),
    "round_close": Case("post", "/rounds/{round}/close/", (LOGIN, 403, 403, 403, 302)),
    "round_reopen": Case(
        "post", "/rounds/{round}/reopen/", (LOGIN, 403, 403, 403, 302), {"reason": "Late"}
    ),
    "review_queue": Case("get", "/reviews/", SECRETARIAT_ONLY),
    "review_approve": Case("post", "/reviews/{submission}/approve/", (LOGIN, 403, 403, 403, 302)),
    "review_return": Case(
        "post",
        "/reviews/{submission}/return/",
        (LOGIN, 403, 403, 403, 302),
        {"comment": "Add the report"},
    ),
    "project_confirm": Case(
        "post", "/projects/{project}/confirm/", (LOGIN, 403, 302, 403, 302), {"version": 1}
    ),
    # Accounts and language.
    "login": Case("get", "/accounts/login/", READ),
    "logout": Case("post", "/accounts/logout/", everyone(302)),
    "password_change": Case("get", "/accounts/password/", (LOGIN, 200, 200, 200, 200)),
    "password_change_done": Case("get", "/accounts/password/done/", (LOGIN, 200, 200, 200, 200)),
    "set_language": Case("post", "/i18n/setlang/", everyone(302), {"language": "vi"}),
    # Password reset by e-mail: not offered while mail is not configured (the default).
    "password_reset": Case("get", "/accounts/password/reset/", everyone(404)),
    "password_reset_done": Case("get", "/accounts/password/reset/sent/", everyone(404)),
    "password_reset_confirm": Case("get", "/accounts/password/reset/x/y/", everyone(404)),
    "password_reset_complete": Case("get", "/accounts/password/reset/done/", everyone(404)),
    # The admin: none of the named users is staff, so each is asked to log in there.
    "admin:index": Case("get", "/admin/", everyone(LOGIN)),
    "admin:workplans_project_status": Case(
        "get", "/admin/workplans/project/{project}/status/", everyone(LOGIN)
    ),
}


# The read-only API: read as the pages are.
API = {
    "api:api-root": "",
    "api:schema": "schema/",
    "api:docs": "docs/",
    "api:body-list": "bodies/",
    "api:body-detail": "bodies/{body}/",
    "api:plan-list": "plans/",
    "api:plan-detail": "plans/{plan}/",
    "api:project-list": "projects/",
    "api:project-detail": "projects/{project}/",
    "api:meeting-list": "meetings/",
    "api:meeting-detail": "meetings/{meeting}/",
    "api:report-list": "reports/",
    "api:report-detail": "reports/{report}/",
    "api:chair-list": "chairs/",
    "api:chair-detail": "chairs/{chair}/",
    "api:target-list": "targets/",
    "api:target-detail": "targets/{target}/",
    "api:milestone-list": "milestones/",
    "api:milestone-detail": "milestones/{milestone}/",
}
for _name, _path in API.items():
    # The documentation is a page of the site: anonymous visitors are asked to log in.
    CASES[_name] = Case("get", "/api/v1/" + _path, READ, reads=True, api=_name != "api:docs")


def _annex_pdf_code() -> int:
    from workplans.views.tables import pdf_available

    return 200 if pdf_available() else 404  # 404: PDF output not installed


CASES["annex_pdf"] = Case("get", "/annex/pdf/", everyone(_annex_pdf_code()), reads=True)
CASES["annex_body_pdf"] = Case("get", "/annex/{body}/pdf/", everyone(_annex_pdf_code()), reads=True)


@pytest.fixture
def world(vn_project, japan, plus_three):
    """The objects the URLs name: a Viet Nam project, Japan's proposal, a meeting."""
    from workplans.services import project_propose

    from .conftest import make_user

    proposer = make_user("proposer_jp", "Officials", japan)
    proposal = project_propose(plan=vn_project.plan, title="Seminar", by=proposer)
    today = timezone.localdate()
    chair = make_user("chair_sec", "Secretariat")
    coming = make_meeting(plus_three, kind="som", day=today + timedelta(days=30))
    later = make_meeting(plus_three, kind="head", day=today + timedelta(days=60))
    round_ = ReportingRound.objects.create(meeting=later, due_on=today, opened_by=chair)
    submission = StatusSubmission.objects.create(
        project=proposal, status=S.PLANNED, base_version=1, submitted_by=proposer
    )
    from workplans.models import Chairmanship, Milestone, Target

    from .conftest import make_report

    plan = vn_project.plan
    return {
        "report": make_report(plan, coming, completed=1).pk,
        "chair": Chairmanship.objects.create(body=plus_three, country=japan).pk,
        "target": Target.objects.create(
            plan=plan, description="All trained", target_percent=100, start_year=2021, end_year=2025
        ).pk,
        "milestone": Milestone.objects.create(
            plan=plan, description="Seminar", due_label="Q1 2023", due_date="2023-03-31"
        ).pk,
        "coming": coming.pk,
        "today": today.isoformat(),
        "round": round_.pk,
        "submission": submission.pk,
        "plan": vn_project.plan.slug,
        "project": vn_project.pk,
        "proposal": proposal.pk,
        "body": plus_three.code,
        # Today's SOM+3: figures may be recorded at it.
        "meeting": make_meeting(plus_three, kind="som3", day=timezone.localdate()).pk,
    }


def cells():
    for name, case in CASES.items():
        for role, code in zip(ROLES, case.codes, strict=True):
            yield pytest.param(name, role, code, id=f"{name}-{role}")


def request_cell(client, request, world, name: str, role: str):
    case = CASES[name]
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    url = case.url.format(**world)
    data = {key: str(value).format(**world) for key, value in case.data.items()}
    return client.generic(case.method.upper(), url, **_encode(case.method, data))


def _encode(method: str, data: dict) -> dict:
    from urllib.parse import urlencode

    if method == "get" or not data:
        return {}
    return {
        "data": urlencode(data),
        "content_type": "application/x-www-form-urlencoded",
    }


def assert_code(response, expected) -> None:
    if expected == LOGIN:
        assert response.status_code == 302, response
        assert "/login/" in response.url, response.url
    else:
        assert response.status_code == expected, response
        if expected == 302:
            assert "/login/" not in response.url, response.url


@pytest.mark.parametrize("name, role, expected", list(cells()))
def test_role_url_matrix_with_public_dashboards(
    client, request, world, settings, name, role, expected
):
    settings.ACCSM_PUBLIC_DASHBOARDS = True
    assert_code(request_cell(client, request, world, name, role), expected)


@pytest.mark.parametrize("name, role, expected", list(cells()))
def test_role_url_matrix_with_private_dashboards(
    client, request, world, settings, name, role, expected
):
    settings.ACCSM_PUBLIC_DASHBOARDS = False
    if role == "anonymous" and CASES[name].reads:
        expected = 401 if CASES[name].api else LOGIN
    assert_code(request_cell(client, request, world, name, role), expected)


@pytest.mark.parametrize(
    "name",
    [
        name
        for name, case in CASES.items()
        # set_language is Django's and takes GET too; a recording's GET is its preview.
        if case.method == "post"
        and name not in ("set_language", "record_figures:post", "round_list:post")
    ],
)
def test_changes_are_refused_by_get(client, secretariat, world, name):
    client.force_login(secretariat)
    url = CASES[name].url.format(**world)
    response = client.get(url)
    if url.startswith("/projects/"):
        # A reloaded or bookmarked form address leads back to its project, changing nothing.
        project = url.split("/")[2]
        assert response.status_code == 302
        assert response["Location"] == f"/projects/{project}/#update"
    else:
        assert response.status_code == 405


def test_unknown_objects_are_404_for_every_role(client, request, db):
    from .conftest import make_user

    for user in (None, make_user("someone", "Secretariat")):
        if user:
            client.force_login(user)
        assert client.get("/projects/999/").status_code == 404
        assert client.get("/plans/nope/").status_code == 404
    assert client.get("/countries/ZZ/").status_code == 404
    assert client.post("/projects/999/status/", {}).status_code == 404
    assert client.post("/projects/999/adopt/", {}).status_code == 404


def _names(resolver, namespace="") -> set[str]:
    names = set()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            if entry.namespace == "admin":
                continue  # Django's own admin pages: the admin's tests cover ours
            names |= _names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(namespace + entry.name)
    return names


def test_every_url_of_the_app_is_in_the_matrix():
    missing = {name.removeprefix("workplans:") for name in _names(get_resolver())} - set(CASES)
    assert not missing, f"Add these URLs to the role × URL matrix: {sorted(missing)}"
    for name in ("workplans:dashboard", "login", "admin:index"):
        assert reverse(name)
