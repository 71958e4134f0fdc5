"""Login: Vietnamese messages, lockout per username and address with a cool-off, reset on
success, session expiry, Argon2 in production."""

from __future__ import annotations

import importlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.auth.hashers import Argon2PasswordHasher, check_password, make_password
from django.test import Client
from django.urls import reverse

from parindex.accounts.models import User
from parindex.accounts.roles import Role
from parindex.accounts.tests.conftest import PASSWORD
from parindex.accounts.tests.factories import user_with_role
from parindex.units.tests.factories import UnitFactory

LOGIN = "/tai-khoan/dang-nhap/"
START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def login(client: Client, username: str, password: str, ip: str = "10.0.0.1") -> Any:
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def fail(client: Client, username: str, times: int, ip: str = "10.0.0.1") -> list[int]:
    return [login(client, username, "sai-mat-khau", ip).status_code for _ in range(times)]


@pytest.fixture
def lan(db: Any) -> User:
    return user_with_role(Role.OFFICER, UnitFactory(), username="lan.sonlinh")


def test_login_page_is_vietnamese(client: Client, db: Any) -> None:
    page = client.get(LOGIN).content.decode()
    assert "Đăng nhập" in page and "Tên đăng nhập" in page and "Mật khẩu" in page
    assert "Quên mật khẩu?" in page


def test_wrong_password_message_is_vietnamese(client: Client, lan: User) -> None:
    response = login(client, "lan.sonlinh", "sai")
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()


def test_empty_fields_messages_are_vietnamese(client: Client, db: Any) -> None:
    page = client.post(LOGIN, {}, REMOTE_ADDR="10.0.0.1").content.decode()
    assert "Vui lòng nhập tên đăng nhập." in page
    assert "Vui lòng nhập mật khẩu." in page


def test_successful_login_redirects_home(client: Client, lan: User) -> None:
    response = login(client, "lan.sonlinh", PASSWORD)
    assert response.status_code == 302 and response.url == reverse("web:home")


def test_username_typed_with_capitals_still_logs_in(client: Client, lan: User) -> None:
    assert login(client, "Lan.SonLinh", PASSWORD).status_code == 302


def test_inactive_account_cannot_log_in(client: Client, lan: User) -> None:
    lan.is_active = False
    lan.save()
    assert login(client, "lan.sonlinh", PASSWORD).status_code == 200


@time_machine.travel(START, tick=False)
def test_lockout_after_five_failures_for_one_username_from_one_address(
    client: Client, lan: User
) -> None:
    assert fail(client, "lan.sonlinh", 4) == [200] * 4
    locked = login(client, "lan.sonlinh", "sai-mat-khau")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Tạm khóa đăng nhập" in page and "15 phút" in page
    # Even the right password is refused now, and the page still says so.
    again = login(client, "lan.sonlinh", PASSWORD)
    assert again.status_code == 429 and "Tạm khóa đăng nhập" in again.content.decode()
    assert "_auth_user_id" not in client.session


@time_machine.travel(START, tick=False)
def test_capitals_in_the_username_count_towards_the_same_lockout(client: Client, lan: User) -> None:
    for typed in ("Lan.sonlinh", "LAN.SONLINH", "lan.SonLinh", "Lan.SonLinh"):
        assert login(client, typed, "sai-mat-khau").status_code == 200
    assert login(client, "lan.sonlinh", "sai-mat-khau").status_code == 429


@time_machine.travel(START, tick=False)
def test_lockout_does_not_reach_another_address(client: Client, lan: User) -> None:
    fail(client, "lan.sonlinh", 5, ip="10.0.0.1")
    assert login(client, "lan.sonlinh", PASSWORD, ip="10.0.0.1").status_code == 429
    assert login(Client(), "lan.sonlinh", PASSWORD, ip="10.0.0.2").status_code == 302


@time_machine.travel(START, tick=False)
def test_lockout_does_not_reach_another_username(client: Client, lan: User) -> None:
    user_with_role(Role.OFFICER, UnitFactory(), username="mai.sonlinh")
    fail(client, "lan.sonlinh", 5)
    assert login(Client(), "mai.sonlinh", PASSWORD).status_code == 302


def test_lockout_ends_after_the_cool_off(client: Client, lan: User) -> None:
    with time_machine.travel(START, tick=False) as clock:
        fail(client, "lan.sonlinh", 5)
        clock.shift(timedelta(minutes=14))
        assert login(client, "lan.sonlinh", PASSWORD).status_code == 429
        # A try during the lockout starts the cool-off again.
        clock.shift(timedelta(minutes=14))
        assert login(client, "lan.sonlinh", PASSWORD).status_code == 429
        clock.shift(timedelta(minutes=15, seconds=1))
        assert login(client, "lan.sonlinh", PASSWORD).status_code == 302


@time_machine.travel(START, tick=False)
def test_successful_login_resets_the_failure_count(client: Client, lan: User) -> None:
    assert fail(client, "lan.sonlinh", 4) == [200] * 4
    assert login(client, "lan.sonlinh", PASSWORD).status_code == 302
    client.logout()
    assert fail(client, "lan.sonlinh", 4) == [200] * 4
    assert login(client, "lan.sonlinh", PASSWORD).status_code == 302


def test_session_expires_after_idle_time_and_sends_to_login_with_next(
    client: Client, lan: User
) -> None:
    url = reverse("accounts:my_account")
    age = timedelta(seconds=django_settings.SESSION_COOKIE_AGE)
    assert django_settings.SESSION_SAVE_EVERY_REQUEST
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(lan)
        assert client.get(url).status_code == 200
        # Activity keeps the session alive: each request saves it for another full period.
        clock.shift(age - timedelta(minutes=1))
        assert client.get(url).status_code == 200
        clock.shift(age - timedelta(minutes=1))
        assert client.get(url).status_code == 200
        clock.shift(age + timedelta(seconds=1))
        response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={url}"


def test_production_settings_hash_passwords_with_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
    production = importlib.import_module("config.settings.production")
    production = importlib.reload(production)
    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_argon2_hasher_hashes_and_verifies() -> None:
    hasher = Argon2PasswordHasher()
    encoded = hasher.encode("Mật-khẩu-Sơn-Lĩnh-2025", hasher.salt())
    assert encoded.startswith("argon2$argon2id$")
    assert hasher.verify("Mật-khẩu-Sơn-Lĩnh-2025", encoded)
    assert not hasher.verify("mat-khau-khac", encoded)


def test_argon2_passwords_log_in_when_argon2_is_the_default(
    client: Client, lan: User, settings: Any
) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    lan.password = make_password("Sen-hong-2025!")
    lan.save()
    assert lan.password.startswith("argon2$")
    assert check_password("Sen-hong-2025!", lan.password)
    assert login(client, "lan.sonlinh", "Sen-hong-2025!").status_code == 302
