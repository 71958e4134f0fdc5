"""The uploaded list kept between preview and confirmation (``parindex.units.staging``)."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage

from parindex.core.staging import TicketExpired, TicketInvalid, TicketUsed
from parindex.units import staging

pytestmark = pytest.mark.django_db


def test_a_staged_list_comes_back_named_as_uploaded_once(organiser_user):
    token = staging.STAGE.stage([("don-vi.xlsx", b"xlsx bytes")], user=organiser_user, organiser=3)
    assert default_storage.listdir(staging.IMPORT_DIR)[0]  # kept under the import folder
    staged = staging.STAGE.take(token, user=organiser_user)
    assert staged.meta["organiser"] == 3
    file = staged.file.as_file()
    assert (file.name, file.read()) == ("don-vi.xlsx", b"xlsx bytes")
    with pytest.raises(TicketUsed):
        staging.STAGE.take(token, user=organiser_user)


def test_the_page_words_each_refusal():
    assert "quá hạn một giờ" in staging.WORDING.message(TicketExpired())
    assert "không hợp lệ" in staging.WORDING.message(TicketInvalid())
    assert "đã được nhập hoặc đã bị xóa" in staging.WORDING.message(TicketUsed())
