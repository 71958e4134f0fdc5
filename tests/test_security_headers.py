"""HTTP headers and production settings.

* Every page carries a Content-Security-Policy without inline or eval'd script and style, so no
  template may hold inline <script>/<style> blocks, style="" or on…="" attributes (the shared
  behaviours are in web/app.js, asked for with data- attributes); the evidence file views keep
  their own stricter sandboxing policy.
* Pages for signed-in people, and the sign-in and password pages, are sent with
  ``Cache-Control: no-store``; static files and responses that chose their own are left alone.
* Production refuses a guessable DJANGO_SECRET_KEY and turns on one year of HSTS with HTTPS.
* The API schema is for signed-in people only.
* In Chromium: no page reports a Content Security Policy violation, and confirmation dialogs
  still ask (cancelling sends nothing).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

from config.settings.secret import KNOWN_KEYS, check_secret_key
from parindex.accounts.models import User
from parindex.accounts.tests.factories import UserFactory
from parindex.demo import data as demo_data
from parindex.demo.load import load_demo
from parindex.evidence.models import EvidenceDocument
from parindex.evidence.views.documents import SANDBOX_CSP
from tests.test_page_matrix import csp_directives, csp_problems

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = sorted(REPO.glob("parindex/**/templates/**/*.html"))
SCRIPTS = sorted(
    p for p in REPO.glob("parindex/**/static/**/*.js") if "vendor" not in p.relative_to(REPO).parts
)


# --- Templates and scripts: nothing the policy would block ------------------------------------

INLINE_IN_TEMPLATES = {
    "style attribute": re.compile(r"""\sstyle\s*=\s*["']""", re.IGNORECASE),
    "event handler attribute": re.compile(r"""\son[a-z]+\s*=\s*["']""", re.IGNORECASE),
    "inline <script> block": re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.IGNORECASE),
    "<style> block": re.compile(r"<style\b", re.IGNORECASE),
    "htmx hx-on (evaluated script)": re.compile(r"\b(?:data-)?hx-on", re.IGNORECASE),
    "javascript: / js: expression": re.compile(r"""["'](?:javascript|js):""", re.IGNORECASE),
}


def test_templates_are_found() -> None:
    assert len(TEMPLATES) > 50
    assert any(p.name == "base.html" for p in TEMPLATES)


def test_templates_have_no_inline_script_style_or_handlers() -> None:
    found = []
    for path in TEMPLATES:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for what, pattern in INLINE_IN_TEMPLATES.items():
                if pattern.search(line):
                    found.append(f"{path.relative_to(REPO)}:{number}: {what}: {line.strip()}")
    assert found == []


BLOCKED_IN_SCRIPTS = {
    "style attribute set as text": re.compile(
        r"""setAttribute\(\s*["']style|style\s*=\s*\\?["']|<style""", re.IGNORECASE
    ),
    "eval": re.compile(r"\beval\s*\(|new\s+Function\s*\(|set(?:Timeout|Interval)\(\s*[\"']"),
}


def test_scripts_use_nothing_the_policy_blocks() -> None:
    assert SCRIPTS, "no project scripts found"
    found = []
    for path in SCRIPTS:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for what, pattern in BLOCKED_IN_SCRIPTS.items():
                if pattern.search(line):
                    found.append(f"{path.relative_to(REPO)}:{number}: {what}: {line.strip()}")
    assert found == []


def test_base_page_loads_the_shared_script_and_turns_off_htmx_inline_style_and_eval() -> None:
    base = (REPO / "parindex/web/templates/web/base.html").read_text(encoding="utf-8")
    assert "{% static 'web/app.js' %}" in base
    meta = re.search(r"""<meta name="htmx-config" content='([^']*)'>""", base)
    assert meta is not None
    assert json.loads(meta.group(1)) == {"includeIndicatorStyles": False, "allowEval": False}
    app_css = (REPO / "parindex/web/static/web/app.css").read_text(encoding="utf-8")
    assert ".htmx-indicator" in app_css  # the rule htmx would have injected


# --- Headers on responses ---------------------------------------------------------------------


def _client(username: str | None = None) -> Client:
    client = Client()
    if username:
        client.force_login(User.objects.get(username=username))
    return client


def test_login_page_has_the_policy_and_is_not_stored(db: Any) -> None:
    response = Client().get(reverse("accounts:login"))
    assert response.status_code == 200
    assert csp_problems(response) == []
    directives = csp_directives(response["Content-Security-Policy"])
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["frame-src"] == ["'self'"]
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    "name", ["accounts:password_reset", "accounts:password_reset_done", "accounts:logout"]
)
def test_password_pages_are_not_stored_for_anonymous_visitors(db: Any, name: str) -> None:
    client = Client()
    response = (
        client.post(reverse(name)) if name == "accounts:logout" else client.get(reverse(name))
    )
    assert "no-store" in response["Cache-Control"]


