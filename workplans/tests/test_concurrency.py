"""No lost updates under real concurrency: 20 writers from one version, exactly one wins."""

import threading

import pytest
from django.db import connection, connections

from workplans.models import Project, StatusChange
from workplans.services import StaleVersionError, project_set_status

S = Project.Status
WRITERS = 20

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Concurrent writers need PostgreSQL (SQLite serialises them); CI runs it there.",
)


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_submits_from_one_version_give_one_success(
    vn_project, official_vn, secretariat
):
    users = [official_vn, secretariat]
    targets = [S.ONGOING, S.COMPLETED, S.POSTPONED, S.CANCELLED]
    barrier = threading.Barrier(WRITERS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def submit(i: int) -> None:
        try:
            # Each writer reads the project as its form did, then all submit at once.
            project = Project.objects.get(pk=vn_project.pk)
            barrier.wait(timeout=30)
            try:
                project_set_status(
                    project=project,
                    status=targets[i % len(targets)],
                    by=users[i % len(users)],
                    expected_version=1,
                    note=f"writer {i}",
                )
                outcome = "saved"
            except StaleVersionError:
                outcome = "refused"
            except Exception as error:  # noqa: BLE001 — reported by the assertion below
                outcome = f"error: {error!r}"
            with lock:
                outcomes.append(outcome)
        finally:
            connections.close_all()  # this thread's connection

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["refused"] * (WRITERS - 1) + ["saved"]
    project = Project.objects.get(pk=vn_project.pk)
    assert project.version == 2
    change = StatusChange.objects.get()
    assert (change.to_status, change.version) == (project.status, 2)
    assert change.note.startswith("writer ")
