from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "parindex.evidence"
    label = "evidence"
    verbose_name = "Tài liệu kiểm chứng"

    def ready(self) -> None:
        from . import audit_actions, receivers  # noqa: F401

        receivers.connect()
