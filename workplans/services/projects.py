"""Writes to projects: status changes, creation, details, deletion; each one audited."""

from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import NoReturn

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Case, CharField, F, Q, Value, When
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .. import transitions
from ..errors import TrackerError
from ..models import Country, Meeting, Project, StatusChange, WorkPlan
from ..permissions import (
    can_add_projects,
    can_change_projects,
    can_delete_projects,
    can_update_project,
)
from ..rounds import locked_meeting_error


class StaleVersionError(TrackerError):
    """The project changed since the form was read; `current` is the project as it is now."""

    def __init__(self, current: Project):
        self.current = current
        message = _(
            "Nothing was saved: %(code)s was changed since you opened it. It is now “%(status)s”"
        ) % {"code": current.code, "status": current.get_status_display()}
        if current.status_changed_by and current.status_changed_at:
            message += _(", set by %(user)s on %(date)s") % {
                "user": current.status_changed_by.get_username(),
                "date": date_format(
                    timezone.localtime(current.status_changed_at), "DATETIME_FORMAT"
                ),
            }
        super().__init__(
            message + ". " + _("Check its history, then submit again if still needed.")
        )


@dataclass(frozen=True)
class StatusRequest:
    """One status change asked for in a batch: `project` as read, moved to `status` from
    `expected_version` (the version the form or the file was read at)."""

    project: Project
    status: str
    expected_version: int
    note: str = ""
    evidence_url: str = ""


class ChangeRefused(TrackerError):
    """A change of a batch was refused, so nothing of the batch was written: `index` is its
    place in the batch, `error` what the same change made alone would have raised."""

    def __init__(self, index: int, error: Exception):
        self.index, self.error = index, error
        super().__init__(str(error))


@contextmanager
def one_of_a_batch() -> Iterator[None]:
    """A single change made as a batch of one raises its own refusal, not ChangeRefused."""
    try:
        yield
    except ChangeRefused as refused:
        raise refused.error from refused.error.__cause__


def project_set_status(
    *,
    project: Project,
    status: str,
    by: User,
    expected_version: int,
    note: str = "",
    evidence_url: str = "",
    channel: str = StatusChange.Channel.WEB,
    meeting: Meeting | None = None,
) -> StatusChange:
    """Check permission and transition, refuse a stale version, save and audit the change."""
    request = StatusRequest(project, status, expected_version, note, evidence_url)
    with one_of_a_batch():
        return project_set_statuses([request], by=by, channel=channel, meeting=meeting)[0]


@transaction.atomic
def project_set_statuses(
    requests: Sequence[StatusRequest],
    *,
    by: User,
    channel: str = StatusChange.Channel.WEB,
    meeting: Meeting | None = None,
) -> list[StatusChange]:
    """project_set_status for a batch, all or nothing: each change is checked as it would be
    alone, in order, and the first refused raises ChangeRefused; then all are written by one
    UPDATE and one INSERT, whatever their number."""
    check = SetChecks(by, meeting)
    for index, request in enumerate(requests):
        check(index, request)
    return _apply_changes(requests, by=by, channel=channel, meeting=meeting)


class SetChecks:
    """The checks of a status change applied at once, in a batch's order: check_change, then
    (once, after the first change's) whether its meeting is locked. Call with each request."""

    def __init__(self, by: User, meeting: Meeting | None):
        self.by, self.meeting, self.first = by, meeting, True

    def __call__(self, index: int, request: StatusRequest) -> None:
        try:
            check_change(
                request.project,
                request.status,
                self.by,
                request.expected_version,
                request.note,
                request.evidence_url,
            )
            if self.first:
                self.first = False
                if error := locked_meeting_error(self.meeting):
                    raise error
        except (PermissionDenied, ValidationError, StaleVersionError) as error:
            raise ChangeRefused(index, error) from error


def check_change(
    project: Project, status: str, by: User, expected_version: int, note: str, evidence_url: str
) -> None:
    """What a status change must pass, applied or submitted for review: the user may update
    the project, the form is not stale, the transition is allowed, the link is a link."""
    if not can_update_project(by, project):
        raise PermissionDenied(
            _("You may not change the status of %(code)s.") % {"code": project.code}
        )
    if project.version != expected_version:
        raise StaleVersionError(_current(project))
    transitions.check(project=project, status=status, by=by, note=note)
    if evidence_url:
        URLValidator(message=_("The evidence link is not a valid web address."))(evidence_url)


