from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "parindex.campaigns"
    label = "campaigns"
    verbose_name = "Đợt xác định chỉ số"

    def ready(self) -> None:
        from parindex.web.panels import PANEL_HOOKS

        from . import audit_actions  # noqa: F401
        from .panels import campaign_panel

        if campaign_panel not in PANEL_HOOKS:
            PANEL_HOOKS.append(campaign_panel)
