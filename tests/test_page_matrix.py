"""Every page × every role, on the demo province.

Per-app tests hold the detailed allowed/refused tables; this one walks every URL the project
has (argument-less ones, plus detail pages filled with demo identifiers) and checks, for the
anonymous visitor and each demo role: no page fails (5xx), anonymous visitors get nothing but
the login page, the table of key pages below is exactly as allowed/refused, every HTML page
carries a Content-Security-Policy without inline or eval'd script and style, and nothing sent to
a signed-in person may be stored by a browser or proxy (Cache-Control: no-store).
"""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from parindex.accounts.models import User

PUBLIC_PREFIXES = ("/tai-khoan/dang-nhap/", "/tai-khoan/quen-mat-khau/", "/healthz")
SAMPLE_KWARGS: dict[str, Any] = {"code": "son-linh", "slug": "cchc-2025"}
UNSAFE_SOURCES = ("'unsafe-inline'", "'unsafe-eval'")

# username -> role label in the demo
ROLES = [
    "quantri",
    "sonv.thuongtruc",
    "chutich",
    "hoidong.thanhvien",
    "sonlinh.chutich",
    "sonlinh.daumoi",
    "sonlinh.tuphap",
    "sotuphap.thutruong",
    "theodoi",
]

# Key pages: which demo users may open them (200); everyone else is refused (403/404/302).
ALLOWED: dict[str, set[str]] = {
    "/": set(ROLES),
    "/don-vi/": set(ROLES),
    "/don-vi/son-linh/": {
        "quantri",
        "sonv.thuongtruc",
        "chutich",
        "hoidong.thanhvien",
        "theodoi",
        "sonlinh.chutich",
        "sonlinh.daumoi",
        "sonlinh.tuphap",
    },
    "/don-vi/so-tu-phap/": {
        "quantri",
        "sonv.thuongtruc",
        "chutich",
        "hoidong.thanhvien",
        "theodoi",
        "sotuphap.thutruong",
    },
    "/don-vi/them/": {"quantri", "sonv.thuongtruc"},
    "/don-vi/nhap/": {"quantri", "sonv.thuongtruc"},
    "/tai-khoan/nguoi-dung/": {"quantri", "sonv.thuongtruc"},
    "/tai-khoan/nguoi-dung/them/": {"quantri", "sonv.thuongtruc"},
    "/tai-khoan/tao-hang-loat/": {"quantri", "sonv.thuongtruc"},
}


def _walk(resolver: URLResolver, prefix: str = "") -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{entry.namespace}:" if entry.namespace else ""
            found += [
                (f"{ns}{name}" if ns and not name.startswith(ns) else name, p)
                for name, p in _walk(entry, prefix + str(entry.pattern))
            ]
        elif isinstance(entry, URLPattern) and entry.name:
            found.append((entry.name, prefix + str(entry.pattern)))
    return found


def csp_directives(policy: str) -> dict[str, list[str]]:
    """'default-src 'self'; img-src 'self' data:' -> {"default-src": ["'self'"], ...}."""
    directives: dict[str, list[str]] = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def csp_problems(response: Any) -> list[str]:
    """What is wrong with an HTML response's Content-Security-Policy (nothing: [])."""
    policy = response.get("Content-Security-Policy", "")
    if not policy:
        return ["no Content-Security-Policy"]
    directives = csp_directives(policy)
    problems = []
    for name in ("script-src", "style-src"):
        if name not in directives:
            problems.append(f"no {name} in {policy!r}")
        elif unsafe := [s for s in directives[name] if s.lower() in UNSAFE_SOURCES]:
            problems.append(f"{name} allows {' '.join(unsafe)}")
    return problems


def _urls() -> list[str]:
    urls: set[str] = set()
    for name, _pattern in _walk(get_resolver()):
        for kwargs in ({}, SAMPLE_KWARGS, {"code": "son-linh"}, {"slug": "cchc-2025"}):
            try:
                urls.add(reverse(name, kwargs=kwargs))
                break
            except NoReverseMatch:  # the pattern needs other arguments
                continue
    return sorted(u for u in urls if not u.startswith("/api/schema"))


