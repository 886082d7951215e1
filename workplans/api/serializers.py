"""What the API says of each thing: plain fields, codes for relations, provenance in words."""

from django.utils import timezone
from rest_framework import serializers

from ..models import Body, Chairmanship, Meeting, Milestone, Project, StatusReport, Target
from ..progress import Progress
from ..provenance import report_source, report_when
from ..selectors import PlanProgress
from ..statuses import COUNTED, IATI_ACTIVITY_STATUS
from ..tables.projects import row_leads, shown_status


class BodySerializer(serializers.ModelSerializer):
    members: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )

    class Meta:
        model = Body
        fields = ["code", "short_name", "name", "name_vi", "kind", "members", "review_updates"]


def figures(progress: Progress | None) -> dict | None:
    """Counts and percentages per counted status (percent: one decimal, null if none counted)."""
    if progress is None:
        return None
    result: dict = {"total": progress.total}
    for status in COUNTED:
        percent = progress.percent(status)
        result[status.value] = progress.count(status)
        result[f"{status.value}_percent"] = float(percent) if percent is not None else None
    return result


class ReportSerializer(serializers.ModelSerializer):
    plan: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    meeting: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(read_only=True)
    dates = serializers.SerializerMethodField(help_text="The report's date as precisely as known.")
    source = serializers.SerializerMethodField()  # type: ignore[assignment]  # a field named "source"
    figures = serializers.SerializerMethodField()

    class Meta:
        model = StatusReport
        fields = [
            "id",
            "plan",
            "meeting",
            "reported_on",
            "reported_until",
            "dates",
            "source",
            "source_url",
            "figures",
        ]

    def get_dates(self, report: StatusReport) -> str:
        return report_when(report)

    def get_source(self, report: StatusReport) -> str:
        return report_source(report)

    def get_figures(self, report: StatusReport) -> dict | None:
        return figures(report.progress)


class PlanSerializer(serializers.Serializer):
    """A plan and its progress, computed as on the pages (selectors.PlanProgress)."""

    slug = serializers.CharField(source="plan.slug")
    title = serializers.CharField(source="plan.title")
    title_vi = serializers.CharField(source="plan.title_vi")
    body = serializers.CharField(source="plan.body.code")
    start_year = serializers.IntegerField(source="plan.start_year", allow_null=True)
    end_year = serializers.IntegerField(source="plan.end_year")
    period = serializers.CharField(source="plan.period")
    basis = serializers.CharField(
        allow_null=True,
        help_text="Which figures come first: live counts, the latest report, or the report "
        "plus projects adopted since.",
    )
    figures = serializers.SerializerMethodField(help_text="The figures on `basis`.")
    live = serializers.SerializerMethodField(
        help_text="Counted from the itemized projects, now or at the end of `as_of` (its day "
        "in `as_of`)."
    )
    latest_report = serializers.SerializerMethodField(
        help_text="The latest report (reported by `as_of`, if given)."
    )
    pending_proposals = serializers.IntegerField(source="pending")
    differs = serializers.BooleanField(
        help_text="Fully itemized, and its live counts differ from its latest report."
    )

    def get_figures(self, progress: PlanProgress) -> dict | None:
        return figures(progress.figures)

    def get_live(self, progress: PlanProgress) -> dict | None:
        if progress.live is None:
            return None
        return {
            # The day the counts hold on: `as_of`, or today (counted now).
            "as_of": (progress.as_of or timezone.localdate()).isoformat(),
            "figures": figures(progress.live),
            "adopted_since_report": figures(progress.added) if progress.report else None,
        }

    def get_latest_report(self, progress: PlanProgress) -> dict | None:
        return dict(ReportSerializer(progress.report).data) if progress.report else None


class ProjectSerializer(serializers.ModelSerializer):
    plan: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    body = serializers.CharField(source="plan.body.code", read_only=True)
    status = serializers.SerializerMethodField(
        help_text="The status now, or at the end of `as_of`."
    )
    iati_activity_status = serializers.SerializerMethodField(
        help_text="The IATI ActivityStatus code of `status`."
    )
    lead_countries = serializers.SerializerMethodField(help_text="The lead countries' codes.")
    priority_area = serializers.IntegerField(source="priority_area.number", default=None)
    last_update = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "code",
            "title",
            "plan",
            "body",
            "status",
            "iati_activity_status",
            "lead_countries",
            "priority_area",
            "year",
            "last_update",
        ]

    def get_status(self, project: Project) -> str:
        return shown_status(project)

    def get_lead_countries(self, project: Project) -> list[str]:
        return [country.code for country in row_leads(project)]

    def get_iati_activity_status(self, project: Project) -> int:
        return IATI_ACTIVITY_STATUS[shown_status(project)]


class MeetingSerializer(serializers.ModelSerializer):
    body: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    host_country: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    dates = serializers.CharField(read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "body",
            "kind",
            "edition",
            "title",
            "title_vi",
            "start_date",
            "end_date",
            "dates",
            "city",
            "online",
            "host_country",
            "theme",
            "theme_vi",
            "source",
        ]


class ChairSerializer(serializers.ModelSerializer):
    body: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )
    country: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True
    )

    class Meta:
        model = Chairmanship
        fields = [
            "id",
            "body",
            "country",
            "edition",
            "start_year",
            "end_year",
            "handed_over_on",
            "source",
        ]


class TargetSerializer(serializers.ModelSerializer):
    plan: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )

    class Meta:
        model = Target
        fields = [
            "id",
            "plan",
            "description",
            "target_percent",
            "start_year",
            "end_year",
            "achieved_percent",
            "source",
        ]


class MilestoneSerializer(serializers.ModelSerializer):
    plan: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )

    class Meta:
        model = Milestone
        fields = [
            "id",
            "plan",
            "description",
            "responsible",
            "due_label",
            "due_date",
            "outcome",
            "achieved_on",
            "source",
        ]
