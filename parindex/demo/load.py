"""Loading the demo: units and accounts (get or create by code and username), then the 2025
cycle through the other demo modules. Idempotent."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.db import transaction

from parindex.accounts.models import Membership, User
from parindex.units.models import Unit

from . import data
from .assessments import load_demo_assessments
from .campaigns import load_demo_campaign
from .evidence import load_demo_evidence
from .frameworks import load_demo_frameworks

# Later parts of the cycle append their own steps: callables run after the base data.
DEMO_STEPS: list[Callable[[], None]] = []


def _unit(code: str, name: str, kind: str, **extra: object) -> Unit:
    unit, _created = Unit.objects.get_or_create(
        code=code, defaults={"name": name, "kind": kind, **extra}
    )
    return unit


@transaction.atomic
def load_units() -> Unit:
    province = _unit(**data.PROVINCE)
    organiser = _unit(
        data.ORGANISER["code"],
        data.ORGANISER["name"],
        data.ORGANISER["kind"],
        short_name=data.ORGANISER["short_name"],
        parent=province,
        is_organiser=True,
    )
    for code, name, kind in data.DEPARTMENTS:
        if code == organiser.code:
            continue
        parent = province if kind == "so_nganh" else None
        _unit(code, name, kind, parent=parent, organiser=organiser)
    if organiser.organiser_id is None:
        organiser.organiser = organiser
        organiser.save(update_fields=["organiser"])
    for code, name, kind in data.COMMUNES:
        _unit(code, name, kind, parent=province, organiser=organiser, valid_from=date(2025, 7, 1))
    son_linh = Unit.objects.get(code=data.DEMO_UNIT)
    for code, name in data.MERGED_INTO_SON_LINH:
        old = _unit(code, name, "xa", organiser=organiser, valid_to=date(2025, 6, 30))
        old.successors.add(son_linh)
    return organiser


@transaction.atomic
def load_accounts() -> list[tuple[str, str, str]]:
    """Create the demo accounts; returns (username, role label, unit name) for printing."""
    printed: list[tuple[str, str, str]] = []
    for username, full_name, position, role, unit_code, title, kt in data.ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "full_name": full_name,
                "position": position,
                "is_superuser": role == "admin",
                "is_staff": role == "admin",
            },
        )
        if created:
            user.set_password(data.DEMO_PASSWORD)
            user.save(update_fields=["password"])
        unit = Unit.objects.get(code=unit_code) if unit_code else None
        membership, _ = Membership.objects.get_or_create(
            user=user,
            unit=unit,
            role=role,
            is_active=True,
            defaults={"title": title, "signs_on_behalf": kt},
        )
        printed.append(
            (username, membership.get_role_display(), unit.name if unit else "toàn hệ thống")
        )
    return printed


def load_cycle(organiser: Unit) -> None:
    """The 2025 campaign: both illustrative criteria sets, groups, phases, plan; units'
    self-assessments in varied states; evidence documents of Sơn Lĩnh."""
    departments_set, communes_set = load_demo_frameworks(organiser)
    campaign = load_demo_campaign(departments_set, communes_set)
    assessments = load_demo_assessments(campaign)
    for assessment in assessments:
        if assessment.assessed_unit.unit.code == data.DEMO_UNIT:
            load_demo_evidence(assessment)


def load_demo() -> list[tuple[str, str, str]]:
    organiser = load_units()
    accounts = load_accounts()
    load_cycle(organiser)
    for step in DEMO_STEPS:
        step()
    return accounts
