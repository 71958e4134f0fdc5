from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "parindex.campaigns"
    label = "campaigns"
    verbose_name = "Đợt xác định chỉ số"