def test_signed_in_pages_are_not_stored_but_static_files_are_left_alone(demo: None) -> None:
    client = _client("sonlinh.daumoi")
    for url in ("/", reverse("campaigns:list"), "/no-such-page/"):
        response = client.get(url)
        assert "no-store" in response["Cache-Control"], url
    static = client.get("/static/web/app.js")
    assert static.status_code == 200
    assert "no-store" not in static.get("Cache-Control", "")


def test_evidence_files_keep_their_sandbox_policy(demo: None) -> None:
    document = EvidenceDocument.objects.filter(unit__code="son-linh").first()
    assert document is not None and document.is_pdf
    client = _client("sonlinh.daumoi")

    page = client.get(reverse("evidence:detail", args=[document.pk]))
    assert page.status_code == 200
    assert csp_problems(page) == []
    assert reverse("evidence:preview", args=[document.pk]) in page.content.decode()
    assert "frame-src 'self'" in page["Content-Security-Policy"]

    for name in ("evidence:preview", "evidence:download"):
        response = client.get(reverse(name, args=[document.pk]))
        assert response.status_code == 200, name
        assert response["Content-Security-Policy"] == SANDBOX_CSP, name
        assert response["Cache-Control"] == "private, no-store", name
    preview = client.get(reverse("evidence:preview", args=[document.pk]))
    assert preview["X-Frame-Options"] == "SAMEORIGIN"  # the document page may frame it


# --- The API schema -------------------------------------------------------------------------


def test_api_schema_refused_to_anonymous_visitors(db: Any) -> None:
    response = Client().get("/api/schema/")
    assert response.status_code in (401, 403)


def test_api_schema_served_to_signed_in_people(db: Any) -> None:
    client = Client()
    client.force_login(UserFactory(username="nguoi-xem-api"))
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"openapi" in response.content
    assert "no-store" in response["Cache-Control"]


# --- The secret key ---------------------------------------------------------------------------

GOOD_KEY = secrets.token_urlsafe(50)

REFUSED_KEYS = {
    "unset": None,
    "empty": "",
    "blank": "   ",
    "short": secrets.token_urlsafe(30)[:49],
    "few characters": "abcd" * 20,
    "django startproject": "django-insecure-" + secrets.token_urlsafe(50),
    "test settings": "test-only-not-secret",
}


@pytest.mark.parametrize("key", REFUSED_KEYS.values(), ids=REFUSED_KEYS.keys())
def test_guessable_secret_keys_are_refused(key: str | None) -> None:
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY"):
        check_secret_key(key)


def test_a_random_secret_key_is_accepted() -> None:
    check_secret_key(GOOD_KEY)
    check_secret_key("a1B2c" * 10)  # exactly 50 characters, 5 different ones


def test_every_secret_key_written_in_the_repository_is_refused() -> None:
    """Keys printed in settings, documentation or examples are public: none may be used."""
    pattern = re.compile(r"""SECRET_KEY["']?\s*[=:]\s*["']?([^"'\s)]+)""")
    places = [
        *REPO.glob("config/**/*.py"),
        REPO / "README.md",
        *REPO.glob("docs/**/*.md"),
        *REPO.glob(".env*"),
        *REPO.glob("*.env"),
        *REPO.glob("scripts/*"),
        REPO / "Makefile",
    ]
    keys = set()
    for path in places:
        if not path.is_file():
            continue
        for match in pattern.finditer(path.read_text(encoding="utf-8", errors="replace")):
            key = match.group(1)
            if not key.startswith(("os.", "_", "env")):  # read from the environment
                keys.add(key)
    assert "test-only-not-secret" in keys
    assert "test-only-not-secret" in KNOWN_KEYS
    for key in keys:
        with pytest.raises(ImproperlyConfigured):
            check_secret_key(key)


# --- Production settings, imported in a fresh interpreter --------------------------------------

SETTINGS_PRINTER = """
import json
import config.settings.production as s
print(json.dumps({name: getattr(s, name) for name in (
    "DEBUG", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_CONTENT_TYPE_NOSNIFF",
)}))
"""


