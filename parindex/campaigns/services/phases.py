"""Phases (dates, opening, closing), per-unit exceptions and not-applicable declarations.

Opening, closing and reopening a phase run through the phase status machine
(``.transitions.PHASE_RUNNER``), the same one that tells the pages which buttons to show.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from parindex.core.actions import actor_or_none, changes_of, copy_back, lock, save_versioned
from parindex.core.audit import audit_record
from parindex.core.errors import ServiceError
from parindex.frameworks.models import FrameworkVersion
from parindex.units.models import Unit

from .. import rules
from ..audit_actions import (
    EXCEPTION_GRANT,
    EXCEPTION_REVOKE,
    NA_DECLARE,
    NA_WITHDRAW,
    PHASE_ACTIONS,
    PHASE_DATES,
)
from ..models import (
    AssessedUnit,
    Campaign,
    NotApplicableDeclaration,
    Phase,
    PhaseException,
    PhaseState,
)
from ..nodes import framework_node
from ..permissions import ensure_can_manage_campaign
from ..workflow import PhaseAction
from ._base import (
    clean_text,
    ensure_not_closed,
    manages_campaign_of,
    phase_conflict,
    required_text,
)
from .transitions import PHASE_RUNNER

# Phases whose deadline binds the units (the only ones a unit can be given more time in).
UNIT_DEADLINE_PHASES = frozenset(r.phase for r in rules.RULES.values() if r.binds)


def _label(phase: Phase) -> str:
    return str(phase.get_kind_display())


def _lock_phase(phase: Phase, actor: Any, expected_revision: int | None) -> Phase:
    """The phase and its campaign, locked; the organiser's permission on the stored campaign."""
    return lock(
        Phase.objects.select_related("campaign"),
        phase.pk,
        actor=actor,
        check=manages_campaign_of,
        expected_revision=expected_revision,
        conflict_message=phase_conflict(phase),
    )


def phase_set_dates(
    *,
    phase: Phase,
    actor: Any,
    expected_revision: int,
    starts_on: date | None,
    deadline: date | None,
) -> Phase:
    """Planned start and deadline (the end of that day, Asia/Ho_Chi_Minh)."""
    with transaction.atomic():
        current = _lock_phase(phase, actor, expected_revision)
        if starts_on and deadline and deadline < starts_on:
            raise ServiceError(
                f"Hạn chót của giai đoạn {_label(current)} ({rules.fmt_date(deadline)}) phải "
                f"từ ngày bắt đầu ({rules.fmt_date(starts_on)}) trở đi."
            )
        ensure_not_closed(current.campaign)
        fields: dict[str, Any] = {"starts_on": starts_on, "deadline": deadline}
        changes = changes_of(current, fields)
        save_versioned(current, fields)
        audit_record(
            actor=actor,
            action=PHASE_DATES,
            obj=current,
            changes=changes,
            scope_unit_id=current.campaign.organiser_id,
        )
    copy_back(phase, current)
    return phase


def _move(
    current: Phase,
    actor: Any,
    action: PhaseAction,
    target: PhaseState,
    *,
    extra: dict[str, Any] | None = None,
    reason: str = "",
) -> None:
    """Save the ``target`` state the runner allowed (stamped) and audit it."""
    now = timezone.now()
    stamp = {"opened_at": now} if target == PhaseState.OPEN else {"closed_at": now}
    more = dict(extra or {})
    old = current.state
    save_versioned(current, {"state": target.value, **stamp, **more})
    audit_record(
        actor=actor,
        action=PHASE_ACTIONS[action],
        obj=current,
        changes={
            "state": [old, target.value],
            **{k: [None, v] for k, v in more.items()},
            **({"reason": [None, reason]} if reason else {}),
        },
        scope_unit_id=current.campaign.organiser_id,
    )


