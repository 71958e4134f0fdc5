from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "parindex.units"
    label = "units"
    verbose_name = "Đơn vị"

    def ready(self) -> None:
        from . import audit_actions  # noqa: F401
