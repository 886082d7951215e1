"""A NUL byte anywhere a value reaches the database is a 400, handled in one place.

PostgreSQL refuses strings holding NUL ("A string literal cannot contain NUL characters"), so
before the middleware these requests ended in 500 there; on SQLite they were silently used.
"""

import pytest
from django.urls import reverse

from workplans.forms import AdoptForm, DeclineForm, ProposalForm, StatusForm
from workplans.tables.filters import PlanFilter, ProjectFilter
from workplans.views.imports import UploadForm

from .conftest import make_project

NUL = "\x00"

# Every route of the app with a parameter, given a NUL inside it.
PATHS = [
    "/countries/a%00b/",
    "/countries/VN%00/",
    "/plans/a%00b/",
    "/plans/a%00b/projects/",
    "/annex/a%00b/",
    "/annex/a%00b/pdf/",
    "/imports/sta%00tus/",
    "/imports/status/template.c%00sv",
]


@pytest.fixture
def logged_in(client, secretariat):
    client.force_login(secretariat)
    return client


@pytest.mark.parametrize("path", PATHS)
def test_a_nul_in_the_path_is_a_bad_request(logged_in, path):
    response = logged_in.get(path)
    assert response.status_code == 400
    assert "Bad request" in response.content.decode()


def _query_cases():
    cases = [
        ("/proposals/new/", "plan"),
        ("/imports/status/template.csv", "plan"),
        ("/imports/status/", "plan"),
        ("/accounts/login/", "next"),
    ]
    for name in ProjectFilter.base_filters:
        cases.append(("/projects/", name))
    for name in PlanFilter.base_filters:
        cases.append(("/progress/", name))
    for key in ("sort", "page", "per_page", "_export"):
        cases.append(("/projects/", key))
    return cases


@pytest.mark.parametrize("url,key", _query_cases())
def test_a_nul_in_any_query_value_or_name_is_a_bad_request(logged_in, url, key):
    assert logged_in.get(url, {key: f"a{NUL}"}).status_code == 400
    assert logged_in.get(url, {f"{key}{NUL}": "a"}).status_code == 400


def _form_cases():
    return [
        ("status", StatusForm),
        ("adopt", AdoptForm),
        ("decline", DeclineForm),
        ("proposal", ProposalForm),
        ("upload", UploadForm),
        ("login", None),
    ]


@pytest.mark.parametrize("form_name,form_class", _form_cases())
def test_a_nul_in_any_form_field_is_a_bad_request_and_writes_nothing(
    client, official_vn, vn_project, form_name, form_class
):
    from workplans.models import Project, StatusChange

    client.force_login(official_vn)
    urls = {
        "status": reverse("workplans:project_status", args=[vn_project.pk]),
        "adopt": reverse("workplans:proposal_adopt", args=[vn_project.pk]),
        "decline": reverse("workplans:proposal_decline", args=[vn_project.pk]),
        "proposal": reverse("workplans:proposal_create"),
        "upload": reverse("workplans:import_upload", args=["status"]),
        "login": reverse("login"),
    }
    fields = list(form_class.base_fields) if form_class else ["username", "password"]
    before = (Project.objects.count(), StatusChange.objects.count())
    for field in fields:
        data = {name: "1" for name in fields}
        data[field] = f"x{NUL}y"
        response = client.post(urls[form_name], data)
        assert response.status_code == 400, field
    assert (Project.objects.count(), StatusChange.objects.count()) == before


def test_a_nul_free_request_is_untouched(logged_in, vn_project):
    make_project(vn_project.plan, "OTHER-1", title="Leadership seminar")
    response = logged_in.get("/projects/", {"q": "Digital civil"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Digital civil service" in html and "Leadership seminar" not in html
