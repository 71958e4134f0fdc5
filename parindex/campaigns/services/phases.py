"""Phases (dates, opening, closing), per-unit exceptions and not-applicable declarations."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from parindex.core.audit import audit_record
from parindex.core.errors import ServiceError
from parindex.frameworks.models import FrameworkVersion
from parindex.units.models import Unit

from .. import rules
from ..models import (
    AssessedUnit,
    Campaign,
    NotApplicableDeclaration,
    Phase,
    PhaseException,
    PhaseState,
)
from ..nodes import SOURCE_LABELS, framework_node
from ..permissions import ensure_can_manage_campaign
from ._base import changes_of, clean_text, ensure_not_closed, fresh, required_text, save_versioned

# Phases whose deadline binds the units (the only ones a unit can be given more time in).
UNIT_DEADLINE_PHASES = frozenset(r.phase for r in rules.RULES.values() if r.binds)


def _label(phase: Phase) -> str:
    return str(phase.get_kind_display())


def phase_set_dates(
    *,
    phase: Phase,
    actor: Any,
    expected_version: int,
    starts_on: date | None,
    deadline: date | None,
) -> Phase:
    """Planned start and deadline (the end of that day, Asia/Ho_Chi_Minh)."""
    ensure_can_manage_campaign(actor, phase.campaign)
    if starts_on and deadline and deadline < starts_on:
        raise ServiceError(
            f"Hạn chót của giai đoạn {_label(phase)} ({rules.fmt_date(deadline)}) phải từ ngày "
            f"bắt đầu ({rules.fmt_date(starts_on)}) trở đi."
        )
    with transaction.atomic():
        ensure_not_closed(fresh(phase.campaign))
        fields: dict[str, Any] = {"starts_on": starts_on, "deadline": deadline}
        changes = changes_of(phase, fields)
        save_versioned(phase, expected_version, fields)
        audit_record(
            actor=actor,
            action="campaign.phase.dates",
            obj=phase,
            changes=changes,
            scope_unit_id=phase.campaign.organiser_id,
        )
    return phase


def _transition(
    phase: Phase,
    actor: Any,
    *,
    source: str,
    target: str,
    action: str,
    extra: dict[str, Any],
    reason: str = "",
) -> Phase:
    now = timezone.now()
    stamp = {"opened_at": now} if target == PhaseState.OPEN else {"closed_at": now}
    updated = Phase.objects.filter(pk=phase.pk, state=source).update(
        state=target, version=phase.version + 1, **stamp, **extra
    )
    if not updated:
        raise ServiceError(
            f"Giai đoạn {_label(phase)} đã thay đổi trạng thái; vui lòng tải lại trang."
        )
    old = phase.state
    phase.refresh_from_db()
    audit_record(
        actor=actor,
        action=action,
        obj=phase,
        changes={
            "state": [old, target],
            **{k: [None, v] for k, v in extra.items()},
            **({"reason": [None, reason]} if reason else {}),
        },
        scope_unit_id=phase.campaign.organiser_id,
    )
    return phase


def _require_open_campaign(phase: Phase) -> Campaign:
    campaign = fresh(phase.campaign)
    if campaign.is_preparing:
        raise ServiceError("Mở đợt đánh giá trước khi mở từng giai đoạn.")
    ensure_not_closed(campaign)
    return campaign


def phase_open(*, phase: Phase, actor: Any) -> Phase:
    ensure_can_manage_campaign(actor, phase.campaign)
    with transaction.atomic():
        _require_open_campaign(phase)
        current = Phase.objects.get(pk=phase.pk)
        if current.state != PhaseState.NOT_OPENED:
            raise ServiceError(
                f"Giai đoạn {_label(phase)} đã mở trước đó; dùng “Mở lại” nếu đã đóng."
            )
        return _transition(
            current,
            actor,
            source=PhaseState.NOT_OPENED,
            target=PhaseState.OPEN,
            action="campaign.phase.open",
            extra={},
        )


def phase_close(*, phase: Phase, actor: Any) -> Phase:
    ensure_can_manage_campaign(actor, phase.campaign)
    with transaction.atomic():
        current = Phase.objects.get(pk=phase.pk)
        if current.state != PhaseState.OPEN:
            raise ServiceError(f"Giai đoạn {_label(phase)} không đang mở.")
        return _transition(
            current,
            actor,
            source=PhaseState.OPEN,
            target=PhaseState.CLOSED,
            action="campaign.phase.close",
            extra={},
        )


def phase_reopen(*, phase: Phase, actor: Any, reason: str, deadline: date | None = None) -> Phase:
    """Open a closed phase again (with a reason), optionally with a new deadline."""
    ensure_can_manage_campaign(actor, phase.campaign)
    why = required_text(reason, "lý do mở lại giai đoạn")
    with transaction.atomic():
        _require_open_campaign(phase)
        current = Phase.objects.get(pk=phase.pk)
        if current.state != PhaseState.CLOSED:
            raise ServiceError(f"Giai đoạn {_label(phase)} chưa đóng nên không cần mở lại.")
        extra: dict[str, Any] = {}
        if deadline is not None:
            if current.starts_on and deadline < current.starts_on:
                raise ServiceError("Hạn chót mới phải từ ngày bắt đầu trở đi.")
            extra["deadline"] = deadline
        reopened = _transition(
            current,
            actor,
            source=PhaseState.CLOSED,
            target=PhaseState.OPEN,
            action="campaign.phase.reopen",
            extra=extra,
            reason=why,
        )
        return reopened


# --- Per-unit exceptions ----------------------------------------------------------------


def exception_grant(
    *, phase: Phase, unit: Unit, until: date, reason: str, actor: Any
) -> PhaseException:
    """Give one unit until the end of ``until`` (≥ the phase's deadline); replaces its earlier
    exception in the same phase."""
    campaign = phase.campaign
    ensure_can_manage_campaign(actor, campaign)
    why = required_text(reason, "lý do gia hạn")
    if phase.kind not in UNIT_DEADLINE_PHASES:
        raise ServiceError(
            f"Giai đoạn {_label(phase)} do cơ quan tổ chức thực hiện; không gia hạn theo đơn vị."
        )
    with transaction.atomic():
        ensure_not_closed(fresh(campaign))
        current = Phase.objects.get(pk=phase.pk)
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
        actor_obj = actor if getattr(actor, "pk", None) else None
        if previous is not None:
            PhaseException.objects.filter(pk=previous.pk).update(
                is_active=False, revoked_at=now, revoked_by=actor_obj
            )
        granted = PhaseException.objects.create(
            phase=current, unit=unit, until=until, reason=why, granted_by=actor_obj
        )
        audit_record(
            actor=actor,
            action="campaign.exception.grant",
            obj=granted,
            changes={
                "until": [previous.until if previous else None, until],
                "reason": [None, why],
            },
            scope_unit_id=unit.pk,
        )
    return granted


def exception_revoke(*, exception: PhaseException, actor: Any) -> PhaseException:
    campaign = exception.phase.campaign
    ensure_can_manage_campaign(actor, campaign)
    with transaction.atomic():
        ensure_not_closed(fresh(campaign))
        updated = PhaseException.objects.filter(pk=exception.pk, is_active=True).update(
            is_active=False,
            revoked_at=timezone.now(),
            revoked_by=actor if getattr(actor, "pk", None) else None,
        )
        if not updated:
            raise ServiceError("Gia hạn này đã được thu hồi trước đó.")
        exception.refresh_from_db()
        audit_record(
            actor=actor,
            action="campaign.exception.revoke",
            obj=exception,
            changes={"until": [exception.until, None]},
            scope_unit_id=exception.unit_id,
        )
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
    ensure_can_manage_campaign(actor, campaign)
    why = required_text(reason, "lý do không áp dụng")
    code = clean_text(node_code)
    with transaction.atomic():
        current = fresh(campaign)
        ensure_not_closed(current)
        if not AssessedUnit.objects.filter(campaign=current, framework=framework).exists():
            raise ServiceError(
                f"Bộ tiêu chí “{framework}” chưa áp dụng cho đơn vị nào trong đợt này."
            )
        node = framework_node(framework, code)
        if node is None:
            raise ServiceError(f"Bộ tiêu chí “{framework}” không có tiêu chí mã {code}.")
        if not node.declarable:
            sources = ", ".join(SOURCE_LABELS.get(s, s) for s in sorted(node.leaf_sources))
            raise ServiceError(
                f"Tiêu chí {code} ({node.name}) lấy điểm từ: {sources}. Chỉ tiêu chí lấy điểm "
                "từ điều tra xã hội học hoặc do cơ quan tổ chức cung cấp mới được khai báo "
                "không áp dụng cho cả đợt."
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
            declared_by=actor if getattr(actor, "pk", None) else None,
        )
        audit_record(
            actor=actor,
            action="campaign.na.declare",
            obj=declaration,
            changes={"node_code": [None, code], "reason": [None, why]},
            scope_unit_id=current.organiser_id,
        )
    return declaration


def na_withdraw(*, declaration: NotApplicableDeclaration, actor: Any) -> NotApplicableDeclaration:
    campaign = declaration.campaign
    ensure_can_manage_campaign(actor, campaign)
    with transaction.atomic():
        ensure_not_closed(fresh(campaign))
        updated = NotApplicableDeclaration.objects.filter(pk=declaration.pk, is_active=True).update(
            is_active=False,
            withdrawn_at=timezone.now(),
            withdrawn_by=actor if getattr(actor, "pk", None) else None,
        )
        if not updated:
            raise ServiceError("Khai báo này đã được rút lại trước đó.")
        declaration.refresh_from_db()
        audit_record(
            actor=actor,
            action="campaign.na.withdraw",
            obj=declaration,
            changes={"node_code": [declaration.node_code, None]},
            scope_unit_id=campaign.organiser_id,
        )
    return declaration
