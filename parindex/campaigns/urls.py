from django.urls import path

from . import views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("tao-moi/", views.campaign_create, name="create"),
    path("<slug:slug>/", views.campaign_detail, name="detail"),
    path("<slug:slug>/sua/", views.campaign_edit, name="edit"),
    path("<slug:slug>/mo/", views.campaign_open, name="open"),
    path("<slug:slug>/ket-thuc/", views.campaign_close, name="close"),
    path("<slug:slug>/nhom/", views.group_list, name="groups"),
    path("<slug:slug>/nhom/<int:pk>/sua/", views.group_edit, name="group_edit"),
    path("<slug:slug>/nhom/<int:pk>/xoa/", views.group_delete, name="group_delete"),
    path("<slug:slug>/danh-sach-don-vi/", views.unit_list, name="units"),
    path("<slug:slug>/danh-sach-don-vi/them-nhieu/", views.unit_bulk_add, name="units_bulk"),
    path("<slug:slug>/danh-sach-don-vi/<int:pk>/sua/", views.unit_move, name="unit_move"),
    path("<slug:slug>/danh-sach-don-vi/<int:pk>/bo/", views.unit_remove, name="unit_remove"),
    path("<slug:slug>/giai-doan/", views.phase_list, name="phases"),
    path("<slug:slug>/giai-doan/<slug:kind>/thoi-gian/", views.phase_dates, name="phase_dates"),
    path(
        "<slug:slug>/giai-doan/<slug:kind>/gia-han/",
        views.exception_grant,
        name="exception_grant",
    ),
    path(
        "<slug:slug>/giai-doan/<slug:kind>/<slug:action>/",
        views.phase_action,
        name="phase_action",
    ),
    path("<slug:slug>/gia-han/<int:pk>/thu-hoi/", views.exception_revoke, name="exception_revoke"),
    path("<slug:slug>/khong-ap-dung/", views.na_list, name="na"),
    path("<slug:slug>/khong-ap-dung/<int:pk>/rut/", views.na_withdraw, name="na_withdraw"),
    path("<slug:slug>/ke-hoach/", views.plan, name="plan"),
    path("<slug:slug>/nhiem-vu/<int:pk>/sua/", views.task_edit, name="task_edit"),
    path("<slug:slug>/nhiem-vu/<int:pk>/xoa/", views.task_delete, name="task_delete"),
    path("<slug:slug>/nhiem-vu/<int:pk>/tinh-trang/", views.task_status, name="task_status"),
    path(
        "<slug:slug>/nhiem-vu/<int:pk>/chuyen/<slug:direction>/",
        views.task_move,
        name="task_move",
    ),
    path("<slug:slug>/don-vi/<slug:code>/", views.unit_dashboard, name="unit_dashboard"),
    path("<slug:slug>/don-vi/<slug:code>/ke-hoach/", views.plan, name="unit_plan"),
]
