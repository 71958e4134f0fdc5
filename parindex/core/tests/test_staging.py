"""The one staging mechanism every import's preview → confirmation uses."""

from __future__ import annotations

import os
import time

import pytest
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from parindex.core.staging import (
    TicketExpired,
    TicketInvalid,
    UploadStage,
    discard,
    staged_files,
)

STAGE = UploadStage("tmp/test-stage", "parindex.tests.stage")


def test_files_and_what_was_signed_come_back_then_are_gone() -> None:
    ticket = STAGE.stage([("a.xlsx", b"1"), ("b.yaml", b"2")], user=7, into=None)
    staged = STAGE.open(ticket, max_age=60)
    assert dict(staged.meta) == {"user": 7, "into": None}
    assert staged_files(staged) == [("a.xlsx", b"1"), ("b.yaml", b"2")]
    discard(staged)
    assert staged_files(staged) is None
    discard(staged)  # twice is harmless


def test_tickets_of_another_importer_expired_or_naming_other_files_are_refused() -> None:
    ticket = STAGE.stage([("a.xlsx", b"1")])
    with pytest.raises(TicketExpired):
        STAGE.open(ticket, max_age=-1)
    with pytest.raises(TicketInvalid):
        UploadStage("tmp/test-stage", "another.salt").open(ticket, max_age=60)
    for paths in (["evidence/secret.pdf"], ["tmp/test-stage/../evidence/x"], "tmp/test-stage/x"):
        forged = signing.dumps({"paths": paths, "names": ["a"]}, salt=STAGE.salt)
        with pytest.raises(TicketInvalid):
            STAGE.open(forged, max_age=60)
    discard(STAGE.open(ticket, max_age=60))


def test_stages_older_than_a_day_are_removed_when_the_next_one_is_made() -> None:
    old = default_storage.save("tmp/test-stage/old/0.bin", ContentFile(b"old"))
    loose = default_storage.save("tmp/test-stage/loose.bin", ContentFile(b"old"))
    day_ago = time.time() - 2 * 24 * 3600
    for path in (old, loose):
        os.utime(default_storage.path(path), (day_ago, day_ago))
    kept = STAGE.open(STAGE.stage([("a.xlsx", b"new")]), max_age=60)
    assert not default_storage.exists(old) and not default_storage.exists(loose)
    assert staged_files(kept) == [("a.xlsx", b"new")]
    discard(kept)
