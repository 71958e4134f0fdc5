from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path("", views.home, name="home"),
    path("cua-toi/", views.mine, name="mine"),
    path("don-vi/<int:pk>/", views.open_assessed, name="open"),
    path("dot/<slug:slug>/tien-do/", views.board, name="board"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/tieu-chi/<str:code>/xem-diem/", views.preview, name="preview"),
    path("<int:pk>/tieu-chi/<str:code>/luu/", views.save, name="save"),
    path("<int:pk>/phan-cong/", views.assign, name="assign"),
    path("<int:pk>/gui/", views.submit, name="submit"),
    path("<int:pk>/tra-lai/", views.return_, name="return"),
    path("<int:pk>/thao-tac/<slug:action>/", views.act, name="act"),
    path("<int:pk>/ban-gui/", views.submissions, name="submissions"),
    path("<int:pk>/ban-gui/<int:number>.json", views.submission_json, name="submission_json"),
    path("<int:pk>/nhat-ky/", views.audit, name="audit"),
    path("<int:pk>/excel/", views.export, name="export"),
    path("<int:pk>/excel/nhap/", views.import_, name="import"),
]