def test_url_walk_finds_the_main_pages(demo: None) -> None:
    urls = _urls()
    for key in ALLOWED:
        if key != "/don-vi/so-tu-phap/":
            assert key in urls


def _fingerprint() -> dict[str, tuple[int, int]]:
    """Rows per model of the project's apps, and the sum of their lock counters."""
    from django.apps import apps
    from django.db.models import Sum

    out = {}
    for model in apps.get_models():
        if not model.__module__.startswith("parindex."):
            continue
        has_revision = any(f.name == "revision" for f in model._meta.concrete_fields)
        total = model.objects.aggregate(v=Sum("revision"))["v"] or 0 if has_revision else 0
        out[model._meta.label] = (model.objects.count(), total)
    return out


def test_every_page_answers_without_error_for_every_role(demo: None) -> None:
    """Every role in turn on the demo. Looking changes nothing: no GET creates, deletes or
    updates a row of the project's tables — including the page of every assessed unit, started
    or not."""
    from parindex.campaigns.models import AssessedUnit

    urls = _urls() + [
        reverse("assessments:open", args=[pk])
        for pk in AssessedUnit.objects.values_list("pk", flat=True)
    ]
    failures = []
    before = _fingerprint()
    for username in [None, *ROLES]:
        client = Client(raise_request_exception=False)
        if username:
            client.force_login(User.objects.get(username=username))
        for url in urls:
            response = client.get(url)
            if response.status_code >= 500:
                failures.append(f"{username}: {url}: {response.status_code}")
            if response.get("Content-Type", "").startswith("text/html"):
                failures += [f"{username}: {url}: {p}" for p in csp_problems(response)]
            if username and "no-store" not in response.get("Cache-Control", ""):
                cache = response.get("Cache-Control")
                failures.append(f"{username}: {url}: Cache-Control {cache!r} without no-store")
            if username is None and not url.startswith(PUBLIC_PREFIXES):
                location = response.get("Location", "")
                refused = response.status_code in (401, 403, 405)  # 405: POST-only actions
                if not (refused or "/tai-khoan/dang-nhap/" in location):
                    failures.append(f"anonymous: {url}: got {response.status_code}")
    after = _fingerprint()
    failures += [f"{m}: {before[m]} -> {after[m]}" for m in before if before[m] != after[m]]
    assert failures == []


def test_key_pages_allowed_and_refused_by_role(demo: None) -> None:
    wrong = []
    for username in ROLES:
        client = Client()
        client.force_login(User.objects.get(username=username))
        for url in sorted(ALLOWED):
            status = client.get(url).status_code
            allowed = username in ALLOWED[url]
            if (allowed and status != 200) or (not allowed and status not in (302, 403, 404)):
                wrong.append(
                    f"{username} {'should' if allowed else 'must not'} open {url}: {status}"
                )
    assert wrong == []


def test_no_page_offers_a_refused_workflow_action(demo: None) -> None:
    """On every demo assessment, for every role: each workflow action the scoring page offers
    runs when tried (inside a savepoint, undone), and each it does not offer is refused."""
    from parindex.assessments.models import Assessment
    from parindex.assessments.tests.test_offered_actions import offered, runs
    from parindex.assessments.workflow import Action

    wrong = []
    checked = 0
    for assessment in Assessment.objects.order_by("pk"):
        url = reverse("assessments:detail", args=[assessment.pk])
        for username in ROLES:
            user = User.objects.get(username=username)
            client = Client()
            client.force_login(user)
            response = client.get(url)
            shown = offered(response.content.decode()) if response.status_code == 200 else set()
            for action in Action:
                if (action in shown) != runs(user, assessment.pk, action):
                    wrong.append(f"{username}: {url}: {action.value} offered={action in shown}")
            checked += len(shown)
    assert wrong == []
    assert checked > 0