def _production(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PARINDEX_HTTPS", "PARINDEX_HSTS", "PARINDEX_SSL", "DJANGO_SECRET"))
    }
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-c", SETTINGS_PRINTER],
        env={**clean, **env},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _production_settings(**env: str) -> dict[str, Any]:
    result = _production(**env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_with_https_sends_a_year_of_hsts_with_subdomains() -> None:
    values = _production_settings(DJANGO_SECRET_KEY=GOOD_KEY)
    assert values == {
        "DEBUG": False,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
    }


def test_production_hsts_and_redirect_can_be_overridden() -> None:
    values = _production_settings(
        DJANGO_SECRET_KEY=GOOD_KEY, PARINDEX_HSTS_SECONDS="600", PARINDEX_SSL_REDIRECT="0"
    )
    assert values["SECURE_HSTS_SECONDS"] == 600
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SESSION_COOKIE_SECURE"] is True


def test_production_without_https_turns_off_redirect_hsts_and_secure_cookies() -> None:
    values = _production_settings(
        DJANGO_SECRET_KEY=GOOD_KEY, PARINDEX_HTTPS="0", PARINDEX_HSTS_SECONDS="31536000"
    )
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["CSRF_COOKIE_SECURE"] is False


@pytest.mark.parametrize("key", ["", "django-insecure-" + GOOD_KEY, "test-only-not-secret"])
def test_production_refuses_to_start_with_a_guessable_key(key: str) -> None:
    result = _production(DJANGO_SECRET_KEY=key)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


# --- In a real browser ------------------------------------------------------------------------


def _watch_console(page: Any) -> list[str]:
    messages: list[str] = []
    page.on("console", lambda msg: messages.append(f"{msg.type}: {msg.text}"))
    page.on("pageerror", lambda error: messages.append(f"pageerror: {error}"))
    return messages


def _csp_complaints(messages: list[str]) -> list[str]:
    return [m for m in messages if "content security policy" in m.lower()]


def _log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}{reverse('accounts:login')}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", demo_data.DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/$"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pages_raise_no_policy_violation_and_confirmations_still_ask(
    page: Any, live_server: Any
) -> None:
    load_demo()
    base = live_server.url
    messages = _watch_console(page)
    _log_in(page, base, "quantri")

    # The evidence document page with its framed preview.
    document = EvidenceDocument.objects.filter(unit__code="son-linh").first()
    assert document is not None and document.is_pdf
    page.goto(f"{base}{reverse('evidence:detail', args=[document.pk])}")
    frame = page.wait_for_selector("iframe.ev-preview")
    assert frame.get_attribute("src") == reverse("evidence:preview", args=[document.pk])
    # The framed preview was answered (not refused by frame-src/frame-ancestors).
    with page.expect_response(re.compile(r".*/xem/$")) as preview:
        page.reload()
    assert preview.value.status == 200
    page.wait_for_load_state("load")

    # The campaign page's progress bar: a <progress> drawn by the stylesheet, text kept.
    page.goto(f"{base}{reverse('campaigns:detail', args=['cchc-2025'])}")
    bar = page.locator("progress.progress").first
    assert bar.get_attribute("max") == "100"
    value = int(bar.get_attribute("value") or "-1")
    assert 0 <= value <= 100
    assert page.locator("#plan-percent").inner_text() == f"{value}%"
    box = bar.bounding_box()
    assert box is not None and 140 <= box["width"] <= 160  # 10rem at 15px, from campaigns.css

    # A few more pages, with htmx and the self-assessment script.
    for url in (
        reverse("campaigns:list"),
        reverse("evidence:home"),
        reverse("accounts:user_list"),
        reverse("accounts:my_account"),
    ):
        page.goto(f"{base}{url}")
        page.wait_for_load_state("load")

    # A confirmation: cancelling sends nothing, accepting sends the form.
    person = User.objects.get(username="sonlinh.tuphap")
    page.goto(f"{base}{reverse('accounts:user_detail', args=[person.pk])}")
    asked: list[str] = []

    def dismiss(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.click("button:has-text('Khóa tài khoản')")
    page.wait_for_timeout(300)
    assert asked == ["Khóa tài khoản sonlinh.tuphap?"]
    assert page.url.endswith(reverse("accounts:user_detail", args=[person.pk]))
    person.refresh_from_db()
    assert person.is_active

    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    with page.expect_navigation():
        page.click("button:has-text('Khóa tài khoản')")
    assert len(asked) == 2
    person.refresh_from_db()
    assert not person.is_active

    assert _csp_complaints(messages) == []


def test_a_form_sent_without_its_token_gets_a_vietnamese_page_under_the_policy(db: Any) -> None:
    """Django's own CSRF failure page carries an inline <style> the policy blocks; the
    project's page explains in Vietnamese that nothing was saved."""
    user = UserFactory(username="csrf-nguoi-dung")
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 403
    text = response.content.decode()
    assert "Không gửi được biểu mẫu" in text and "chưa được lưu" in text
    assert "<style" not in text and "verification failed" not in text
    assert csp_problems(response) == []


def test_the_server_error_page_is_vietnamese_and_needs_no_inline_style() -> None:
    from django.template import loader

    text = loader.get_template("500.html").render({})
    assert "Hệ thống đang gặp lỗi" in text
    assert "<style" not in text and "Server Error" not in text
