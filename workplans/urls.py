from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("plans/<slug:slug>/", views.plan_detail, name="plan_detail"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
]
