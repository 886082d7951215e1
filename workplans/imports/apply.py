"""Applying a confirmed preview in one transaction, through the services."""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from .. import services
from ..models import Country, PriorityArea, Project, StatusChange, StatusSubmission, WorkPlan
from .columns import ImportConflict
from .rows import Change, Preview


def _describe(change: Change, message: str) -> str:
    return _("Row %(row)s (%(code)s): %(message)s") % {
        "row": change.row,
        "code": change.code,
        "message": message,
    }


def apply(preview: Preview, *, by: User) -> dict[str, int]:
    """Apply every change in one transaction through the services; all or nothing."""
    plan = WorkPlan.objects.filter(pk=preview.plan_id).first()
    if plan is None:
        raise ImportConflict(_("The plan no longer exists."))
    try:
        with transaction.atomic():
            ids = [c.project_id for c in preview.changes if c.project_id]
            current = {
                p.pk: p
                for p in Project.objects.select_for_update()
                .filter(pk__in=ids)
                .prefetch_related("lead_countries")
            }
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
        if project is None:
            raise ImportConflict(_describe(change, _("the project no longer exists.")))
        if project.version != change.version or _details(project) != {
            **_details(project),
            **change.before,
        }:
            raise ImportConflict(
                _describe(
                    change,
                    _("the project was changed since the preview. Upload the file again."),
                )
            )
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
    except services.StaleVersionError as error:
        raise ImportConflict(_describe(change, str(error))) from error
    except (PermissionDenied, ValidationError) as error:
        message = " ".join(getattr(error, "messages", [str(error)]))
        raise ImportConflict(_describe(change, message)) from error


def _details(project: Project) -> dict:
    return {
        "title": project.title,
        "description": project.description,
        "year": project.year,
        "priority_area_id": project.priority_area_id,
        "lead_countries": sorted(c.code for c in project.lead_countries.all()),
    }
