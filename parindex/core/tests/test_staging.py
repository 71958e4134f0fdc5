"""The one staging mechanism every import's preview → confirmation uses."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, replace

import pytest
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from parindex.core.staging import (
    StagedFile,
    TicketExpired,
    TicketInvalid,
    TicketUsed,
    TicketWording,
    UploadStage,
)

STAGE = UploadStage("tmp/test-stage", "parindex.tests.stage")


@dataclass(frozen=True)
class Person:
    pk: int | None


ANH, BINH = Person(7), Person(8)


def _stored() -> list[str]:
    try:
        folders, loose = default_storage.listdir(STAGE.folder)
    except FileNotFoundError:
        return []
    found = [f"{STAGE.folder}/{name}" for name in loose]
    for folder in folders:
        path = f"{STAGE.folder}/{folder}"
        found += [f"{path}/{name}" for name in default_storage.listdir(path)[1]]
    return found


@pytest.fixture(autouse=True)
def _empty_stage() -> None:
    for path in _stored():
        default_storage.delete(path)


def test_files_and_what_was_signed_come_back_once() -> None:
    ticket = STAGE.stage([("a.xlsx", b"1"), ("b.yaml", b"2")], user=ANH, into=3, revision=None)
    assert len(_stored()) == 2
    staged = STAGE.take(ticket, user=ANH, into=3)
    assert dict(staged.meta) == {"into": 3, "revision": None}
    assert staged.files == (StagedFile("a.xlsx", b"1"), StagedFile("b.yaml", b"2"))
    assert staged.file.name == "a.xlsx"
    as_file = staged.file.as_file()
    assert (as_file.name, as_file.read()) == ("a.xlsx", b"1")
    assert _stored() == []  # taken: read and removed
    with pytest.raises(TicketUsed) as used:
        STAGE.take(ticket, user=ANH)
    assert dict(used.value.meta) == {"into": 3, "revision": None}  # where to send the person


def test_a_ticket_is_the_stager_s_and_bound_to_what_it_was_staged_for() -> None:
    ticket = STAGE.stage([("a.xlsx", b"1")], user=ANH, into=3)
    for person in (BINH, Person(None), None):
        with pytest.raises(TicketInvalid):
            STAGE.take(ticket, user=person)
    with pytest.raises(TicketInvalid) as invalid:
        STAGE.take(ticket, user=ANH, into=4)
    assert invalid.value.meta == {}  # nothing of a refused ticket is trusted
    with pytest.raises(TicketInvalid):
        STAGE.take(ticket, user=ANH, other=3)
    assert len(_stored()) == 1  # refusals leave the stage to its owner
    assert STAGE.take(ticket, user=ANH, into=3).file.content == b"1"


def test_expired_forged_foreign_and_outside_tickets_are_refused() -> None:
    ticket = STAGE.stage([("a.xlsx", b"1")], user=ANH)
    with pytest.raises(TicketExpired):
        replace(STAGE, max_age=-1).take(ticket, user=ANH)
    with pytest.raises(TicketInvalid):
        UploadStage(STAGE.folder, "another.salt").take(ticket, user=ANH)
    for forged in ("", "x", signing.dumps([1], salt=STAGE.salt)):
        with pytest.raises(TicketInvalid):
            STAGE.take(forged, user=ANH)
    for paths in (
        ["evidence/secret.pdf"],
        ["tmp/test-stage/../evidence/x"],
        "tmp/test-stage/x",
        [],
        ["tmp/test-stage/a", "tmp/test-stage/b"],  # two files, one name
    ):
        payload = {"paths": paths, "names": ["a"], "user": ANH.pk, "meta": {}}
        with pytest.raises(TicketInvalid):
            STAGE.take(signing.dumps(payload, salt=STAGE.salt), user=ANH)
    STAGE.take(ticket, user=ANH)


def test_a_stage_partly_gone_is_used_and_the_rest_removed() -> None:
    ticket = STAGE.stage([("a.xlsx", b"1"), ("b.yaml", b"2")], user=ANH)
    first = sorted(_stored())[0]
    default_storage.delete(first)
    with pytest.raises(TicketUsed):
        STAGE.take(ticket, user=ANH)
    assert _stored() == []


def test_stages_older_than_a_day_are_removed_when_the_next_one_is_made() -> None:
    old = default_storage.save("tmp/test-stage/old/0.bin", ContentFile(b"old"))
    loose = default_storage.save("tmp/test-stage/loose.bin", ContentFile(b"old"))
    day_ago = time.time() - 2 * 24 * 3600
    for path in (old, loose):
        os.utime(default_storage.path(path), (day_ago, day_ago))
    stale_ticket = signing.dumps(
        {"paths": [old], "names": ["a.xlsx"], "user": ANH.pk, "meta": {}}, salt=STAGE.salt
    )
    ticket = STAGE.stage([("a.xlsx", b"new")], user=ANH)
    assert not default_storage.exists(old) and not default_storage.exists(loose)
    with pytest.raises(TicketUsed):
        STAGE.take(stale_ticket, user=ANH)
    assert STAGE.take(ticket, user=ANH).file.content == b"new"


def test_each_outcome_has_its_importer_s_words() -> None:
    words = TicketWording(expired="quá hạn", invalid="không hợp lệ", used="không còn")
    assert words.message(TicketExpired()) == "quá hạn"
    assert words.message(TicketInvalid()) == "không hợp lệ"
    assert words.message(TicketUsed()) == "không còn"
