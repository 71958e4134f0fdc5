"""`manage.py demo_accounts`: create (once) and print the demo accounts, one per role."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from parindex.demo import data
from parindex.demo.load import load_accounts


class Command(BaseCommand):
    help = "In các tài khoản minh họa (mỗi vai trò một tài khoản)."

    def handle(self, *args: Any, **options: Any) -> None:
        rows = load_accounts()
        width = max(len(r[0]) for r in rows)
        self.stdout.write("")
        self.stdout.write(f"Tài khoản minh họa — mật khẩu chung: {data.DEMO_PASSWORD}")
        for username, role, unit in rows:
            self.stdout.write(f"  {username.ljust(width)}  {role} — {unit}")
        self.stdout.write("")
