"""Evidence tests store files in a fresh folder per test, so "nothing stored" can be checked
by looking at it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .world import World, build_world


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    folder = tmp_path / "media"
    folder.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder), "base_url": None},
        },
    }
    return folder


def stored_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


@pytest.fixture
def world(db: Any) -> World:
    return build_world()
