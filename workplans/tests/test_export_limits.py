"""Exports per client: EXPORT_RATE per period and EXPORT_CONCURRENCY at once; beyond, a 429
that says when to try again. And a streamed export that fails never looks complete."""

import json
import time

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.core.signals import request_finished
from django.db import OperationalError, close_old_connections
from django.test import override_settings
from django.urls import reverse

from workplans.tables import exports, writers

from .conftest import make_body, make_plan

S = ("completed", "ongoing", "planned")


@pytest.fixture
def plan(db):
    return make_plan(make_body("accsm"), "accsm-work-plan-2021-2025", statuses=S * 3)


def export_url(plan, fmt="csv"):
    return reverse("workplans:plan_projects", args=[plan.slug]) + f"?_export={fmt}"


def drain(response):
    if response.streaming:
        b"".join(response.streaming_content)  # the test client closes it at the end
    return response


def test_the_eleventh_export_in_a_minute_is_refused_with_retry_after(client, plan, secretariat):
    client.force_login(secretariat)
    for _ in range(10):
        assert drain(client.get(export_url(plan))).status_code == 200
    response = client.get(export_url(plan, "xlsx"))
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 61
    html = response.content.decode()
    assert "You have made 10 exports in the last 60 seconds" in html
    assert f"Try again in {response['Retry-After']} second" in html
    # The pages themselves are not limited, only exports.
    assert client.get(reverse("workplans:plan_projects", args=[plan.slug])).status_code == 200


def test_one_clients_exports_do_not_count_against_another(client, plan, secretariat, viewer):
    client.force_login(secretariat)
    for _ in range(10):
        drain(client.get(export_url(plan)))
    assert client.get(export_url(plan)).status_code == 429
    client.force_login(viewer)
    assert drain(client.get(export_url(plan))).status_code == 200


def test_anonymous_clients_are_told_apart_by_their_forwarded_address(client, plan, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    a = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.10"}
    b = {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.20"}
    for _ in range(10):
        drain(client.get(export_url(plan), **a))
    assert client.get(export_url(plan), **a).status_code == 429
    assert drain(client.get(export_url(plan), **b)).status_code == 200


def test_a_rate_from_the_setting(client, plan, secretariat, settings):
    settings.EXPORT_RATE = "2/h"
    client.force_login(secretariat)
    drain(client.get(export_url(plan)))
    drain(client.get(export_url(plan)))
    before = time.time()
    response = client.get(export_url(plan))
    after = time.time()
    assert response.status_code == 429
    # The hour's window ends on the hour: the wait is what is left of it (a test run in the
    # last minute of an hour gets less than a minute), plus the second rounded up.
    left = [3600 - moment % 3600 for moment in (after, before)]
    assert left[0] <= int(response["Retry-After"]) <= left[1] + 1


def test_at_most_two_exports_at_once_and_a_finished_one_frees_its_slot(client, plan, secretariat):
    client.force_login(secretariat)
    first = client.get(export_url(plan))  # streaming: open until read or closed
    second = client.get(export_url(plan, "json"))
    assert first.status_code == second.status_code == 200
    third = client.get(export_url(plan))
    assert third.status_code == 429
    assert third["Retry-After"] == "10"
    assert "You already have 2 exports running" in third.content.decode()
    drain(first)
    assert drain(client.get(export_url(plan))).status_code == 200
    # A client that goes away frees its slot too: the server closes the response. (As the
    # test client does, keep the test's database connection open while it fires.)
    request_finished.disconnect(close_old_connections)
    try:
        second.close()
    finally:
        request_finished.connect(close_old_connections)
    assert drain(client.get(export_url(plan))).status_code == 200


def test_the_pdf_annex_counts_as_an_export(client, plan, secretariat, settings):
    from workplans.views.tables import pdf_available

    if not pdf_available():
        pytest.skip("PDF output (ReportLab, fonts) not installed")
    settings.EXPORT_RATE = "1/m"
    client.force_login(secretariat)
    assert client.get(reverse("workplans:annex_pdf")).status_code == 200
    assert client.get(reverse("workplans:annex_pdf")).status_code == 429


def test_limits_shared_through_the_database_cache(client, plan, secretariat):
    database = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "accsm_cache",
        }
    }
    with override_settings(CACHES=database, EXPORT_RATE="1/m"):
        call_command("createcachetable", verbosity=0)
        caches["default"].clear()
        client.force_login(secretariat)
        assert drain(client.get(export_url(plan))).status_code == 200
        assert client.get(export_url(plan)).status_code == 429


# A failed export never looks complete --------------------------------------------


def test_a_database_failure_before_the_first_row_is_an_error_page_not_a_200(
    client, plan, secretariat, monkeypatch
):
    def database_down(table, fields=None):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(exports, "records", database_down)
    client.force_login(secretariat)
    client.raise_request_exception = False
    for fmt in ("csv", "json", "xlsx"):
        response = client.get(export_url(plan, fmt))
        assert response.status_code == 500, fmt
        assert not response.streaming
        assert b"could not connect" not in response.content  # no traceback shown


def test_a_failure_mid_stream_propagates_and_the_json_is_never_closed(
    client, plan, secretariat, monkeypatch
):
    real_records = exports.records

    def fails_after_two(table, fields=None):
        for number, record in enumerate(real_records(table, fields)):
            if number == 2:
                raise OperationalError("server closed the connection unexpectedly")
            yield record

    monkeypatch.setattr(exports, "records", fails_after_two)
    monkeypatch.setattr(writers, "LINES_PER_CHUNK", 1)
    monkeypatch.setattr(exports, "CHUNK_SIZE", 1)  # rows are read a chunk at a time
    client.force_login(secretariat)
    response = client.get(export_url(plan, "json"))
    assert response.status_code == 200  # the first rows were read before it started
    received = []
    with pytest.raises(OperationalError):
        for chunk in response.streaming_content:
            received.append(chunk)
    body = b"".join(received).decode()
    assert body.startswith("[") and not body.rstrip().endswith("]")
    with pytest.raises(json.JSONDecodeError):
        json.loads(body)


def test_the_error_page_is_the_trackers_own(client, plan, monkeypatch):
    def database_down(table, fields=None):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(exports, "records", database_down)
    client.raise_request_exception = False
    response = client.get(export_url(plan, "csv"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