def _current(project: Project) -> Project:
    return Project.objects.select_related("status_changed_by").get(pk=project.pk)


def _apply_change(
    *,
    project: Project,
    status: str,
    by: User,
    expected_version: int,
    note: str = "",
    evidence_url: str = "",
    channel: str = StatusChange.Channel.WEB,
    meeting: Meeting | None = None,
    audit_values: dict | None = None,
    **fields,
) -> StatusChange:
    """_apply_changes for one project: its StaleVersionError raised as it is."""
    request = StatusRequest(project, status, expected_version, note, evidence_url)
    with one_of_a_batch():
        return _apply_changes(
            [request],
            by=by,
            channel=channel,
            meeting=meeting,
            audit_values=audit_values,
            **fields,
        )[0]


def _apply_changes(
    requests: Sequence[StatusRequest],
    *,
    by: User,
    channel: str = StatusChange.Channel.WEB,
    meeting: Meeting | None = None,
    audit_values: dict | None = None,
    **fields,
) -> list[StatusChange]:
    """Compare-and-set each project's status (and `fields`) from its expected version, then
    audit each change: one UPDATE and one INSERT for the whole batch. Call it inside a
    transaction, so that a refusal (ChangeRefused of a StaleVersionError) writes nothing.

    Of concurrent writers from one version exactly one updates the row; the others get
    StaleVersionError and write nothing.
    """
    if not requests:
        return []
    pks = [request.project.pk for request in requests]
    if len(set(pks)) != len(pks):
        raise ValueError("A batch changes each project once.")
    by_status: dict[str, list[int]] = defaultdict(list)
    by_version: dict[int, list[int]] = defaultdict(list)
    for request in requests:
        by_status[request.status].append(request.project.pk)
        by_version[request.expected_version].append(request.project.pk)
    # Each row only from the version it was read at: (version = 1 AND id IN (…)) OR …
    read_at = reduce(or_, (Q(version=v, pk__in=ids) for v, ids in by_version.items()))
    if len(by_status) == 1:
        new_status: Value | Case = Value(requests[0].status)
    else:
        new_status = Case(
            *(When(pk__in=ids, then=Value(status)) for status, ids in by_status.items()),
            output_field=CharField(),
        )
    now = timezone.now()
    updated = Project.objects.filter(read_at).update(
        status=new_status,
        version=F("version") + 1,
        status_changed_at=now,
        status_changed_by=by,
        **fields,
    )
    if updated != len(requests):
        _refuse_stale(requests, now)

    records = []
    for request in requests:
        project = request.project
        from_status = project.status
        project.status, project.version = request.status, request.expected_version + 1
        project.status_changed_at, project.status_changed_by = now, by
        for name, value in fields.items():
            setattr(project, name, value)
        records.append(
            _audit_record(
                project,
                StatusChange.Action.STATUS,
                by=by,
                channel=channel,
                from_status=from_status,
                to_status=request.status,
                note=request.note,
                evidence_url=request.evidence_url,
                meeting=meeting,
                **({"values": audit_values} if audit_values else {}),
            )
        )
    return StatusChange.objects.bulk_create(records)


def _refuse_stale(requests: Sequence[StatusRequest], now) -> NoReturn:
    """Some rows were not at their expected version: the first of them is refused."""
    written = {
        pk: (version, changed_at)
        for pk, version, changed_at in Project.objects.filter(
            pk__in=[request.project.pk for request in requests]
        ).values_list("pk", "version", "status_changed_at")
    }
    stale = [
        index
        for index, request in enumerate(requests)
        if written.get(request.project.pk) != (request.expected_version + 1, now)
    ]
    index = stale[0] if stale else 0
    raise ChangeRefused(index, StaleVersionError(_current(requests[index].project)))


def project_values(project: Project) -> dict:
    """What a creation or deletion record keeps of the project: enough to tell it again."""
    return {
        "plan": project.plan.slug,
        "code": project.code,
        "title": project.title,
        "status": project.status,
        "year": project.year,
        "lead_countries": sorted(c.code for c in project.lead_countries.all()),
        "priority_area": project.priority_area.number if project.priority_area else None,
        "proposed_by": project.proposed_by.code if project.proposed_by else None,
        "description": project.description,
    }


