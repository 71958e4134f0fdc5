"""Web-side numbers on the demo province, in a throw-away embedded SQLite database:
loading the demo, rendering the scoring page of a full commune set, autosaving an entry,
rendering the organiser's progress board. Prints milliseconds per operation and queries."""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
os.environ["PARINDEX_VAR_DIR"] = tempfile.mkdtemp(prefix="parindex-bench-")
os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
os.environ.pop("DATABASE_URL", None)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402


def timed(label: str, fn: Any, runs: int) -> None:
    times = []
    queries = 0
    for _ in range(runs):
        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            fn()
            times.append((time.perf_counter() - start) * 1000)
        queries = len(ctx.captured_queries)
    print(
        f"{label:<46} median {statistics.median(times):8.1f} ms"
        f"   min {min(times):8.1f} ms   {queries:3d} truy vấn   ({runs} lần)"
    )


def main() -> None:
    start = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"{'tạo CSDL SQLite (migrate)':<46} {1000 * (time.perf_counter() - start):8.1f} ms")
    from parindex.accounts.models import User
    from parindex.assessments.models import Assessment
    from parindex.assessments.services import entry_save
    from parindex.demo.load import load_demo

    start = time.perf_counter()
    load_demo()
    print(f"{'nạp tỉnh minh họa (lần đầu)':<46} {1000 * (time.perf_counter() - start):8.1f} ms")
    start = time.perf_counter()
    load_demo()
    print(f"{'nạp lại (không tạo gì mới)':<46} {1000 * (time.perf_counter() - start):8.1f} ms")

    focal = User.objects.get(username="sonlinh.daumoi")
    organiser = User.objects.get(username="sonv.thuongtruc")
    assessment = Assessment.objects.get(assessed_unit__unit__code="son-linh")
    client = Client()
    client.force_login(focal)
    page = reverse("assessments:detail", args=[assessment.pk])

    def get(c: Client, url: str) -> None:
        response = c.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: {response.status_code}")

    timed("trang chấm điểm (bộ xã đầy đủ, 45 lá)", lambda: get(client, page), 20)

    counter = iter(range(10_000))

    def save() -> None:
        from parindex.assessments.models import Entry

        entry = Entry.objects.filter(assessment=assessment, node_code="1.2").first()
        entry_save(
            actor=focal,
            assessment=assessment,
            node_code="1.2",
            raw_inputs={"late_reports": str(next(counter) % 4)},
            expected_revision=entry.revision if entry else 0,
        )

    timed("tự động lưu một tiêu chí (entry_save)", save, 50)
    board_client = Client()
    board_client.force_login(organiser)
    board = reverse("assessments:board", args=[assessment.assessed_unit.campaign.slug])
    timed("bảng tiến độ của cơ quan tổ chức (~48 đơn vị)", lambda: get(board_client, board), 20)


if __name__ == "__main__":
    main()
