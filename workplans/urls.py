from django.urls import include, path

from .views import countries, imports, meetings, plans, projects, reconcile, rounds, tables

app_name = "workplans"

project_urls = [
    path("", projects.project_detail, name="project_detail"),
    path("status/", projects.project_status, name="project_status"),
    path("confirm/", projects.project_confirm, name="project_confirm"),
    path("adopt/", projects.adopt_proposal, name="proposal_adopt"),
    path("decline/", projects.decline_proposal, name="proposal_decline"),
]

urlpatterns = [
    path("", plans.dashboard, name="dashboard"),
    path("plans/<slug:slug>/", plans.plan_detail, name="plan_detail"),
    path("projects/<int:pk>/", include(project_urls)),
    path("proposals/new/", projects.propose, name="proposal_create"),
    path("meetings/", meetings.meeting_list, name="meeting_list"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/record/", meetings.record_figures, name="record_figures"),
    path("chairs/", meetings.chairs, name="chairs"),
    path("targets/", plans.targets, name="targets"),
    path("reconcile/", reconcile.reconcile, name="reconcile"),
    # The reporting round before a meeting, and the review of submitted changes.
    path("rounds/", rounds.round_list, name="round_list"),
    path("rounds/<int:pk>/", rounds.round_detail, name="round_detail"),
    path("rounds/<int:pk>/close/", rounds.round_close, name="round_close"),
    path("rounds/<int:pk>/reopen/", rounds.round_reopen, name="round_reopen"),
    path("reviews/", rounds.review_queue, name="review_queue"),
    path("reviews/<int:pk>/approve/", rounds.review_approve, name="review_approve"),
    path("reviews/<int:pk>/return/", rounds.review_return, name="review_return"),
    path("my-projects/", countries.my_projects, name="my_projects"),
    path("countries/", countries.status_by_country, name="status_by_country"),
    path("countries/<str:code>/", countries.country_projects, name="country_projects"),
    # Filtered tables, exports (?_export=xlsx|csv|json|ods) and the meeting annex.
    path("projects/", tables.project_list, name="project_list"),
    path("plans/<slug:slug>/projects/", tables.project_list, name="plan_projects"),
    path("progress/", tables.progress_table, name="progress_table"),
    path("annex/", tables.annex, name="annex"),
    path("annex/pdf/", tables.annex_pdf, name="annex_pdf"),
    path("annex/<slug:body_code>/", tables.annex, name="annex_body"),
    path("annex/<slug:body_code>/pdf/", tables.annex_pdf, name="annex_body_pdf"),
    # Spreadsheet imports: upload, preview, confirm; and their templates.
    path("imports/", imports.index, name="import_index"),
    path("imports/confirm/", imports.confirm, name="import_confirm"),
    path(
        "imports/<slug:kind>/template.<str:fmt>", imports.template_download, name="import_template"
    ),
    path("imports/<slug:kind>/", imports.upload, name="import_upload"),
]
