"""The form, autosave and the submission snapshot give exactly what ``parindex framework score``
gives on the same inputs (the example set, every rule shape, driven through entry_save)."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from parindex.cli import main as cli_main
from parindex.scoring.yamlio import dump_canonical_yaml, load_yaml_file

from ..context import context_for
from ..models import Entry
from ..services import assessment_submit, entry_save
from .factories import EXAMPLE_SET

GOLDEN = EXAMPLE_SET.parent / "golden" / "vd-xa-2025" / "son-linh.facts.yaml"
_POINTS = re.compile(
    r'<section class="crit" id="n-([0-9-]+)".*?<span class="points[^"]*" data-points>([^<]*)<',
    re.S,
)


def ui_text(value: Any) -> Any:
    """A facts value as an officer types it: decimal comma, dd/mm/yyyy, có/không."""
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal | int):
        return format(value, "f").replace(".", ",")
    if isinstance(value, list):
        return [bool(v) for v in value]
    return str(value)


def comma(text: str | None) -> str:
    return "Không áp dụng" if text is None else text.replace(".", ",")


@pytest.fixture
def filled(world: Any) -> tuple[Any, dict[str, Any]]:
    """Son Lĩnh's golden facts typed into the form, criterion by criterion."""
    a = world.assessment()
    ctx = context_for(a)
    values = load_yaml_file(GOLDEN)["values"]
    entered: dict[str, Any] = {}
    for code, facts in values.items():
        node = ctx.framework.by_code[code]
        if ctx.excluded_reason(node) is not None:
            continue  # survey- and organiser-sourced: not the unit's to fill
        note = "Hồ sơ lưu tại Văn phòng UBND xã" if node.evidence.value == "required" else ""
        if "not_applicable" in facts:
            entry_save(
                actor=world.users["focal"],
                assessment=a,
                node_code=code,
                raw_inputs={},
                not_applicable_reason=facts["not_applicable"],
                justification=note,
                expected_revision=0,
            )
        else:
            raw = {name: ui_text(v) for name, v in facts.items()}
            entry_save(
                actor=world.users["focal"],
                assessment=a,
                node_code=code,
                raw_inputs=raw,
                justification=note,
                expected_revision=0,
            )
        entered[code] = facts
    return a, entered


def cli_score(tmp_path: Path, facts: dict[str, Any], capsys: Any) -> dict[str, Any]:
    doc = {
        "format": "parindex-facts/1",
        "framework": "vd-xa-2025",
        "unit": {"code": "t-son-linh", "name": "UBND xã Sơn Lĩnh", "kind": "xa"},
        "values": facts,
    }
    path = tmp_path / "facts.yaml"
    path.write_text(dump_canonical_yaml(doc), encoding="utf-8")
    capsys.readouterr()
    assert cli_main(["framework", "score", str(EXAMPLE_SET), str(path), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_form_points_equal_the_command(
    filled: Any, world: Any, tmp_path: Path, capsys: Any
) -> None:
    a, entered = filled
    expected = cli_score(tmp_path, entered, capsys)
    leaves = {n["code"]: n for n in expected["nodes"]}
    # What autosave stored, criterion by criterion.
    stored = {e.node_code: e for e in Entry.objects.filter(assessment=a)}
    assert set(stored) == set(entered)
    for code, entry in stored.items():
        want = leaves[code]["points"]
        got = None if entry.points is None else format(entry.points.quantize(Decimal("0.01")))
        assert got == want, code
        if want is not None:  # the same explanation in words, numbers with a decimal comma
            assert entry.explanation == leaves[code]["explanation"], code
            assert comma(want) in entry.explanation, code
    # What the page shows beside each criterion.
    client = Client()
    client.force_login(world.users["focal"])
    page = html.unescape(client.get(reverse("assessments:detail", args=[a.pk])).content.decode())
    shown = {m.group(1).replace("-", "."): m.group(2) for m in _POINTS.finditer(page)}
    for code in entered:
        assert shown[code] == comma(leaves[code]["points"]), code
    # The live preview agrees too, for one criterion of each rule shape.
    for code, post in {
        "1.1.1": {"in-issued_on": "20/01/2025"},
        "1.4.1": {"in-done": "9", "in-planned": "10"},
        "1.4.2": {"in-items": "1", "in-items-0": "1", "in-items-1": "1"},
        "1.3.1": {"in-met": "có"},
        "2.1": {"in-score": "1,5"},
        "3.1.1": {"in-posted_pct": "95"},
    }.items():
        fragment = client.post(reverse("assessments:preview", args=[a.pk, code]), post)
        assert comma(leaves[code]["points"]) in fragment.content.decode(), code
    a.refresh_from_db()
    assert format(a.claimed_total.quantize(Decimal("0.01"))) == expected["total"]


def test_snapshot_equals_the_command(filled: Any, world: Any, tmp_path: Path, capsys: Any) -> None:
    a, entered = filled
    expected = cli_score(tmp_path, entered, capsys)
    submission = assessment_submit(actor=world.users["head"], assessment=a)
    snapshot = json.loads(submission.snapshot)
    for key, value in expected.items():
        assert snapshot[key] == value, key
    assert snapshot["missing"] == ["8.1.1", "8.1.2", "8.2"] + [
        c for c in expected["missing"] if not c.startswith("8.")
    ]
