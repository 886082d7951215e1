from django.urls import path

from . import country_views, import_views, table_views, views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("plans/<slug:slug>/", views.plan_detail, name="plan_detail"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/status/", views.project_status, name="project_status"),
    path("projects/<int:pk>/adopt/", views.adopt_proposal, name="proposal_adopt"),
    path("projects/<int:pk>/decline/", views.decline_proposal, name="proposal_decline"),
    path("proposals/new/", views.propose, name="proposal_create"),
    path("my-projects/", country_views.my_projects, name="my_projects"),
    path("countries/", country_views.status_by_country, name="status_by_country"),
    path("countries/<str:code>/", country_views.country_projects, name="country_projects"),
    # Filtered tables, exports (?_export=xlsx|csv|json|ods) and the meeting annex.
    path("projects/", table_views.project_list, name="project_list"),
    path(
        "plans/<slug:slug>/projects/",
        table_views.project_list,
        name="plan_projects",
    ),
    path("progress/", table_views.progress_table, name="progress_table"),
    path("annex/", table_views.annex, name="annex"),
    path("annex/pdf/", table_views.annex_pdf, name="annex_pdf"),
    path("annex/<slug:body_code>/", table_views.annex, name="annex_body"),
    path("annex/<slug:body_code>/pdf/", table_views.annex_pdf, name="annex_body_pdf"),
    # Spreadsheet imports: upload, preview, confirm; and their templates.
    path("imports/", import_views.index, name="import_index"),
    path("imports/confirm/", import_views.confirm, name="import_confirm"),
    path(
        "imports/<slug:kind>/template.<str:fmt>",
        import_views.template_download,
        name="import_template",
    ),
    path("imports/<slug:kind>/", import_views.upload, name="import_upload"),
]
