"""The tracker's data: who cooperates, their work plans, projects, meetings and reports."""

from ..statuses import ProjectStatus
from .bodies import Body, Chairmanship, Country, CountryGroup, Profile
from .meetings import Meeting, MeetingKind
from .plans import Milestone, PriorityArea, ReportChange, StatusReport, Target, WorkPlan
from .projects import Project, StatusChange
from .rounds import Reminder, ReportingRound, RoundEvent, StatusSubmission

__all__ = [
    "Body",
    "Chairmanship",
    "Country",
    "CountryGroup",
    "Meeting",
    "MeetingKind",
    "Milestone",
    "PriorityArea",
    "Profile",
    "Project",
    "ProjectStatus",
    "StatusChange",
    "ReportChange",
    "Reminder",
    "ReportingRound",
    "RoundEvent",
    "StatusSubmission",
    "StatusReport",
    "Target",
    "WorkPlan",
]
