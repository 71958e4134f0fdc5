"""Stored criteria-set versions for every app's tests, made the way users make them: the text
is uploaded through ``framework_import`` by an administrator, so the engine checks it and the
canonical text, its SHA-256 and the node rows are written together (and the import audited)."""

from __future__ import annotations

from parindex.accounts.models import User
from parindex.accounts.roles import Role
from parindex.accounts.tests.factories import user_with_role
from parindex.frameworks.models import FrameworkVersion
from parindex.frameworks.services import framework_import
from parindex.units.models import Unit

IMPORTER = "t-nhap-bo-tieu-chi"
FILENAME = "bo-tieu-chi.yaml"


def _importer() -> User:
    """The administrator who uploads the tests' sets (made when first needed)."""
    found = User.objects.filter(username=IMPORTER).first()
    if found is not None:
        return found
    return user_with_role(Role.ADMIN, None, username=IMPORTER, full_name="Quản trị hệ thống")


def stored_version(organiser: Unit, text: str) -> FrameworkVersion:
    """A new draft version of ``organiser`` from a set's YAML text."""
    return framework_import(
        actor=_importer(), organiser=organiser, filename=FILENAME, content=text.encode("utf-8")
    )