def phase_open(*, phase: Phase, actor: Any, expected_revision: int | None = None) -> Phase:
    """Open a phase never opened (the campaign must be open)."""
    with transaction.atomic():
        current = _lock_phase(phase, actor, expected_revision)
        target = PHASE_RUNNER.ensure(actor, current, PhaseAction.OPEN)
        _move(current, actor, PhaseAction.OPEN, target)
    copy_back(phase, current)
    return phase


def phase_close(*, phase: Phase, actor: Any, expected_revision: int | None = None) -> Phase:
    with transaction.atomic():
        current = _lock_phase(phase, actor, expected_revision)
        target = PHASE_RUNNER.ensure(actor, current, PhaseAction.CLOSE)
        _move(current, actor, PhaseAction.CLOSE, target)
    copy_back(phase, current)
    return phase


def phase_reopen(
    *,
    phase: Phase,
    actor: Any,
    reason: str,
    deadline: date | None = None,
    expected_revision: int | None = None,
) -> Phase:
    """Open a closed phase again (with a reason), optionally with a new deadline."""
    with transaction.atomic():
        current = _lock_phase(phase, actor, expected_revision)
        why = required_text(reason, "lý do mở lại giai đoạn")
        target = PHASE_RUNNER.ensure(actor, current, PhaseAction.REOPEN)
        extra: dict[str, Any] = {}
        if deadline is not None:
            if current.starts_on and deadline < current.starts_on:
                raise ServiceError(
                    f"Hạn chót mới ({rules.fmt_date(deadline)}) phải từ ngày bắt đầu "
                    f"({rules.fmt_date(current.starts_on)}) trở đi."
                )
            extra["deadline"] = deadline
        _move(current, actor, PhaseAction.REOPEN, target, extra=extra, reason=why)
    copy_back(phase, current)
    return phase


def _end(
    row: PhaseException | NotApplicableDeclaration, actor: Any, verb: str, *, already: str
) -> None:
    """End an active row (it has no revision): ``is_active`` off, ``{verb}_at`` now and
    ``{verb}_by`` the actor, stored and on ``row``. An ended row is refused with ``already``."""
    if not row.is_active:
        raise ServiceError(already)
    fields: dict[str, Any] = {
        "is_active": False,
        f"{verb}_at": timezone.now(),
        f"{verb}_by": actor_or_none(actor),
    }
    type(row).objects.filter(pk=row.pk).update(**fields)
    for name, value in fields.items():
        setattr(row, name, value)


# --- Per-unit exceptions ----------------------------------------------------------------


def exception_grant(
    *, phase: Phase, unit: Unit, until: date, reason: str, actor: Any
) -> PhaseException:
    """Give one unit until the end of ``until`` (≥ the phase's deadline); replaces its earlier
    exception in the same phase."""
    with transaction.atomic():
        current = _lock_phase(phase, actor, None)
        campaign = current.campaign
        why = required_text(reason, "lý do gia hạn")
        if current.kind not in UNIT_DEADLINE_PHASES:
            raise ServiceError(
                f"Giai đoạn {_label(current)} do cơ quan tổ chức thực hiện; không gia hạn theo "
                "đơn vị."
            )
        ensure_not_closed(campaign)
        if not AssessedUnit.objects.filter(campaign=campaign, unit=unit).exists():
            raise ServiceError(f"{unit.name} không thuộc danh sách được đánh giá của đợt này.")
        if current.deadline is None:
            raise ServiceError(
                f"Giai đoạn {_label(current)} chưa có hạn chót; đặt hạn chót trước khi gia hạn."
            )
        if until < current.deadline:
            raise ServiceError(
                f"Ngày gia hạn ({rules.fmt_date(until)}) phải từ hạn chót của giai đoạn "
                f"({rules.fmt_date(current.deadline)}) trở đi."
            )
        now = timezone.now()
        previous = PhaseException.objects.filter(phase=current, unit=unit, is_active=True).first()
        actor_obj = actor_or_none(actor)
        if previous is not None:
            PhaseException.objects.filter(pk=previous.pk).update(
                is_active=False, revoked_at=now, revoked_by=actor_obj
            )
        granted = PhaseException.objects.create(
            phase=current, unit=unit, until=until, reason=why, granted_by=actor_obj
        )
        audit_record(
            actor=actor,
            action=EXCEPTION_GRANT,
            obj=granted,
            changes={
                "until": [previous.until if previous else None, until],
                "reason": [None, why],
            },
            scope_unit_id=unit.pk,
        )
    return granted


