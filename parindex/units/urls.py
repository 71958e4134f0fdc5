from django.urls import path

from . import api, views

app_name = "units"
# Fixed paths first: their names are reserved as unit codes (validators.RESERVED_CODES).
urlpatterns = [
    path("", views.unit_list_view, name="list"),
    path("them/", views.unit_create, name="create"),
    path("nhap/", views.unit_import, name="import"),
    path("nhap/xac-nhan/", views.unit_import_confirm, name="import_confirm"),
    path("xuat/", views.unit_export, name="export"),
    path("mau/", views.unit_template, name="template"),
    path("api/", api.UnitListAPIView.as_view(), name="api_list"),
    path("<slug:code>/", views.unit_detail, name="detail"),
    path("<slug:code>/sua/", views.unit_edit, name="edit"),
]
