from django.urls import path

from .views import browse, comments, compare, edit, upload

app_name = "frameworks"
urlpatterns = [
    path("", browse.version_list, name="list"),
    path("tai-len/", upload.upload, name="upload"),
    path("tai-len/xac-nhan/", upload.upload_confirm, name="upload_confirm"),
    path("so-sanh/", compare.compare, name="compare"),
    path("so-sanh/xlsx/", compare.compare_xlsx, name="compare_xlsx"),
    path("<int:pk>/", browse.version_detail, name="detail"),
    path("<int:pk>/yaml/", browse.download_yaml, name="download_yaml"),
    path("<int:pk>/xlsx/", browse.download_xlsx, name="download_xlsx"),
    path("<int:pk>/phieu/<str:code>/", browse.download_questionnaire, name="questionnaire"),
    path("<int:pk>/nhap-lai/", upload.reimport, name="reimport"),
    path("<int:pk>/sao-chep/", edit.clone, name="clone"),
    path("<int:pk>/xoa/", edit.delete, name="delete"),
    path("<int:pk>/tieu-chi/<str:code>/sua/", edit.node_edit, name="node_edit"),
    path("<int:pk>/lay-y-kien/", comments.invitations, name="invitations"),
    path("<int:pk>/gop-y/", comments.unit_comments, name="unit_comments"),
    path("<int:pk>/y-kien/", comments.comments_overview, name="comments"),
    path("<int:pk>/y-kien/<int:comment_id>/", comments.comment_handle, name="comment_handle"),
]
