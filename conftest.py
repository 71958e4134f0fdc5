"""Test-wide settings.

* ``PARINDEX_FAIL_ON_SKIP=1`` (set by .ci/run) turns every skipped test into a failure, so CI
  runs everything: a skipped test there is a missing test.
* Browser tests use Playwright with Debian's Chromium (never a downloaded browser).
* The demo province is loaded once for all the tests that read it (the ``demo`` fixture); no
  other test sees it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_django import DjangoDbBlocker

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REPO = Path(__file__).resolve().parent
SHARED = REPO.parent / "shared"
CHROMIUM = os.environ.get("PARINDEX_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_configure(config: pytest.Config) -> None:
    try:
        from hypothesis import settings

        settings.register_profile("ci", deadline=None, print_blob=True)
        settings.register_profile("dev", deadline=None, max_examples=50)
        settings.load_profile("ci" if os.environ.get("CI") else "dev")
    except ImportError:  # pragma: no cover
        pass


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if (
        os.environ.get("PARINDEX_FAIL_ON_SKIP") == "1"
        and report.skipped
        and not hasattr(report, "wasxfail")
    ):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"skipped in CI (PARINDEX_FAIL_ON_SKIP=1): {reason}"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared beside the repository; tests that read it directly skip where it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not present beside the repository")
    return SHARED


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    context.set_default_timeout(15000)
    pg = context.new_page()
    yield pg
    context.close()


# --- The demo province, loaded once for the tests that read it --------------------------------


class DemoDatabase:
    """The demo province in the test database, inside one open transaction.

    The tests that ask for ``demo`` run one after the other (see
    ``pytest_collection_modifyitems``): the first loads the demo, and each then runs inside
    pytest-django's per-test transaction, a savepoint on top of the demo, so whatever a test
    changes is undone. Before any other test runs the transaction is rolled back, so no other
    test sees a demo row, on SQLite as on PostgreSQL.
    """

    def __init__(self) -> None:
        self._atomic: Any = None
        self._blocker: DjangoDbBlocker | None = None

    def load(self, blocker: DjangoDbBlocker) -> None:
        if self._atomic is not None:
            return
        from django.db import connection, transaction

        from parindex.demo.load import load_demo

        with blocker.unblock():
            if connection.in_atomic_block:
                raise pytest.UsageError("ask for the demo fixture before db: the demo goes first")
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                load_demo()
            except BaseException:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)
                raise
        self._atomic, self._blocker = atomic, blocker

    def unload(self) -> None:
        if self._atomic is None or self._blocker is None:
            return
        from django.db import transaction

        atomic, self._atomic = self._atomic, None
        with self._blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


DEMO = DemoDatabase()


def _reads_demo(item: pytest.Item) -> bool:
    return "demo" in getattr(item, "fixturenames", ())


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The demo readers first (on the freshly migrated database), so the demo loads once."""
    items.sort(key=lambda item: not _reads_demo(item))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    if not _reads_demo(item):
        DEMO.unload()


@pytest.fixture(scope="session")
def _demo_database(django_db_setup: None) -> Iterator[None]:
    """Rolls the demo back before the test database is destroyed."""
    yield
    DEMO.unload()


@pytest.fixture
def _demo_loaded(
    request: pytest.FixtureRequest, _demo_database: None, django_db_blocker: DjangoDbBlocker
) -> None:
    if request.node.get_closest_marker("django_db") or {"transactional_db", "live_server"} & set(
        request.fixturenames
    ):
        raise pytest.UsageError("the demo fixture opens the test's transaction: no django_db mark")
    DEMO.load(django_db_blocker)


@pytest.fixture
def demo(_demo_loaded: None, db: None) -> None:
    """The demo province, for a test that reads it: loaded once per session, then the test's
    own transaction (``db``) on top of it, so what the test changes is rolled back. (A test that
    needs the demo committed — a live server, a browser — loads it itself in a transactional
    test.)"""
