"""The demo province: loading twice duplicates nothing; the printed accounts log in; and
`make run`'s steps (migrate, load, serve) answer on the chosen port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.test import Client

from parindex.accounts.models import Membership, User
from parindex.accounts.roles import Role
from parindex.demo import data
from parindex.demo.load import load_accounts, load_demo
from parindex.units.models import Unit

REPO = Path(__file__).resolve().parents[2]


def test_loading_twice_duplicates_nothing(demo: None) -> None:
    counts = (Unit.objects.count(), User.objects.count(), Membership.objects.count())
    load_demo()
    assert (Unit.objects.count(), User.objects.count(), Membership.objects.count()) == counts
    assert (
        Unit.objects.filter(kind__in=["xa", "phuong", "dac_khu"], valid_to__isnull=True).count()
        >= 30
    )
    assert Unit.objects.filter(kind="so_nganh").count() >= 15


def test_demo_has_one_account_per_role_and_each_logs_in(demo: None) -> None:
    printed = load_accounts()
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    assert len(printed) == len(data.ACCOUNTS)
    for username, *_ in printed:
        client = Client()
        response = client.post(
            "/tai-khoan/dang-nhap/",
            {"username": username, "password": data.DEMO_PASSWORD},
            REMOTE_ADDR="127.0.0.9",
        )
        assert response.status_code == 302, username
        home = client.get("/")
        assert home.status_code == 200
        assert "Xin chào" in home.content.decode()


def test_merged_communes_point_to_their_successor(demo: None) -> None:
    son_linh = Unit.objects.get(code="son-linh")
    assert {u.code for u in son_linh.predecessors.all()} == {
        c for c, _ in data.MERGED_INTO_SON_LINH
    }


@pytest.mark.django_db
def test_tests_without_the_demo_see_none_of_it() -> None:
    """The tests that read the demo run first in a session, on one load; it is rolled back
    before this one."""
    assert not Unit.objects.filter(code__in=[c for c, _n, _k in data.COMMUNES]).exists()
    assert not User.objects.filter(username__in=[a[0] for a in data.ACCOUNTS]).exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_make_run_steps_serve_home_and_healthz(tmp_path: Path) -> None:
    """migrate + demo_load + runserver on PORT, against a fresh embedded SQLite database."""
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "PARINDEX_VAR_DIR": str(tmp_path),
        "PORT": str(port),
    }
    env.pop("DATABASE_URL", None)
    py = sys.executable
    for args in (["migrate", "--noinput", "-v0"], ["demo_load"]):
        subprocess.run([py, "manage.py", *args], cwd=REPO, env=env, check=True, capture_output=True)
    accounts = subprocess.run(
        [py, "manage.py", "demo_accounts"],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert data.DEMO_PASSWORD in accounts and "sonv.thuongtruc" in accounts
    server = subprocess.Popen(
        [py, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        status = None
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    status = r.status
                    break
            except OSError:
                time.sleep(0.3)
        assert status == 200
        with urllib.request.urlopen(
            f"http://127.0.0.1:{port}/tai-khoan/dang-nhap/", timeout=5
        ) as r:
            assert r.status == 200
            assert "Đăng nhập" in r.read().decode()
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert (tmp_path / "parindex.sqlite3").exists()
