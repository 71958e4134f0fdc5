from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("dang-xuat/", views.LogoutView.as_view(), name="logout"),
    path("doi-mat-khau/", views.PasswordChangeView.as_view(), name="password_change"),
    path("quen-mat-khau/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "quen-mat-khau/da-gui/", views.PasswordResetDoneView.as_view(), name="password_reset_done"
    ),
    path(
        "quen-mat-khau/dat-lai/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "quen-mat-khau/xong/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("cua-toi/", views.my_account, name="my_account"),
    path("nguoi-dung/", views.user_list, name="user_list"),
    path("nguoi-dung/them/", views.user_create, name="user_create"),
    path("nguoi-dung/<int:pk>/", views.user_detail, name="user_detail"),
    path("nguoi-dung/<int:pk>/sua/", views.user_update, name="user_update"),
    path("nguoi-dung/<int:pk>/khoa/", views.user_deactivate, name="user_deactivate"),
    path("nguoi-dung/<int:pk>/mo-khoa/", views.user_reactivate, name="user_reactivate"),
    path(
        "nguoi-dung/<int:pk>/cap-lai-mat-khau/",
        views.user_password_reset,
        name="user_password_reset",
    ),
    path("nguoi-dung/<int:pk>/giao-vai-tro/", views.membership_grant, name="membership_grant"),
    path("vai-tro/<int:pk>/thu-hoi/", views.membership_revoke, name="membership_revoke"),
    path("tao-hang-loat/", views.bulk_upload, name="bulk_upload"),
    path("tao-hang-loat/mau.xlsx", views.bulk_template, name="bulk_template"),
    path("tao-hang-loat/xac-nhan/", views.bulk_confirm, name="bulk_confirm"),
    path("tao-hang-loat/tai-mat-khau/", views.bulk_download, name="bulk_download"),
]
