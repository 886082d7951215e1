"""The Secretariat's back office. Status changes go through the service, never a bare save."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .forms import StatusForm, add_service_errors
from .models import (
    Body,
    Chairmanship,
    Country,
    Meeting,
    Milestone,
    PriorityArea,
    Profile,
    Project,
    Reminder,
    ReportChange,
    ReportingRound,
    StatusChange,
    StatusReport,
    StatusSubmission,
    Target,
    WorkPlan,
)
from .permissions import can_change_report, can_update_project
from .services import (
    StaleVersionError,
    project_delete,
    project_record_created,
    report_delete,
    report_save,
)
from .statuses import COUNTED


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "group"]
    list_filter = ["group"]
    search_fields = ["name", "code"]


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ["short_name", "name", "kind", "founded", "position", "review_updates"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "code"]
    filter_horizontal = ["members"]
    prepopulated_fields = {"code": ["short_name"]}


REPORT_INLINE_FIELDS: tuple[str, ...] = (
    "meeting",
    "reported_on",
    "reported_until",
    *COUNTED,
    "source_title",
)


class StatusReportInline(admin.TabularInline):
    """Read-only here: a report is added and changed on its own page, where it is audited."""

    model = StatusReport
    extra = 0
    fields = REPORT_INLINE_FIELDS
    readonly_fields = REPORT_INLINE_FIELDS
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class PriorityAreaInline(admin.TabularInline):
    model = PriorityArea
    extra = 0


@admin.register(WorkPlan)
class WorkPlanAdmin(admin.ModelAdmin):
    list_display = ["title", "body", "start_year", "end_year", "predecessor"]
    list_filter = ["body", "start_year"]
    search_fields = ["title", "slug", "description"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["predecessor"]
    # No inline of projects: a plan may hold thousands, far past what one form can post
    # (DATA_UPLOAD_MAX_NUMBER_FIELDS). A summary links to them in the project list instead.
    inlines = [PriorityAreaInline, StatusReportInline]
    readonly_fields = ["projects_summary"]

    @admin.display(description=_("projects"))
    def projects_summary(self, obj):
        if obj.pk is None:
            return _("Save the plan first, then add its projects.")
        counts = dict(
            obj.projects.order_by()
            .values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
        parts = [
            f"{label}: {counts[value]}"
            for value, label in Project.Status.choices
            if counts.get(value)
        ]
        listing = reverse("admin:workplans_project_changelist") + f"?plan__id__exact={obj.pk}"
        adding = reverse("admin:workplans_project_add") + f"?plan={obj.pk}"
        return format_html(
            '{} <span data-project-counts>({})</span><br><a href="{}">{}</a> · <a href="{}">{}</a>',
            ngettext("%(count)s project", "%(count)s projects", sum(counts.values()))
            % {"count": sum(counts.values())},
            "; ".join(parts) or "—",
            listing,
            _("list and edit them"),
            adding,
            _("add a project to this plan"),
        )


@admin.register(PriorityArea)
class PriorityAreaAdmin(admin.ModelAdmin):
    list_display = ["plan", "number", "title"]
    list_filter = ["plan"]
    search_fields = ["title"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "body", "kind", "start_date", "city", "host_country"]
    list_filter = ["body", "kind", "host_country"]
    search_fields = ["title", "edition", "city", "theme"]
    date_hierarchy = "start_date"


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    can_delete = False
    fields = ("changed_at", "action", "from_status", "to_status", "changed_by", "channel", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "plan", "status", "year", "is_recurring", "status_changed_at"]
    list_filter = ["plan__body", "plan", "status", "lead_countries", "is_recurring"]
    search_fields = ["code", "title", "description"]
    autocomplete_fields = ["plan", "priority_area", "carried_over_from", "adopted_at"]
    filter_horizontal = ["lead_countries"]
    readonly_fields = ["version", "status_changed_at", "status_changed_by"]
    list_select_related = ["plan"]
    inlines = [StatusChangeInline]

    def get_readonly_fields(self, request, obj=None):
        # An existing project's status changes only through the audited status service.
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "current_status"] if obj else fields

    def get_exclude(self, request, obj=None):
        return ["status"] if obj else super().get_exclude(request, obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:  # after the lead countries are saved, so the record names them
            project_record_created(
                project=form.instance, by=request.user, channel=StatusChange.Channel.ADMIN
            )

    def delete_model(self, request, obj):
        project_delete(project=obj, by=request.user, channel=StatusChange.Channel.ADMIN)

    def delete_queryset(self, request, queryset):
        for project in queryset.select_related("plan", "priority_area", "proposed_by"):
            project_delete(project=project, by=request.user, channel=StatusChange.Channel.ADMIN)

    @admin.display(description=_("status"))
    def current_status(self, obj):
        if obj.status == Project.Status.PROPOSED:
            return format_html(
                '{} — <a href="{}">{}</a>',
                obj.get_status_display(),
                obj.get_absolute_url(),
                _("adopt or decline it on the project page"),
            )
        return format_html(
            '{} — <a href="{}">{}</a>',
            obj.get_status_display(),
            reverse("admin:workplans_project_status", args=[obj.pk]),
            _("change the status…"),
        )

    def get_urls(self):
        urls = [
            path(
                "<path:object_id>/status/",
                self.admin_site.admin_view(self.status_view),
                name="workplans_project_status",
            ),
        ]
        return urls + super().get_urls()

    def status_view(self, request, object_id):
        """Change a status from the admin: the same service, form and checks as the site."""
        project = self.get_object(request, unquote(object_id))
        if project is None:
            raise Http404
        if not can_update_project(request.user, project):
            raise PermissionDenied
        form = StatusForm(
            request.POST or None, project=project, user=request.user, with_meeting=True
        )
        if request.method == "POST" and form.is_valid():
            try:
                form.apply(by=request.user, channel=StatusChange.Channel.ADMIN)
            except StaleVersionError as error:
                self.message_user(request, str(error), messages.ERROR)
                return redirect(request.path)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                self.message_user(
                    request,
                    _("%(code)s is now “%(status)s”.")
                    % {"code": project.code, "status": project.get_status_display()},
                    messages.SUCCESS,
                )
                return redirect("admin:workplans_project_change", project.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": project,
            "form": form,
            "title": _("Change the status of %(code)s") % {"code": project.code},
            "changes": project.changes.select_related("changed_by")[:10],
        }
        return TemplateResponse(request, "admin/workplans/project/change_status.html", context)


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    """The audit trail: readable, never editable, by anyone."""

    list_display = [
        "changed_at",
        "project_label",
        "action",
        "from_status",
        "to_status",
        "changed_by",
        "channel",
    ]
    list_filter = ["action", "channel", "to_status", "project__plan"]
    search_fields = ["project_label", "note", "changed_by__username"]
    list_select_related = ["project", "changed_by"]
    date_hierarchy = "changed_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReportChangeInline(admin.TabularInline):
    model = ReportChange
    extra = 0
    can_delete = False
    fields = ("changed_at", "action", "changed_by", "values")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(StatusReport)
class StatusReportAdmin(admin.ModelAdmin):
    list_display = [
        "plan",
        "reported_on",
        "meeting",
        *COUNTED,
    ]
    list_filter = ["plan__body", "plan"]
    search_fields = ["plan__title", "source_title", "notes"]
    autocomplete_fields = ["plan", "meeting"]
    list_select_related = ["plan", "meeting"]
    readonly_fields = ["recorded_by", "recorded_at"]
    inlines = [ReportChangeInline]

    # A presented report is locked: only the Secretariat changes or deletes it, audited.
    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and can_change_report(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and can_change_report(request.user, obj)

    def save_model(self, request, obj, form, change):
        # The form has set the new values on `obj`; the service compares them with the stored ones.
        report_save(report=obj, by=request.user)

    def delete_model(self, request, obj):
        report_delete(report=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for report in queryset:
            report_delete(report=report, by=request.user)


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["description", "plan", "target_percent", "end_year", "achieved_percent"]
    list_filter = ["plan"]


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["description", "plan", "due_label", "due_date", "achieved_on"]
    list_filter = ["plan"]


@admin.register(Chairmanship)
class ChairmanshipAdmin(admin.ModelAdmin):
    list_display = ["__str__", "body", "country", "start_year", "end_year"]
    list_filter = ["body", "country"]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "country", "language"]
    list_filter = ["country"]
    search_fields = ["user__username", "user__email"]
    autocomplete_fields = ["user", "country"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written by the app's services only (rounds, reviews, reminders): read here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReportingRound)
class ReportingRoundAdmin(ReadOnlyAdmin):
    list_display = ["meeting", "due_on", "opened_at", "closed_at"]


@admin.register(StatusSubmission)
class StatusSubmissionAdmin(ReadOnlyAdmin):
    list_display = ["project", "status", "state", "submitted_by", "submitted_at", "decided_by"]
    list_filter = ["state"]


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["user", "round", "sent_on", "projects"]


admin.site.site_header = _("ACCSM work-plan tracker")
admin.site.site_title = _("ACCSM tracker")
