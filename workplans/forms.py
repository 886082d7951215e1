"""Forms parse and check input; the services in services.py do the writing."""

from typing import cast

from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import transitions
from .models import (
    Country,
    Meeting,
    Project,
    StatusChange,
    StatusSubmission,
    WorkPlan,
)
from .permissions import AnyUser
from .services import proposal_adopt, proposal_decline, status_update


def meeting_label(meeting: Meeting) -> str:
    return f"{meeting} — {meeting.dates}"


class MeetingChoiceField(forms.ModelChoiceField):
    """A meeting with its dates as known."""

    def label_from_instance(self, obj: Meeting) -> str:
        return meeting_label(obj)


class PlanChoiceField(forms.ModelChoiceField):
    """A work plan with its body, as plans of two bodies share titles."""

    def label_from_instance(self, obj: WorkPlan) -> str:
        return f"{obj.title} ({obj.body.short_name})"


class VersionedForm(forms.Form):
    """Carries the version of the project the form was read at (optimistic concurrency)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class StatusForm(VersionedForm):
    status = forms.ChoiceField(label=_("New status"))
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the project is postponed or cancelled."),
    )
    evidence_url = forms.URLField(
        label=_("Evidence link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        # Text, not type=url: browsers refuse "moha.gov.vn/…", which the form accepts as https.
        widget=forms.TextInput(attrs={"inputmode": "url", "autocomplete": "url"}),
        help_text=_("Optional: a meeting report or workshop outcome, for example."),
    )
    meeting = forms.ModelChoiceField(
        label=_("Reported at meeting"),
        queryset=Meeting.objects.select_related("body"),
        required=False,
    )

    def __init__(
        self, *args, project: Project, user: AnyUser, with_meeting: bool = False, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["version"].initial = project.version
        self.options = transitions.options(project, user)
        cast(forms.ChoiceField, self.fields["status"]).choices = [("", "---------")] + [
            (option.status.value, option.label) for option in self.options
        ]
        if not with_meeting:
            del self.fields["meeting"]

    def clean(self):
        super().clean()
        data = self.cleaned_data
        chosen = next((o for o in self.options if o.status == data.get("status")), None)
        if chosen and chosen.note_required and not data.get("note", "").strip():
            self.add_error(
                "note",
                ValidationError(
                    _("A note is required when a project is postponed or cancelled."),
                    code="note_required",
                ),
            )
        return data

    def apply(self, *, by: User, channel: str) -> StatusChange | StatusSubmission:
        """Hand the cleaned form to the status service: the one mapping for web and admin.
        Where the body reviews updates, an official's change is submitted, not applied."""
        data = self.cleaned_data
        return status_update(
            project=self.project,
            status=data["status"],
            by=by,
            expected_version=data["version"],
            note=data["note"],
            evidence_url=data["evidence_url"],
            meeting=data.get("meeting"),
            channel=channel,
        )


class ProposalForm(forms.Form):
    plan = PlanChoiceField(label=_("Work plan"), queryset=WorkPlan.objects.none())
    country = forms.ModelChoiceField(label=_("Proposed by"), queryset=Country.objects.all())
    title = forms.CharField(label=_("Title of the activity"), max_length=400)
    year = forms.IntegerField(
        label=_("Planned year"),
        required=False,
        min_value=1981,
        max_value=2100,
        help_text=_("Within the plan's period."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    note = forms.CharField(
        label=_("Note for the Secretariat"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, country: Country | None, **kwargs):
        """`country`: the official's own (fixed); None lets the Secretariat pick one."""
        super().__init__(*args, **kwargs)
        plans = WorkPlan.objects.select_related("body").order_by(
            "body__position", "-start_year", "title"
        )
        if country is not None:
            del self.fields["country"]
            plans = plans.filter(body__members=country)
        cast(PlanChoiceField, self.fields["plan"]).queryset = plans


class AdoptForm(VersionedForm):
    meeting = MeetingChoiceField(label=_("Adopted at meeting"), queryset=Meeting.objects.none())
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["version"].initial = project.version
        # A plan's proposals are adopted at its own body's meetings, the latest first.
        meeting = cast(MeetingChoiceField, self.fields["meeting"])
        meeting.queryset = Meeting.objects.filter(body=project.plan.body_id).order_by(
            "-start_date", "kind"
        )

    def apply(self, *, by: User) -> StatusChange:
        data = self.cleaned_data
        return proposal_adopt(
            project=self.project,
            meeting=data["meeting"],
            note=data["note"],
            by=by,
            expected_version=data["version"],
        )

    def success_message(self) -> str:
        return _("Adopted at %(meeting)s: %(title)s is now planned and counted in its plan.") % {
            "meeting": self.project.adopted_at,
            "title": self.project.title,
        }


class DeclineForm(VersionedForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Give the reason the proposal is declined.")},
    )

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["version"].initial = project.version

    def apply(self, *, by: User) -> StatusChange:
        data = self.cleaned_data
        return proposal_decline(
            project=self.project, reason=data["reason"], by=by, expected_version=data["version"]
        )

    def success_message(self) -> str:
        return _("Declined: %(title)s is cancelled and will not be counted.") % {
            "title": self.project.title
        }


class ConfirmForm(VersionedForm):
    """An official confirms that an active project's status still holds."""

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = project.version


class OpenRoundForm(forms.Form):
    meeting = MeetingChoiceField(label=_("Before the meeting"), queryset=Meeting.objects.none())
    due_on = forms.DateField(
        label=_("Updates due on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    remind_days = forms.IntegerField(
        label=_("E-mail reminders from (days before the due date)"),
        min_value=0,
        max_value=60,
        initial=7,
    )

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        # Coming meetings without a round yet.
        cast(MeetingChoiceField, self.fields["meeting"]).queryset = (
            Meeting.objects.filter(start_date__gte=today, round__isnull=True)
            .select_related("body")
            .order_by("start_date")
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why the round is reopened.")},
    )


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment for the official"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say what the official should change.")},
    )


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form, on the field it names if any."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return
    for item in error.error_list:
        name = transitions.ERROR_FIELDS.get(item.code or "")
        form.add_error(name if name in form.fields else None, item)
