from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "parindex.assessments"
    label = "assessments"
    verbose_name = "Tự đánh giá, chấm điểm"

    def ready(self) -> None:
        from parindex.web.panels import PANEL_HOOKS

        from . import audit_actions  # noqa: F401 - declares the audit actions
        from .panels import assessment_panel

        if assessment_panel not in PANEL_HOOKS:
            PANEL_HOOKS.append(assessment_panel)
