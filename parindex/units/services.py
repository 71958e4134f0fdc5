"""Every change to units goes through these functions (views, the API and commands call them).

Each one is one transaction: it locks the row and checks permission on the row as stored
(``parindex.core.actions.lock`` with ``permissions``), validates, writes with optimistic locking
on ``Unit.revision`` (``save_versioned``: ``UPDATE … WHERE revision = <the revision the user
loaded>``; a zero row count means someone else saved first) and records the change in the audit
trail with an action declared in ``audit_actions``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import IO, Any, Final

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from parindex.core.actions import copy_back, lock, save_versioned
from parindex.core.audit import audit_record
from parindex.core.errors import ServiceError
from parindex.core.text import fold, nfc

from . import xlsx
from .audit_actions import (
    IMPORT_ROW_ACTIONS,
    UNIT_CREATE,
    UNIT_IMPORT,
    UNIT_SET_SUCCESSORS,
    UNIT_UPDATE,
)
from .importing import CREATE, UPDATE, ImportPreview, plan_import
from .models import Unit
from .permissions import (
    ensure_can_change_unit,
    ensure_can_create_unit,
    ensure_can_import_units,
    ensure_can_mark_organiser,
)
from .validators import (
    ADDRESS_MAX_LENGTH,
    NAME_MAX_LENGTH,
    SHORT_NAME_MAX_LENGTH,
    code_error,
    kind_error,
    range_error,
    text_error,
)


class _Unset:
    """Marks an argument of ``unit_update`` that was not given (None means "clear")."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = _Unset()

_SCALAR_FIELDS = ("name", "short_name", "kind", "valid_from", "valid_to", "address")


def _conflict_message(unit: Unit) -> str:
    return (
        f"Đơn vị “{unit.name}” vừa được người khác cập nhật sau khi bạn mở trang. "
        "Hãy tải lại trang để xem nội dung mới nhất rồi sửa lại."
    )


def _lock(actor: Any, unit: Unit, expected_revision: int | None) -> Unit:
    """The stored row, locked, after the permission check on it and the revision check."""
    return lock(
        Unit,
        unit.pk,
        actor=actor,
        check=ensure_can_change_unit,
        expected_revision=expected_revision,
        conflict_message=_conflict_message(unit),
        missing_message=f"Đơn vị “{unit.name}” không còn trong hệ thống; hãy tải lại trang.",
    )


def _save(row: Unit, fields: dict[str, Any]) -> None:
    """``save_versioned`` with the folded name kept in step (``update`` skips ``save()``)."""
    values = dict(fields)
    if "name" in values:
        values["name_folded"] = fold(values["name"])
    save_versioned(row, values, conflict_message=_conflict_message(row))


def _audit_value(value: Any) -> Any:
    if isinstance(value, Unit):
        return value.code
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return value


def _validate(
    *,
    unit: Unit | None,
    name: str,
    short_name: str,
    kind: str,
    parent: Unit | None,
    organiser: Unit | None,
    valid_from: date | None,
    valid_to: date | None,
    address: str,
) -> None:
    """Raise ``ServiceError`` naming each wrong field (keys are the form's field names)."""
    errors: dict[str, str] = {}
    checks = {
        "name": text_error(name, label="Tên đơn vị", max_length=NAME_MAX_LENGTH, required=True),
        "short_name": text_error(short_name, label="Tên ngắn", max_length=SHORT_NAME_MAX_LENGTH),
        "address": text_error(address, label="Địa chỉ", max_length=ADDRESS_MAX_LENGTH),
        "kind": kind_error(kind),
        "valid_to": range_error(valid_from, valid_to),
    }
    errors.update({k: v[:1].upper() + v[1:] for k, v in checks.items() if v})
    if parent is not None and unit is not None and unit.pk is not None:
        if parent.pk == unit.pk:
            errors["parent"] = "Một đơn vị không thể là cấp trên của chính nó."
        elif any(a.pk == unit.pk for a in parent.ancestors()):
            errors["parent"] = (
                f"{parent.name} đang là đơn vị cấp dưới của {unit.name}: "
                "quan hệ cấp trên sẽ tạo thành vòng lặp."
            )
    if organiser is not None and not organiser.is_organiser:
        errors["organiser"] = f"{organiser.name} không phải cơ quan tổ chức đánh giá."
    if errors:
        raise ServiceError(errors)


