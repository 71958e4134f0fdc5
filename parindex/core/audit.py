"""The audit trail: a registry of action names and the one way to write and show entries.

Every service that changes points, evidence or status writes an entry with
``audit_record(action=SOME_ACTION, …)``, where ``SOME_ACTION`` is an :class:`AuditAction`
declared once, with its Vietnamese label, in the app's ``audit_actions.py``. An unregistered
name cannot be written (``audit_record`` takes the declared object, and a test walks every call
site). :func:`audit_lines` turns entries into what people read: the label, the subject
(criterion code and name, document number and title — never a hash), and each change as
"field: old → new" in Vietnamese.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone

from .actions import actor_or_none
from .models import AuditEntry

MERGE_WINDOW = timedelta(minutes=10)

Formatter = Callable[[Any], str]


@dataclass(frozen=True)
class AuditAction:
    """One kind of change: its stored name, its Vietnamese label and how to show its details.

    ``fields`` labels the changed fields (over :data:`FIELD_LABELS`), ``values`` formats a
    field's values (e.g. a status code → its Vietnamese name), ``hidden`` fields are never shown
    (stored file names, hashes).
    """

    name: str
    label: str
    fields: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, Formatter] = field(default_factory=dict)
    hidden: frozenset[str] = frozenset()

    def __str__(self) -> str:
        return self.name


REGISTRY: dict[str, AuditAction] = {}

_NAME = re.compile(r"^[a-z][a-z_]*(\.[a-z][a-z_]*)+$")


def audit_action(
    name: str,
    label: str,
    *,
    fields: Mapping[str, str] | None = None,
    values: Mapping[str, Formatter] | None = None,
    hidden: Iterable[str] = (),
) -> AuditAction:
    """Declare (register) an action. Names are ``app.thing.verb``; each is declared once."""
    if not _NAME.match(name) or len(name) > 64:
        raise ValueError(f"audit action name {name!r} is not app.thing.verb (≤ 64 characters)")
    if not label.strip():
        raise ValueError(f"audit action {name!r} has no Vietnamese label")
    if name in REGISTRY:
        raise ValueError(f"audit action {name!r} is declared twice")
    action = AuditAction(name, label, dict(fields or {}), dict(values or {}), frozenset(hidden))
    REGISTRY[name] = action
    return action


# Field names every app uses alike; an action's own ``fields`` take precedence.
FIELD_LABELS: dict[str, str] = {
    "name": "Tên",
    "short_name": "Tên viết tắt",
    "code": "Mã",
    "kind": "Loại",
    "parent": "Trực thuộc",
    "organiser": "Cơ quan tổ chức",
    "is_organiser": "Là cơ quan tổ chức",
    "valid_from": "Có hiệu lực từ",
    "valid_to": "Hết hiệu lực từ",
    "address": "Địa chỉ",
    "successors": "Đơn vị kế thừa",
    "status": "Trạng thái",
    "state": "Trạng thái",
    "title": "Tiêu đề",
    "description": "Mô tả",
    "year": "Năm",
    "slug": "Mã đợt",
    "starts_on": "Từ ngày",
    "ends_on": "Đến ngày",
    "opens_on": "Mở từ ngày",
    "deadline": "Hạn",
    "until": "Gia hạn đến",
    "due_on": "Hạn hoàn thành",
    "reason": "Lý do",
    "note": "Ghi chú",
    "group": "Nhóm xếp hạng",
    "framework": "Bộ tiêu chí",
    "unit": "Đơn vị",
    "units": "Đơn vị",
    "node_code": "Tiêu chí",
    "raw_inputs": "Số liệu",
    "points": "Điểm",
    "justification": "Giải trình",
    "not_applicable_reason": "Không áp dụng",
    "return_reason": "Lý do trả lại",
    "assignee": "Người được giao",
    "submission": "Bản gửi số",
    "total": "Tổng điểm",
    "number": "Số, ký hiệu",
    "issued_on": "Ngày ban hành",
    "issuer": "Cơ quan ban hành",
    "doc_type": "Loại văn bản",
    "document": "Tài liệu",
    "original_name": "Tên tệp",
    "file": "Tệp",
    "size": "Dung lượng",
    "role": "Vai trò",
    "campaign": "Đợt đánh giá",
    "full_name": "Họ và tên",
    "username": "Tên đăng nhập",
    "email": "Thư điện tử",
    "phone": "Điện thoại",
    "position": "Chức vụ",
    "is_active": "Đang hoạt động",
    "lead_unit": "Đơn vị chủ trì",
    "co_units": "Đơn vị phối hợp",
    "position_in_plan": "Thứ tự",
    "order": "Thứ tự",
    "max_points": "Điểm tối đa",
    "text": "Nội dung",
    "comments_open": "Nhận góp ý",
}

# Never shown, whatever the action: stored file names, hashes, lock counters ("version" is the
# lock counter's name in entries recorded before it was called "revision").
HIDDEN_FIELDS = frozenset(
    {"sha256", "stored_name", "storage_name", "revision", "version", "password", "merge_key"}
)

_HEX = re.compile(r"^[0-9a-f]{32,}$")
_DECIMAL = re.compile(r"^-?\d+\.\d+$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_ISO_TIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})")


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    return str(value)


def audit_record(
    *,
    actor: Any,
    action: AuditAction,
    obj: models.Model,
    changes: Mapping[str, Any] | None = None,
    scope_unit_id: int | None = None,
    merge_key: str = "",
    subject: str | None = None,
) -> AuditEntry:
    """Write one audit entry. ``changes`` maps field -> [old, new].

    ``subject`` is how people name the object (default ``str(obj)``): a criterion's code and
    name, a document's number and title. With a ``merge_key``, an entry by the same actor with
    the same key written within MERGE_WINDOW is extended instead (its first old value kept, the
    new value replaced).
    """
    if not isinstance(action, AuditAction) or REGISTRY.get(action.name) is not action:
        raise TypeError(f"audit_record needs a declared AuditAction, not {action!r}")
    payload = {k: _jsonable(v) for k, v in (changes or {}).items()}
    actor_obj = actor_or_none(actor)
    if merge_key and actor_obj is not None:
        recent = (
            AuditEntry.objects.filter(
                merge_key=merge_key,
                actor=actor_obj,
                updated_at__gte=timezone.now() - MERGE_WINDOW,
            )
            .order_by("-id")
            .first()
        )
        if recent is not None:
            merged = dict(recent.changes)
            for name, (old, new) in payload.items():
                first_old = merged[name][0] if name in merged else old
                merged[name] = [first_old, new]
            recent.changes = merged
            recent.save(update_fields=["changes", "updated_at"])
            return recent
    return AuditEntry.objects.create(
        actor=actor_obj,
        action=action.name,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=(subject if subject is not None else str(obj))[:255],
        scope_unit_id=scope_unit_id,
        changes=payload,
        merge_key=merge_key,
    )


# --- Showing entries ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class AuditLine:
    entry: AuditEntry
    label: str
    subject: str
    changes: list[AuditChange]

    @property
    def at(self) -> datetime:
        return self.entry.at

    @property
    def updated_at(self) -> datetime:
        return self.entry.updated_at

    @property
    def actor(self) -> Any:
        return self.entry.actor


def action_label(name: str) -> str:
    """The Vietnamese label of a stored action name (an unknown name is never shown raw)."""
    found = REGISTRY.get(name)
    return found.label if found else "Thay đổi khác"


def show_value(value: Any) -> str:
    """A stored value as people read it: decimal comma, dd/mm/yyyy, có/không, no hashes."""
    if value is None or value == "" or value == {} or value == []:
        return "—"
    if value is True:
        return "có"
    if value is False:
        return "không"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {show_value(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(show_value(v) for v in value)
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", ",")
    text = str(value)
    if _HEX.match(text):
        return "(mã tệp)"
    if _DECIMAL.match(text):
        return text.replace(".", ",")
    found = _ISO_DATE.match(text)
    if found:
        return f"{found[3]}/{found[2]}/{found[1]}"
    found = _ISO_TIME.match(text)
    if found:
        return f"{found[3]}/{found[2]}/{found[1]} {found[4]}:{found[5]}"
    return text


def labelled(labels: Mapping[Any, Any] | Iterable[Any]) -> Formatter:
    """A formatter showing a stored code (or a list of codes) by its Vietnamese name: from a
    mapping ``{code: label}`` or Django choices (``UnitKind``); an unknown code as stored."""
    names = (
        {str(k): str(v) for k, v in labels.items()}
        if isinstance(labels, Mapping)
        else {str(c.value): str(c.label) for c in labels}
    )

    def shown(value: Any) -> str:
        if isinstance(value, list | tuple):
            return ", ".join(shown(v) for v in value) or "—"
        return names.get(str(value)) or show_value(value)

    return shown


def audit_lines(
    entries: Iterable[AuditEntry],
    *,
    subject: Callable[[AuditEntry], str | None] | None = None,
    value_labels: Callable[[AuditEntry, str], Mapping[str, str]] | None = None,
) -> list[AuditLine]:
    """What an audit page shows. ``subject(entry)`` may name the object better than the stored
    text (e.g. the criterion's name in the version the page shows); ``value_labels(entry,
    field)`` may rename the keys of a dict value (input names → their labels)."""
    out: list[AuditLine] = []
    for entry in entries:
        action = REGISTRY.get(entry.action)
        labels = {**FIELD_LABELS, **(action.fields if action else {})}
        hidden = HIDDEN_FIELDS | (action.hidden if action else frozenset())
        formatters = action.values if action else {}
        changes: list[AuditChange] = []
        for name, pair in (entry.changes or {}).items():
            if name in hidden or not isinstance(pair, list | tuple) or len(pair) != 2:
                continue
            old, new = pair
            keys = value_labels(entry, name) if value_labels else {}
            if keys:
                old = {keys.get(k, k): v for k, v in old.items()} if isinstance(old, dict) else old
                new = {keys.get(k, k): v for k, v in new.items()} if isinstance(new, dict) else new
            shown = formatters.get(name, show_value)
            changes.append(
                AuditChange(
                    labels.get(name, "Thông tin khác"),
                    show_value(old) if old in (None, "") else shown(old),
                    show_value(new) if new in (None, "") else shown(new),
                )
            )
        named = subject(entry) if subject else None
        out.append(
            AuditLine(
                entry=entry,
                label=action.label if action else "Thay đổi khác",
                subject=named or entry.object_repr,
                changes=changes,
            )
        )
    return out
