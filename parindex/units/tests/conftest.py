from __future__ import annotations

from typing import Any

import pytest

from parindex.accounts.roles import Role
from parindex.accounts.tests.factories import user_with_role
from parindex.units.tests.factories import OrganiserFactory


@pytest.fixture
def organiser_body(db: Any) -> Any:
    return OrganiserFactory(code="so-noi-vu", name="Sở Nội vụ tỉnh Hà Tĩnh")


@pytest.fixture
def organiser_user(organiser_body: Any) -> Any:
    return user_with_role(Role.ORGANISER, organiser_body)


@pytest.fixture
def admin_user(db: Any) -> Any:
    return user_with_role(Role.ADMIN)
