from __future__ import annotations

from typing import Any

import pytest

from .factories import World, build_world, small_version


@pytest.fixture
def world(db: Any) -> World:
    """The example set (every rule shape), one opened campaign, two communes, every role."""
    return build_world()


@pytest.fixture
def small_world(db: Any) -> World:
    return build_world(version_builder=small_version, prefix="s")
