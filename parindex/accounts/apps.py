from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "parindex.accounts"
    label = "accounts"
    verbose_name = "Tài khoản và vai trò"

    def ready(self) -> None:
        from . import audit_actions  # noqa: F401