def exception_revoke(*, exception: PhaseException, actor: Any) -> PhaseException:
    with transaction.atomic():
        current = lock(
            PhaseException.objects.select_related("phase__campaign"),
            exception.pk,
            actor=actor,
            check=lambda who, row: ensure_can_manage_campaign(who, row.phase.campaign),
        )
        ensure_not_closed(current.phase.campaign)
        _end(current, actor, "revoked", already="Gia hạn này đã được thu hồi trước đó.")
        audit_record(
            actor=actor,
            action=EXCEPTION_REVOKE,
            obj=current,
            changes={"until": [current.until, None]},
            scope_unit_id=current.unit_id,
        )
    copy_back(exception, current)
    return exception


# --- Campaign-wide not-applicable declarations ------------------------------------------


def na_declare(
    *,
    campaign: Campaign,
    framework: FrameworkVersion,
    node_code: str,
    reason: str,
    actor: Any,
) -> NotApplicableDeclaration:
    """Declare a survey- or organiser-sourced node not applicable for the whole campaign."""
    with transaction.atomic():
        current = lock(Campaign, campaign.pk, actor=actor, check=ensure_can_manage_campaign)
        why = required_text(reason, "lý do không áp dụng")
        code = clean_text(node_code)
        ensure_not_closed(current)
        if not AssessedUnit.objects.filter(campaign=current, framework=framework).exists():
            raise ServiceError(
                f"Bộ tiêu chí “{framework}” chưa áp dụng cho đơn vị nào trong đợt này."
            )
        node = framework_node(framework, code)
        if node is None:
            raise ServiceError(f"Bộ tiêu chí “{framework}” không có tiêu chí mã {code}.")
        if not node.declarable:
            raise ServiceError(
                f"Tiêu chí {code} ({node.name}) lấy điểm từ: {node.source_label}. Chỉ tiêu chí "
                "lấy điểm từ điều tra xã hội học hoặc do cơ quan tổ chức cung cấp mới được khai "
                "báo không áp dụng cho cả đợt."
            )
        if NotApplicableDeclaration.objects.filter(
            campaign=current, framework=framework, node_code=code, is_active=True
        ).exists():
            raise ServiceError(f"Tiêu chí {code} đã được khai báo không áp dụng trong đợt này.")
        declaration = NotApplicableDeclaration.objects.create(
            campaign=current,
            framework=framework,
            node_code=code,
            node_name=node.name,
            source=node.source_text,
            reason=why,
            declared_by=actor_or_none(actor),
        )
        audit_record(
            actor=actor,
            action=NA_DECLARE,
            obj=declaration,
            changes={"node_code": [None, code], "reason": [None, why]},
            scope_unit_id=current.organiser_id,
        )
    return declaration


def na_withdraw(*, declaration: NotApplicableDeclaration, actor: Any) -> NotApplicableDeclaration:
    with transaction.atomic():
        current = lock(
            NotApplicableDeclaration.objects.select_related("campaign"),
            declaration.pk,
            actor=actor,
            check=manages_campaign_of,
        )
        ensure_not_closed(current.campaign)
        _end(current, actor, "withdrawn", already="Khai báo này đã được rút lại trước đó.")
        audit_record(
            actor=actor,
            action=NA_WITHDRAW,
            obj=current,
            changes={"node_code": [current.node_code, None]},
            scope_unit_id=current.campaign.organiser_id,
        )
    copy_back(declaration, current)
    return declaration
