from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "parindex.units"
    label = "units"
    verbose_name = "Đơn vị"
