"""Applying a confirmed preview in one transaction, through the services."""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from .. import services
from ..models import Country, PriorityArea, Project, StatusChange, StatusSubmission, WorkPlan
from .columns import STATUS, ImportConflict
from .rows import Change, Preview, concrete_user, projects_to_check


def _describe(change: Change, message: str) -> str:
    return _("Row %(row)s (%(code)s): %(message)s") % {
        "row": change.row,
        "code": change.code,
        "message": message,
    }


def apply(preview: Preview, *, by: User) -> dict[str, int]:
    """Apply every change in one transaction through the services; all or nothing."""
    plan = WorkPlan.objects.select_related("body").filter(pk=preview.plan_id).first()
    if plan is None:
        raise ImportConflict(_("The plan no longer exists."))
    by = concrete_user(by)
    try:
        with transaction.atomic():
            ids = [c.project_id for c in preview.changes if c.project_id]
            projects = Project.objects.select_for_update().filter(pk__in=ids)
            if preview.kind != STATUS:  # an itemized row compares them with the preview's
                projects = projects.prefetch_related("lead_countries")
            current = {p.pk: p for p in projects_to_check(projects, by)}
            for project in current.values():
                if project.plan_id == plan.pk:
                    project.plan = plan  # with its body: whether it reviews updates
            if preview.kind == STATUS:
                _apply_statuses(preview.actions, current, by)
            else:
                countries = {c.code: c for c in Country.objects.all()}
                areas = {a.pk: a for a in PriorityArea.objects.filter(plan=plan)}
                for change in preview.actions:
                    _apply_change(change, plan, current, countries, areas, by)
    except ImportConflict:
        raise
    except services.StaleVersionError as error:
        raise ImportConflict(str(error)) from error
    except (PermissionDenied, ValidationError, DatabaseError) as error:
        message = " ".join(getattr(error, "messages", [str(error)]))
        raise ImportConflict(message) from error
    counts = preview.counts()
    counts["submitted"] = StatusSubmission.objects.filter(
        submitted_by=by,
        state=StatusSubmission.State.PENDING,
        project_id__in=[c.project_id for c in preview.changes if c.status and c.project_id],
    ).count()
    return counts


def _apply_statuses(changes: list[Change], current: dict[int, Project], by: User) -> None:
    """A batch status update: every row checked by the status service as a single change
    would be, in the file's order, then all written at once (a constant number of queries)."""
    requests: list[services.StatusRequest] = []
    for change in changes:
        project = current.get(change.project_id) if change.project_id else None
        if (problem := _changed_since_preview(change, project)) is not None:
            # The rows before it are checked first, as they would have been applied first.
            _in_batch(services.status_update_checks, changes, requests, by=by)
            raise ImportConflict(_describe(change, problem))
        assert project is not None and change.status  # a status row's action is its status
        requests.append(
            services.StatusRequest(
                project=project,
                status=change.status,
                expected_version=project.version,  # equal to the preview's, checked above
                note=change.note,
                evidence_url=change.evidence,
            )
        )
    _in_batch(
        services.status_update_many, changes, requests, by=by, channel=StatusChange.Channel.IMPORT
    )


def _in_batch(service, changes: list[Change], requests: list, **kwargs) -> None:
    """Call a batch service on `requests` (the first rows of `changes`); a refused row
    becomes the import's conflict, naming the row."""
    if not requests:
        return
    try:
        service(requests, **kwargs)
    except services.ChangeRefused as refused:
        raise ImportConflict(
            _describe(changes[refused.index], _reason(refused.error))
        ) from refused.error


def _reason(error: Exception) -> str:
    if isinstance(error, services.StaleVersionError):
        return str(error)
    return " ".join(getattr(error, "messages", [str(error)]))


def _changed_since_preview(change: Change, project: Project | None) -> str | None:
    """Why the row can no longer be applied as previewed, if it cannot."""
    if project is None:
        return _("the project no longer exists.")
    if project.version != change.version or (
        change.before and _details(project) != {**_details(project), **change.before}
    ):
        return _("the project was changed since the preview. Upload the file again.")
    return None


def _apply_change(change: Change, plan, current, countries, areas, by: User) -> None:
    details = dict(change.details)
    if "lead_countries" in details:
        details["lead_countries"] = [countries[code] for code in details["lead_countries"]]
    if "priority_area_id" in details:
        area_id = details.pop("priority_area_id")
        details["priority_area"] = areas.get(area_id) if area_id else None

    try:
        if change.action == "create":
            services.project_create(
                plan=plan,
                code=change.code,
                status=change.status or Project.Status.PLANNED,  # the preview sets it
                by=by,
                note=change.note,
                channel=StatusChange.Channel.IMPORT,
                **details,
            )
            return
        project = current.get(change.project_id)
        if (problem := _changed_since_preview(change, project)) is not None:
            raise ImportConflict(_describe(change, problem))
        assert project is not None
        if details:
            services.project_update_details(
                project=project,
                by=by,
                expected_version=project.version,  # equal to the preview's, checked above
                **details,
            )
        if change.status:
            # Where the body reviews updates, an official's change is submitted instead.
            services.status_update(
                project=project,
                status=change.status,
                by=by,
                expected_version=project.version,
                note=change.note,
                evidence_url=change.evidence,
                channel=StatusChange.Channel.IMPORT,
            )
    except (services.StaleVersionError, PermissionDenied, ValidationError) as error:
        raise ImportConflict(_describe(change, _reason(error))) from error


def _details(project: Project) -> dict:
    return {
        "title": project.title,
        "description": project.description,
        "year": project.year,
        "priority_area_id": project.priority_area_id,
        "lead_countries": sorted(c.code for c in project.lead_countries.all()),
    }
