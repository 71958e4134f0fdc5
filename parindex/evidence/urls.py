from django.urls import path

from . import views

app_name = "evidence"
urlpatterns = [
    path("", views.home, name="home"),
    path("don-vi/<slug:unit_code>/", views.library, name="library"),
    path("don-vi/<slug:unit_code>/tai-len/", views.upload, name="upload"),
    path("don-vi/<slug:unit_code>/xac-nhan/", views.confirm, name="confirm"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/xem/", views.preview, name="preview"),
    path("<int:pk>/tai-ve/", views.download, name="download"),
    path("<int:pk>/xoa/", views.delete, name="delete"),
    path("ho-so/<int:assessment_id>/", views.overview, name="overview"),
    path("ho-so/<int:assessment_id>/tong-hop/", views.overview_summary, name="overview_summary"),
    path("ho-so/<int:assessment_id>/tieu-chi/<str:code>/", views.node_panel, name="node_panel"),
    path(
        "ho-so/<int:assessment_id>/tieu-chi/<str:code>/tim/",
        views.node_search,
        name="node_search",
    ),
    path(
        "ho-so/<int:assessment_id>/tieu-chi/<str:code>/gan/",
        views.node_attach,
        name="node_attach",
    ),
    path(
        "ho-so/<int:assessment_id>/tieu-chi/<str:code>/go/",
        views.node_detach,
        name="node_detach",
    ),
    path(
        "ho-so/<int:assessment_id>/tieu-chi/<str:code>/tai-len/",
        views.node_upload,
        name="node_upload",
    ),
]
