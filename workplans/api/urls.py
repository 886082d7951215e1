"""/api/v1/: the endpoints, the OpenAPI schema and its documentation page."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from . import docs, views

router = DefaultRouter()
router.include_format_suffixes = False
router.register("bodies", views.BodyViewSet, basename="body")
router.register("plans", views.PlanViewSet, basename="plan")
router.register("projects", views.ProjectViewSet, basename="project")
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("reports", views.ReportViewSet, basename="report")
router.register("chairs", views.ChairViewSet, basename="chair")
router.register("targets", views.TargetViewSet, basename="target")
router.register("milestones", views.MilestoneViewSet, basename="milestone")

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs.api_docs, name="docs"),
    path("", include(router.urls)),
]