def unit_create(
    *,
    actor: Any,
    code: str,
    name: str,
    kind: str,
    organiser: Unit | None = None,
    short_name: str = "",
    parent: Unit | None = None,
    valid_from: date | None = None,
    valid_to: date | None = None,
    address: str = "",
    is_organiser: bool = False,
    successors: Iterable[Unit] = (),
) -> Unit:
    """Add a unit to ``organiser``'s registry (no organiser: admin only), with the units that
    took it over when given — all in one transaction."""
    with transaction.atomic():
        ensure_can_create_unit(actor, organiser)
        if is_organiser:
            ensure_can_mark_organiser(actor)
        code, name, short_name, address = nfc(code), nfc(name), nfc(short_name), nfc(address)
        if message := code_error(code):
            raise ServiceError({"code": message[:1].upper() + message[1:]})
        existing = Unit.objects.filter(code=code).first()
        if existing is not None:
            raise ServiceError({"code": f"Mã '{code}' đã được dùng cho đơn vị {existing.name}."})
        _validate(
            unit=None,
            name=name,
            short_name=short_name,
            kind=kind,
            parent=parent,
            organiser=organiser,
            valid_from=valid_from,
            valid_to=valid_to,
            address=address,
        )
        unit = Unit(
            code=code,
            name=name,
            short_name=short_name,
            kind=kind,
            organiser=organiser,
            parent=parent,
            valid_from=valid_from,
            valid_to=valid_to,
            address=address,
            is_organiser=is_organiser,
        )
        try:
            with transaction.atomic():
                unit.save()
        except IntegrityError as exc:  # a concurrent insert of the same code
            raise ServiceError({"code": f"Mã '{code}' đã được dùng."}) from exc
        values = {
            "code": code,
            "name": name,
            "short_name": short_name,
            "kind": kind,
            "organiser": organiser,
            "parent": parent,
            "valid_from": valid_from,
            "valid_to": valid_to,
            "address": address,
            "is_organiser": is_organiser,
        }
        audit_record(
            actor=actor,
            action=UNIT_CREATE,
            obj=unit,
            changes={k: [None, _audit_value(v)] for k, v in values.items() if v not in ("", None)},
            scope_unit_id=unit.pk,
        )
        targets = list(successors)
        if targets:
            row = _lock(actor, unit, None)
            _change_successors(actor, row, targets)
            copy_back(unit, row)
        return unit


def _given(**fields: Any) -> dict[str, Any]:
    given = {k: v for k, v in fields.items() if not isinstance(v, _Unset)}
    for key in ("name", "short_name", "address"):
        if key in given:
            given[key] = nfc(given[key])
    return given


def _change_fields(actor: Any, row: Unit, given: dict[str, Any]) -> None:
    """Validate and write the given fields on the locked ``row``; audit what changed."""
    new = {
        key: given.get(key, getattr(row, key))
        for key in (*_SCALAR_FIELDS, "parent", "organiser", "is_organiser")
    }
    if new["organiser"] != row.organiser:
        ensure_can_create_unit(actor, new["organiser"])
    if new["is_organiser"] != row.is_organiser:
        ensure_can_mark_organiser(actor)
    _validate(
        unit=row,
        name=new["name"],
        short_name=new["short_name"],
        kind=new["kind"],
        parent=new["parent"],
        organiser=new["organiser"],
        valid_from=new["valid_from"],
        valid_to=new["valid_to"],
        address=new["address"],
    )
    changed = {k: v for k, v in new.items() if getattr(row, k) != v}
    if not changed:
        return
    changes = {k: [_audit_value(getattr(row, k)), _audit_value(v)] for k, v in changed.items()}
    _save(row, changed)
    audit_record(actor=actor, action=UNIT_UPDATE, obj=row, changes=changes, scope_unit_id=row.pk)


def _change_successors(actor: Any, row: Unit, successors: Iterable[Unit]) -> None:
    """Set the successors of the locked ``row`` (a revision step and an audit entry if changed)."""
    targets = {s.pk: s for s in successors}
    if row.pk in targets:
        raise ServiceError({"successors": "Một đơn vị không thể kế thừa chính nó."})
    before = sorted(row.successors.values_list("code", flat=True))
    after = sorted(s.code for s in targets.values())
    if before == after:
        return
    _save(row, {})
    row.successors.set(list(targets.values()))
    audit_record(
        actor=actor,
        action=UNIT_SET_SUCCESSORS,
        obj=row,
        changes={"successors": [before, after]},
        scope_unit_id=row.pk,
    )


def unit_update(
    *,
    actor: Any,
    unit: Unit,
    expected_revision: int,
    name: str | _Unset = UNSET,
    short_name: str | _Unset = UNSET,
    kind: str | _Unset = UNSET,
    parent: Unit | _Unset | None = UNSET,
    valid_from: date | _Unset | None = UNSET,
    valid_to: date | _Unset | None = UNSET,
    address: str | _Unset = UNSET,
    organiser: Unit | _Unset | None = UNSET,
    is_organiser: bool | _Unset = UNSET,
    successors: Iterable[Unit] | _Unset = UNSET,
) -> Unit:
    """Change the given fields (and, when given, the successors: the edit page saves both
    together, or nothing); ``expected_revision`` is the one the user loaded (else
    ``ConflictError`` carrying both revisions). ``unit`` gets the stored values back."""
    with transaction.atomic():
        row = _lock(actor, unit, expected_revision)
        given = _given(
            name=name,
            short_name=short_name,
            kind=kind,
            parent=parent,
            valid_from=valid_from,
            valid_to=valid_to,
            address=address,
            organiser=organiser,
            is_organiser=is_organiser,
        )
        _change_fields(actor, row, given)
        if not isinstance(successors, _Unset):
            _change_successors(actor, row, successors)
        copy_back(unit, row)
        return unit


