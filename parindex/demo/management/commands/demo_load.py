"""`manage.py demo_load`: load the demo province (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from parindex.demo.load import load_demo


class Command(BaseCommand):
    help = "Nạp dữ liệu minh họa (tỉnh Sơn Hà); chạy lại không tạo bản trùng."

    def handle(self, *args: Any, **options: Any) -> None:
        load_demo()
        self.stdout.write("Đã nạp dữ liệu minh họa.")
