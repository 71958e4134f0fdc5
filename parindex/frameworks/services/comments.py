"""Comments on drafts: inviting units, opening and closing a draft for comments, a unit's
comments and the organiser's handling of them."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from parindex.core.actions import actor_or_none, lock, save_versioned
from parindex.core.audit import audit_record
from parindex.core.errors import ServiceError
from parindex.units.models import Unit

from ..audit_actions import (
    COMMENTS_OPEN_ACTIONS,
    FRAMEWORK_COMMENT,
    FRAMEWORK_COMMENT_HANDLE,
    FRAMEWORK_INVITE,
    FRAMEWORK_UNINVITE,
)
from ..models import CriterionNode, DraftComment, DraftInvitation, FrameworkVersion
from ..permissions import ensure_can_comment_on_draft, ensure_can_manage_framework
from ._common import conflict_message, lock_draft


def draft_invite_units(
    *,
    actor: Any,
    version: FrameworkVersion,
    units: Iterable[Unit],
    closes_on: date | None = None,
) -> list[DraftInvitation]:
    """Invite units to comment on a draft (already invited units keep their invitation; a
    new ``closes_on`` replaces theirs). All the invitations are written, or none."""
    chosen = list(units)
    created: list[DraftInvitation] = []
    with transaction.atomic():
        locked = lock_draft(actor, version)
        foreign = [u.name for u in chosen if u.organiser_id != locked.organiser_id]
        if foreign:
            raise ServiceError(
                "Chỉ mời được các đơn vị thuộc danh sách của cơ quan ban hành: "
                + ", ".join(sorted(foreign))
            )
        for unit in chosen:
            invitation, was_created = DraftInvitation.objects.get_or_create(
                framework=locked,
                unit=unit,
                defaults={
                    "closes_on": closes_on,
                    "invited_by": actor_or_none(actor),
                },
            )
            if not was_created and closes_on is not None and invitation.closes_on != closes_on:
                invitation.closes_on = closes_on
                invitation.save(update_fields=["closes_on"])
            if was_created:
                created.append(invitation)
        if created:
            audit_record(
                actor=actor,
                action=FRAMEWORK_INVITE,
                obj=locked,
                changes={"units": [None, [i.unit.code for i in created]]},
                scope_unit_id=locked.organiser_id,
            )
    return created


def draft_uninvite_unit(*, actor: Any, version: FrameworkVersion, unit: Unit) -> None:
    """Withdraw a unit's invitation (its comments already sent stay)."""
    with transaction.atomic():
        locked = lock_draft(actor, version)
        deleted, _ = DraftInvitation.objects.filter(framework=locked, unit=unit).delete()
        if deleted:
            audit_record(
                actor=actor,
                action=FRAMEWORK_UNINVITE,
                obj=locked,
                changes={"units": [unit.code, None]},
                scope_unit_id=locked.organiser_id,
            )


def draft_comments_set_open(
    *, actor: Any, version: FrameworkVersion, is_open: bool, expected_revision: int | None = None
) -> FrameworkVersion:
    """Open or close a draft for comments."""
    with transaction.atomic():
        locked = lock_draft(actor, version, expected_revision)
        if locked.comments_open == is_open:
            return locked
        save_versioned(
            locked, {"comments_open": is_open}, conflict_message=conflict_message(version)
        )
        audit_record(
            actor=actor,
            action=COMMENTS_OPEN_ACTIONS[is_open],
            obj=locked,
            changes={"comments_open": [not is_open, is_open]},
            scope_unit_id=locked.organiser_id,
        )
    return locked


def draft_comment_add(
    *, actor: Any, version: FrameworkVersion, unit: Unit, node_code: str, text: str
) -> DraftComment:
    """A unit's comment on one node of a draft (``node_code`` empty: on the whole draft).

    Checked on the draft as stored: still a draft, open for comments, the unit invited."""

    def may_comment(person: Any, row: FrameworkVersion) -> None:
        ensure_can_comment_on_draft(person, row, unit)  # a draft, open, the unit invited

    body = unicodedata.normalize("NFC", text or "").strip()
    code = (node_code or "").strip()
    with transaction.atomic():
        locked = lock(FrameworkVersion, version.pk, actor=actor, check=may_comment)
        if not body:
            raise ServiceError({"text": "Hãy ghi nội dung góp ý."})
        if code and not CriterionNode.objects.filter(framework=locked, code=code).exists():
            raise ServiceError(f"Dự thảo không có tiêu chí mã {code}.")
        comment = DraftComment.objects.create(
            framework=locked, node_code=code, unit=unit, author=actor, text=body
        )
        audit_record(
            actor=actor,
            action=FRAMEWORK_COMMENT,
            obj=comment,
            changes={"node": [None, code], "text": [None, body[:200]]},
            scope_unit_id=unit.pk,
        )
    return comment


def draft_comment_handle(
    *, actor: Any, comment: DraftComment, is_handled: bool, response: str = ""
) -> DraftComment:
    """The organiser marks a comment handled (or not yet) with its response."""
    answer = unicodedata.normalize("NFC", response or "").strip()
    with transaction.atomic():
        locked: DraftComment = lock(
            DraftComment,
            comment.pk,
            actor=actor,
            check=lambda person, row: ensure_can_manage_framework(person, row.framework),
            missing_message="Góp ý này không còn tồn tại; hãy tải lại trang.",
        )
        version = locked.framework
        before = [locked.is_handled, locked.response]
        if before == [is_handled, answer]:
            return locked
        locked.is_handled = is_handled
        locked.response = answer
        locked.handled_at = timezone.now() if is_handled else None
        locked.handled_by = actor_or_none(actor) if is_handled else None
        locked.save(update_fields=["is_handled", "response", "handled_at", "handled_by"])
        audit_record(
            actor=actor,
            action=FRAMEWORK_COMMENT_HANDLE,
            obj=locked,
            changes={"is_handled": [before[0], is_handled], "response": [before[1], answer]},
            scope_unit_id=version.organiser_id,
        )
    return locked
