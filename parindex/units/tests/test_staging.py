"""The uploaded list kept between preview and confirmation (``parindex.units.staging``)."""

from __future__ import annotations

import io
import os
import time

import pytest
from django.core import signing
from django.core.files.storage import default_storage

from parindex.units import staging


def _stored() -> list[str]:
    """Every staged file, as its storage path (each upload has its own folder)."""
    try:
        folders, loose = default_storage.listdir(staging.IMPORT_DIR)
    except FileNotFoundError:
        return []
    found = [f"{staging.IMPORT_DIR}/{name}" for name in loose]
    for folder in folders:
        found += [
            f"{staging.IMPORT_DIR}/{folder}/{name}"
            for name in default_storage.listdir(f"{staging.IMPORT_DIR}/{folder}")[1]
        ]
    return found


def test_a_staged_upload_comes_back_through_its_ticket_and_is_discarded():
    token = staging.stage_import(
        io.BytesIO(b"xlsx bytes"), user_id=7, organiser_id=3, name="don-vi.xlsx"
    )
    staged = staging.open_ticket(token)
    assert (staged.user_id, staged.organiser_id, staged.name) == (7, 3, "don-vi.xlsx")
    file = staged.read_file()
    assert file is not None and file.read() == b"xlsx bytes" and file.name == "don-vi.xlsx"
    staged.discard()
    assert staged.read_file() is None


def test_forged_and_expired_tickets_are_refused(monkeypatch):
    with pytest.raises(staging.TicketInvalid):
        staging.open_ticket("forged")
    with pytest.raises(staging.TicketInvalid):
        staging.open_ticket(signing.dumps({"path": "x"}, salt="another.salt"))
    token = staging.stage_import(io.BytesIO(b"x"), user_id=1, organiser_id=None, name="a.xlsx")
    monkeypatch.setattr(staging, "IMPORT_MAX_AGE", -1)
    with pytest.raises(staging.TicketExpired):
        staging.open_ticket(token)


def test_copies_nobody_confirmed_within_a_day_are_removed_on_the_next_upload():
    old = staging.open_ticket(
        staging.stage_import(io.BytesIO(b"old"), user_id=1, organiser_id=None, name="a.xlsx")
    )
    day_ago = time.time() - 2 * 24 * 3600
    os.utime(default_storage.path(old.path), (day_ago, day_ago))
    fresh = staging.open_ticket(
        staging.stage_import(io.BytesIO(b"new"), user_id=1, organiser_id=None, name="b.xlsx")
    )
    names = _stored()
    assert old.path not in names
    assert fresh.path in names
    fresh.discard()