def _audit(project: Project, action: str, *, by: User, channel: str, **fields) -> StatusChange:
    """Write one audit record (see _audit_record)."""
    record = _audit_record(project, action, by=by, channel=channel, **fields)
    record.save(force_insert=True)
    return record


def _audit_record(
    project: Project, action: str, *, by: User, channel: str, **fields
) -> StatusChange:
    """The one way an audit record is made: who, when (now), the channel and the values.
    Saved by _audit, or by a batch's bulk_create."""
    if action in (StatusChange.Action.CREATED, StatusChange.Action.DELETED):
        fields["values"] = project_values(project)
    fields["note"] = fields.get("note", "").strip()
    return StatusChange(
        project=project,
        project_label=f"{project.code} {project.title}",
        action=action,
        changed_by=by,
        channel=channel,
        version=project.version,
        **fields,
    )


# Projects created or edited outside a status change (the itemizing import, the CLI).


@transaction.atomic
def project_create(
    *,
    plan: WorkPlan,
    code: str,
    title: str,
    by: User,
    status: str = Project.Status.PLANNED,
    description: str = "",
    year: int | None = None,
    priority_area=None,
    lead_countries: list[Country] | tuple = (),
    note: str = "",
    channel: str = StatusChange.Channel.WEB,
) -> Project:
    """Create an itemized project; its initial status is audited like any change."""
    if not can_add_projects(by):
        raise PermissionDenied(_("You may not create projects."))
    if status == Project.Status.PROPOSED:
        raise ValidationError(
            _("Proposals are recorded with the proposal form, not created here."),
            code="proposal",
        )
    if not note.strip() and (error := transitions.note_error(status)):
        raise error
    if priority_area is not None and priority_area.plan_id != plan.pk:
        raise ValidationError(_("The priority area belongs to another plan."), code="area_plan")
    now = timezone.now()
    project = Project(
        plan=plan,
        code=code.strip(),
        title=title.strip(),
        description=description.strip(),
        year=year,
        priority_area=priority_area,
        status=status,
        status_changed_at=now,
        status_changed_by=by,
    )
    project.full_clean()
    project.save()
    project.lead_countries.set(lead_countries)
    project_record_created(project=project, by=by, channel=channel, note=note)
    return project


def project_record_created(
    *, project: Project, by: User, channel: str, note: str = ""
) -> StatusChange:
    """Audit a project created elsewhere (the admin's add form saves it, then calls this)."""
    return _audit(
        project,
        StatusChange.Action.CREATED,
        by=by,
        channel=channel,
        to_status=project.status,
        note=note,
    )


@transaction.atomic
def project_delete(*, project: Project, by: User, channel: str) -> StatusChange:
    """Delete a project, leaving a record of what it was; its earlier records survive it."""
    if not can_delete_projects(by):
        raise PermissionDenied(_("You may not delete projects."))
    record = _audit(
        project,
        StatusChange.Action.DELETED,
        by=by,
        channel=channel,
        from_status=project.status,
    )
    project.delete()
    return record


@transaction.atomic
def project_update_details(
    *,
    project: Project,
    by: User,
    expected_version: int,
    title: str | None = None,
    description: str | None = None,
    year: int | None = None,
    priority_area=None,
    lead_countries: list[Country] | None = None,
) -> Project:
    """Change a project's details, not its status (None keeps a field as it is).

    Refuses a stale version like a status change does; the version itself counts status
    changes only, so it is checked here but not bumped.
    """
    if not can_change_projects(by):
        raise PermissionDenied(
            _("You may not change the details of %(code)s.") % {"code": project.code}
        )
    if not Project.objects.filter(pk=project.pk, version=expected_version).exists():
        raise StaleVersionError(_current(project))
    if priority_area is not None and priority_area.plan_id != project.plan_id:
        raise ValidationError(_("The priority area belongs to another plan."), code="area_plan")
    values = {
        "title": title.strip() if title is not None else None,
        "description": description.strip() if description is not None else None,
        "year": year,
        "priority_area": priority_area,
    }
    changed = [name for name, value in values.items() if value is not None]
    for name in changed:
        setattr(project, name, values[name])
    if changed:
        project.full_clean()
        project.save(update_fields=changed)
    if lead_countries is not None:
        project.lead_countries.set(lead_countries)
    return project