# Import and export ---------------------------------------------------------------------------

FileLike = IO[bytes] | bytes


def _read_bytes(file: FileLike) -> tuple[bytes, str]:
    if isinstance(file, bytes):
        return file, ""
    name = str(getattr(file, "name", "") or "")
    if hasattr(file, "seek"):
        file.seek(0)
    return file.read(), name.rsplit("/", 1)[-1]


def _plan(organiser: Unit | None, file: FileLike) -> ImportPreview:
    data, filename = _read_bytes(file)
    return plan_import(organiser=organiser, sheet=xlsx.read_sheet(data), filename=filename)


def unit_import_preview(*, actor: Any, organiser: Unit | None, file: FileLike) -> ImportPreview:
    """What importing ``file`` into ``organiser``'s registry would do; nothing is saved."""
    with transaction.atomic():
        ensure_can_import_units(actor, organiser)
        return _plan(organiser, file)


def unit_import_apply(*, actor: Any, organiser: Unit | None, file: FileLike) -> ImportPreview:
    """Import all rows or none: any error raises ``ServiceError`` listing every bad row.

    Rows are matched by code: new codes are created in ``organiser``'s registry, existing
    ones updated; unchanged rows are not touched, so importing the same file twice changes
    nothing the second time.
    """
    with transaction.atomic():
        ensure_can_import_units(actor, organiser)
        preview = _plan(organiser, file)
        if not preview.is_valid:
            raise ServiceError(preview.errors or ["Tệp không có dòng dữ liệu nào."])
        by_code = dict(preview.units_by_code)
        rows = [r for r in preview.rows if r.action in (CREATE, UPDATE)]
        for row in rows:
            if row.action != CREATE:
                continue
            unit = Unit(
                code=row.code,
                name=row.name,
                short_name=row.short_name,
                kind=row.kind,
                organiser=organiser,
                valid_from=row.valid_from,
                valid_to=row.valid_to,
                address=row.address,
            )
            unit.save()
            row.unit = by_code[row.code] = unit
        for row in rows:
            if row.unit is None:  # every row was found in the plan or created above
                raise RuntimeError(f"unit {row.code} missing from the import plan")
            unit = row.unit
            fields: dict[str, Any] = {}
            if row.action == UPDATE:
                fields = {k: getattr(row, k) for k in _SCALAR_FIELDS if k in row.changes}
            if "parent" in row.changes:
                fields["parent"] = by_code[row.parent_code] if row.parent_code else None
            if row.action == UPDATE:
                _save(unit, fields)
            elif fields:
                Unit.objects.filter(pk=unit.pk).update(**fields)
                unit.parent = fields["parent"]
            if "successors" in row.changes:
                unit.successors.set([by_code[c] for c in row.successor_codes])
            audit_record(
                actor=actor,
                action=IMPORT_ROW_ACTIONS[row.action],
                obj=unit,
                changes={
                    k: [_audit_value(o), _audit_value(n)] for k, (o, n) in row.changes.items()
                },
                scope_unit_id=unit.pk,
            )
        if organiser is not None:
            audit_record(
                actor=actor,
                action=UNIT_IMPORT,
                obj=organiser,
                changes={
                    "file": [None, preview.filename],
                    "created": [None, preview.created],
                    "updated": [None, preview.updated],
                    "unchanged": [None, preview.unchanged],
                },
                scope_unit_id=organiser.pk,
            )
        return preview


def unit_export_rows(units: Iterable[Unit]) -> list[dict[str, Any]]:
    if isinstance(units, QuerySet):
        units = units.select_related("parent").prefetch_related("successors")
    return [
        {
            "code": u.code,
            "name": u.name,
            "short_name": u.short_name,
            "kind": u.kind,
            "parent": u.parent.code if u.parent_id and u.parent else "",
            "valid_from": u.valid_from,
            "valid_to": u.valid_to,
            "successors": ", ".join(sorted(s.code for s in u.successors.all())),
            "address": u.address,
        }
        for u in units
    ]


def unit_export_xlsx(*, units: Iterable[Unit]) -> bytes:
    """The given units (already limited to what the user may see) as a re-importable file."""
    return xlsx.write_workbook(unit_export_rows(units))


def unit_import_template_xlsx() -> bytes:
    """An empty file with the header row and the instruction sheet."""
    return xlsx.write_workbook([])
