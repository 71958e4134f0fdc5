"""``manage.py evidence_sweep``: remove stored evidence files no document row names."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from parindex.evidence.sweep import GRACE, sweep_orphan_files


class Command(BaseCommand):
    help = (
        "Xóa các tệp tài liệu kiểm chứng đã lưu mà không có tài liệu nào trỏ tới (còn sót lại "
        "khi máy chủ dừng giữa lúc tải lên), chỉ những tệp cũ hơn thời gian chờ."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than-minutes",
            type=int,
            default=int(GRACE.total_seconds() // 60),
            help="Chỉ xóa tệp lưu cách đây hơn chừng này phút (mặc định %(default)s).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Chỉ in ra các tệp sẽ xóa, không xóa gì."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        minutes = options["older_than_minutes"]
        if minutes < 0:
            raise CommandError("--older-than-minutes phải là số phút không âm.")
        dry_run = bool(options["dry_run"])
        report = sweep_orphan_files(older_than=timedelta(minutes=minutes), dry_run=dry_run)
        verb = "Sẽ xóa" if dry_run else "Đã xóa"
        for name in report.removed:
            self.stdout.write(f"{verb}: {name}")
        for name in report.failed:
            self.stderr.write(f"Không xóa được: {name}")
        for name in report.missing:
            self.stderr.write(f"Tài liệu có trong cơ sở dữ liệu nhưng thiếu tệp: {name}")
        when = timezone.localtime().strftime("%d/%m/%Y %H:%M")
        summary = (
            f"{when} — {verb.lower()} {len(report.removed)} tệp không có tài liệu; giữ lại "
            f"{len(report.young)} tệp không có tài liệu nhưng mới lưu trong {minutes} phút; "
            f"{report.with_row} tệp có tài liệu."
        )
        if report.failed:
            summary += f" Không xóa được {len(report.failed)} tệp."
        if report.missing:
            summary += f" {len(report.missing)} tài liệu thiếu tệp."
        if dry_run:
            summary += " Chạy thử (--dry-run): chưa xóa gì."
        self.stdout.write(summary)
