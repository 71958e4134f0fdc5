"""Passwords: reset by the organiser (temporary, must change at next login), reset by e-mail,
the must-change redirect, and temporary passwords kept out of the audit log."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from parindex.accounts import services
from parindex.accounts.passwords import temporary_password
from parindex.accounts.tests.conftest import PASSWORD, Province
from parindex.core.errors import PermissionDenied, ServiceError
from parindex.core.models import AuditEntry

LOGIN = "/tai-khoan/dang-nhap/"
NEW = "Sen-hong-Ha-Tinh-2025"


def login(client: Client, username: str, password: str, ip: str = "10.0.0.9") -> Any:
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_temporary_passwords_are_readable_and_random() -> None:
    samples = {temporary_password() for _ in range(200)}
    assert len(samples) == 200
    for pw in samples:
        assert re.fullmatch(
            r"[bcdghkmnprstvx][aeuy][bcdghkmnprstvx][aeuy]-"
            r"[bcdghkmnprstvx][aeuy][bcdghkmnprstvx][aeuy]-[2-9]{4}",
            pw,
        )
        assert not set(pw) & set("01loiIO")


def test_reset_by_manager_then_must_change_at_next_login(province: Province) -> None:
    organiser, officer = province["organiser"], province["officer"]
    manager = Client()
    manager.force_login(organiser)
    response = manager.post(reverse("accounts:user_password_reset", args=[officer.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("no-store")
    temporary = response.context["password"]
    assert temporary in response.content.decode()
    officer.refresh_from_db()
    assert officer.must_change_password
    assert not officer.check_password(PASSWORD)

    person = Client()
    assert login(person, officer.username, temporary).status_code == 302
    home = person.get("/")
    change_url = reverse("accounts:password_change")
    assert home.status_code == 302 and home.url == f"{change_url}?next=%2F"
    # Other pages too, until the password is changed.
    assert person.get(reverse("accounts:my_account")).status_code == 302
    page = person.get(home.url)
    assert page.status_code == 200 and "mật khẩu tạm" in page.content.decode()
    done = person.post(
        home.url,
        {"old_password": temporary, "new_password1": NEW, "new_password2": NEW, "next": "/"},
    )
    assert done.status_code == 302 and done.url == "/"
    officer.refresh_from_db()
    assert not officer.must_change_password and officer.check_password(NEW)
    assert person.get("/").status_code == 200


def test_password_change_errors_are_vietnamese(province: Province, client: Client) -> None:
    client.force_login(province["officer"])
    page = client.post(
        reverse("accounts:password_change"),
        {"old_password": "sai", "new_password1": "123", "new_password2": "123"},
    ).content.decode()
    assert "Mật khẩu hiện tại không đúng." in page
    assert "Mật khẩu quá ngắn: cần ít nhất 8 ký tự." in page
    assert "Mật khẩu không được chỉ gồm chữ số." in page


def test_reset_by_manager_lifts_a_lockout(province: Province) -> None:
    officer = province["officer"]
    person = Client()
    for _ in range(5):
        login(person, officer.username, "sai-mat-khau")
    assert login(person, officer.username, PASSWORD).status_code == 429
    temporary = services.password_reset_by_manager(actor=province["organiser"], user=officer)
    assert login(person, officer.username, temporary).status_code == 302


def test_reset_by_manager_needs_the_person_in_scope(province: Province) -> None:
    with pytest.raises(PermissionDenied):
        services.password_reset_by_manager(
            actor=province["organiser"], user=province["foreign_officer"]
        )
    with pytest.raises(PermissionDenied):
        services.password_reset_by_manager(actor=province["head"], user=province["officer"])
    with pytest.raises(PermissionDenied):
        services.password_reset_by_manager(actor=province["organiser"], user=province["admin"])
    with pytest.raises(ServiceError):
        services.password_reset_by_manager(actor=province["organiser"], user=province["organiser"])


def test_temporary_password_never_reaches_the_audit_log(province: Province) -> None:
    temporary = services.password_reset_by_manager(
        actor=province["organiser"], user=province["officer"]
    )
    entry = AuditEntry.objects.get(action="user.password_reset")
    assert entry.actor == province["organiser"]
    assert entry.changes == {"must_change_password": [False, True]}
    dumped = " ".join(str(e.changes) for e in AuditEntry.objects.all())
    assert temporary not in dumped


def test_middleware_answers_htmx_with_a_redirect_header(province: Province, client: Client) -> None:
    officer = province["officer"]
    officer.must_change_password = True
    officer.save()
    client.force_login(officer)
    response = client.get("/", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("accounts:password_change"))
    assert client.post(reverse("accounts:logout")).status_code == 302


def test_argon2_temporary_password_is_upgraded_at_first_login(
    province: Province, settings: Any
) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    officer = province["officer"]
    temporary = services.password_reset_by_manager(actor=province["organiser"], user=officer)
    officer.refresh_from_db()
    assert officer.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert login(Client(), officer.username, temporary).status_code == 302
    officer.refresh_from_db()
    assert officer.password.startswith("argon2$argon2id$v=19$m=102400,t=2,p=8$")


# --- reset by e-mail -------------------------------------------------------------------------


def _reset_link(message: mail.EmailMessage) -> str:
    found = re.search(r"https?://testserver(/tai-khoan/quen-mat-khau/dat-lai/\S+/)", message.body)
    assert found, message.body
    return found.group(1)


@pytest.mark.parametrize("typed", ["lan@sonlinh.gov.vn", "LAN@SONLINH.GOV.VN", "t.officer"])
def test_email_reset_sends_a_working_link(
    province: Province, client: Client, mailoutbox: list[Any], typed: str
) -> None:
    officer = province["officer"]
    officer.email = "lan@sonlinh.gov.vn"
    officer.must_change_password = True
    officer.save()
    response = client.post(reverse("accounts:password_reset"), {"email": typed})
    assert response.status_code == 302 and response.url == reverse("accounts:password_reset_done")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["lan@sonlinh.gov.vn"]
    assert "Đặt lại mật khẩu" in message.subject and "t.officer" in message.body

    link = _reset_link(message)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(set_url, {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302 and done.url == reverse("accounts:password_reset_complete")
    assert "Đã đặt mật khẩu mới" in client.get(done.url).content.decode()
    officer.refresh_from_db()
    assert officer.check_password(NEW) and not officer.must_change_password
    assert AuditEntry.objects.filter(action="user.password_change", actor=officer).exists()
    # The link works once.
    again = client.get(link, follow=True)
    assert not again.context["validlink"]
    assert "không hợp lệ" in again.content.decode()


def test_email_reset_for_a_person_without_email_sends_nothing_and_points_to_organiser(
    province: Province, client: Client, mailoutbox: list[Any]
) -> None:
    assert province["officer"].email == ""
    response = client.post(reverse("accounts:password_reset"), {"email": "t.officer"}, follow=True)
    assert mailoutbox == []
    page = response.content.decode()
    assert "chưa có e-mail" in page and "cơ quan tổ chức đánh giá" in page


def test_email_reset_page_is_vietnamese(client: Client, db: Any) -> None:
    page = client.get(reverse("accounts:password_reset")).content.decode()
    assert "Quên mật khẩu" in page and "E-mail hoặc tên đăng nhập" in page
    assert "Tài khoản không có e-mail" in page


def test_email_reset_ignores_inactive_people(
    province: Province, client: Client, mailoutbox: list[Any]
) -> None:
    officer = province["officer"]
    officer.email = "lan@sonlinh.gov.vn"
    officer.is_active = False
    officer.save()
    client.post(reverse("accounts:password_reset"), {"email": "t.officer"})
    client.post(reverse("accounts:password_reset"), {"email": "lan@sonlinh.gov.vn"})
    assert mailoutbox == []
