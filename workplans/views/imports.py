"""Spreadsheet imports: upload → preview (every row validated) → confirm → applied."""

import secrets
import time
from typing import cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from .. import imports
from ..models import Project, WorkPlan
from ..permissions import (
    AuthenticatedRequest,
    can_import_statuses,
    can_itemize,
    can_update_any,
    user_country,
)

SESSION_KEY = "accsm_import"
# A preview waits this long for its confirmation; after that, upload again.
PREVIEW_SECONDS = 30 * 60


def may_import(user, kind: str) -> bool:
    return can_itemize(user) if kind == imports.ITEMIZE else can_import_statuses(user)


def _kind_or_404(kind: str) -> str:
    if kind not in imports.KINDS:
        raise Http404(_("Unknown kind of import."))
    return kind


def _plans_for(user, kind: str) -> QuerySet[WorkPlan]:
    plans = WorkPlan.objects.select_related("body")
    if kind == imports.STATUS and not can_update_any(user):
        # An official sees the plans holding projects their country leads.
        country = user_country(user)
        plans = plans.filter(projects__lead_countries=country).distinct()
    return plans


class UploadForm(forms.Form):
    plan = forms.ModelChoiceField(label=gettext_lazy("Work plan"), queryset=WorkPlan.objects.none())
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet"),
        allow_empty_file=True,  # refused by the importer, with its own message
        help_text=gettext_lazy("An Excel workbook (.xlsx) or a CSV file saved as UTF-8."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, plans: QuerySet[WorkPlan], **kwargs):
        super().__init__(*args, **kwargs)
        plan = cast(forms.ModelChoiceField, self.fields["plan"])
        plan.queryset, plan.to_field_name = plans, "slug"


@login_required
def index(request: AuthenticatedRequest) -> HttpResponse:
    kinds = [
        {
            "kind": kind,
            "title": imports.TITLES[kind],
            "help": imports.HELP_TEXT[kind],
            "allowed": may_import(request.user, kind),
        }
        for kind in imports.KINDS
    ]
    return render(request, "workplans/imports/index.html", {"kinds": kinds})


@login_required
def upload(request: AuthenticatedRequest, kind: str) -> HttpResponse:
    kind = _kind_or_404(kind)
    if not may_import(request.user, kind):
        raise PermissionDenied(_("You may not make this kind of import."))
    plans = _plans_for(request.user, kind)
    context = {
        "kind": kind,
        "title": imports.TITLES[kind],
        "help": imports.HELP_TEXT[kind],
        "columns": imports.columns(kind),
        "statuses": [label for _v, label in imports.status_choices(kind)],
        "max_size": filesizeformat(settings.ACCSM_IMPORT_MAX_BYTES),
    }
    if request.method != "POST":
        chosen = request.GET.get("plan")
        if not chosen:
            only = list(plans.values_list("slug", flat=True)[:2])
            chosen = only[0] if len(only) == 1 else None  # one plan to choose: chosen for them
        form = UploadForm(plans=plans, initial={"plan": chosen})
        return render(request, "workplans/imports/upload.html", {**context, "form": form})

    # An oversized request is refused without reading it (Django spools big uploads to
    # disk, not memory; the web server in front should cap request bodies as well).
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > settings.ACCSM_IMPORT_MAX_BYTES + 64 * 1024:
        refusal = _("The file is larger than %(max)s, the largest accepted.") % {
            "max": filesizeformat(settings.ACCSM_IMPORT_MAX_BYTES)
        }
        form = UploadForm(plans=plans)
        return render(
            request,
            "workplans/imports/upload.html",
            {**context, "form": form, "refusal": refusal},
            status=400,
        )

    form = UploadForm(request.POST, request.FILES, plans=plans)
    if not form.is_valid():
        return render(
            request,
            "workplans/imports/upload.html",
            {**context, "form": form},
            status=400,
        )
    plan = form.cleaned_data["plan"]
    upload_file = form.cleaned_data["file"]
    try:
        sheet, digest = imports.read_upload(upload_file)
    except imports.FileRefused as refusal:
        form.add_error("file", str(refusal))
        return render(
            request,
            "workplans/imports/upload.html",
            {**context, "form": form},
            status=400,
        )
    preview = imports.build_preview(
        kind=kind,
        plan=plan,
        sheet=sheet,
        file_name=upload_file.name,
        digest=digest,
        by=request.user,
    )
    token = ""
    request.session.pop(SESSION_KEY, None)
    if preview.valid and preview.actions:
        # The validated rows wait on the server; the browser only holds a random token.
        token = secrets.token_urlsafe(24)
        request.session[SESSION_KEY] = {
            "token": token,
            "user_id": request.user.pk,
            "created": time.time(),
            "preview": preview.to_session(),
        }
    return render(
        request,
        "workplans/imports/preview.html",
        {
            **context,
            "plan": plan,
            "preview": preview,
            "counts": preview.counts(),
            "transitions": [
                (Project.Status(old) if old else None, Project.Status(new), count)
                for old, new, count in preview.transitions()
            ],
            "rows": imports.change_rows(preview),
            "token": token,
        },
        status=200 if preview.valid else 400,
    )


