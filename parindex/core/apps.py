from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "parindex.core"
    label = "core"
    verbose_name = "Lõi hệ thống"
