"""An export reads its rows in several queries (a group of plans each, the lead countries per
chunk): on PostgreSQL all of them see the data as it was at the first, so a project moved
to another plan while the export streams is listed once, where it was."""

import threading

import pytest
from django.db import connection, connections

from workplans.models import Project
from workplans.tables import byplan, exports

from .conftest import make_body, make_plan, make_user

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="one snapshot per export: PostgreSQL only"
)


def elsewhere(work) -> None:
    """Run `work` on a connection of its own, committed at once (another user's request)."""

    def run():
        try:
            work()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()


@pytest.mark.django_db(transaction=True)
def test_a_project_moved_while_an_export_streams_is_listed_once_where_it_was(client, monkeypatch):
    body = make_body("accsm")
    first = make_plan(body, "first", statuses=[Project.Status.PLANNED] * 2, start_year=2021)
    second = make_plan(body, "second", statuses=[Project.Status.PLANNED] * 2, start_year=2016)
    # Each plan its own query, and a chunk of two rows: the first plan's rows are read and
    # sent before the second plan's query runs.
    monkeypatch.setattr(byplan, "GROUP_ROWS", 2)
    monkeypatch.setattr(exports, "CHUNK_SIZE", 2)
    client.force_login(make_user("secretariat", "Secretariat"))

    moved = Project.objects.get(plan=first, code="P001")
    seen = []

    def move():
        Project.objects.filter(pk=moved.pk).update(plan=second, code="P009")
        seen.append(Project.objects.get(pk=moved.pk).plan_id)  # committed, seen outside

    response = client.get("/projects/", {"_export": "csv"})
    try:
        stream = iter(response.streaming_content)
        head = b"".join(next(stream) for _ in range(2)).decode()
        assert "Plan first" in head and "Plan second" not in head
        elsewhere(move)
        text = head + b"".join(stream).decode()
    finally:
        response.close()
    assert seen == [second.pk]

    # As the data was when the export began: P001 once, in the first plan; no P009.
    assert text.count("P001") == 2  # one in each plan
    assert "P009" not in text
    assert text.count("\n") == 1 + 4  # the heading and the four rows