@login_required
@require_POST
def confirm(request: AuthenticatedRequest) -> HttpResponse:
    stored = request.session.get(SESSION_KEY)
    token = request.POST.get("token", "")
    if (
        not stored
        or not secrets.compare_digest(stored["token"], token)
        or stored["user_id"] != request.user.pk
    ):
        messages.error(
            request,
            _("This preview is no longer waiting for confirmation. Upload the file again."),
        )
        return redirect("workplans:import_index")
    preview = imports.Preview.from_session(stored["preview"])
    del request.session[SESSION_KEY]
    if time.time() - stored["created"] > PREVIEW_SECONDS:
        messages.error(request, _("The preview expired. Upload the file again."))
        return redirect("workplans:import_upload", kind=preview.kind)
    if not may_import(request.user, preview.kind):
        raise PermissionDenied(_("You may not make this kind of import."))
    try:
        counts = imports.apply(preview, by=request.user)
    except imports.ImportConflict as conflict:
        messages.error(
            request,
            _("Nothing was applied. %(reason)s") % {"reason": conflict},
        )
        return redirect("workplans:import_upload", kind=preview.kind)
    plan = WorkPlan.objects.get(pk=preview.plan_id)
    if counts["submitted"]:
        messages.info(
            request,
            ngettext(
                "%(count)s status change was submitted for review: it counts once the "
                "Secretariat approves it.",
                "%(count)s status changes were submitted for review: they count once the "
                "Secretariat approves them.",
                counts["submitted"],
            )
            % {"count": counts["submitted"]},
        )
    messages.success(
        request,
        _(
            "Applied %(file)s to %(plan)s: %(create)s created, %(update)s updated, "
            "%(audited)s status entries added to the projects' histories."
        )
        % {
            "file": preview.file_name,
            "plan": plan,
            "create": counts["create"],
            "update": counts["update"],
            # A creation's first status is audited like a status change.
            "audited": counts["create"] + counts["status"],
        },
    )
    return redirect(plan.get_absolute_url())


# ---------------------------------------------------------------------------------
# Templates to download.


@login_required
def template_download(request: AuthenticatedRequest, kind: str, fmt: str) -> HttpResponse:
    kind = _kind_or_404(kind)
    if fmt not in imports.TEMPLATE_FORMATS:
        raise Http404(_("Templates come as .xlsx or .csv."))
    plan = None
    if request.GET.get("plan"):
        plan = _plans_for(request.user, kind).filter(slug=request.GET["plan"]).first()
        if plan is None:
            raise Http404(_("No such work plan among those you may import into."))
    content, content_type, filename = imports.template(kind, fmt, plan=plan, by=request.user)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
