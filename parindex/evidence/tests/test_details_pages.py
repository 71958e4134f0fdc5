"""A document's details saved from its page and from the confirmation page alike: saved and
redirected, or the service's refusal shown on the form."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from .world import add_document

pytestmark = pytest.mark.django_db


def _client(world):
    client = Client()
    client.force_login(world.users["head"])
    return client


def _fields(document, prefix=""):
    lead = f"{prefix}-" if prefix else ""
    return {
        f"{lead}number_symbol": "15/KH-UBND",
        f"{lead}issued_on": "02/03/2025",
        f"{lead}issuer": "UBND xã Sơn Lĩnh",
        f"{lead}title": "Kế hoạch đã sửa",
        f"{lead}revision": document.revision,
    }


def test_document_page_saves_the_details(world):
    document = add_document(world)
    url = reverse("evidence:detail", args=[document.pk])
    response = _client(world).post(url, _fields(document))
    assert response.status_code == 302 and response["Location"] == url
    document.refresh_from_db()
    assert (document.number_symbol, document.title) == ("15/KH-UBND", "Kế hoạch đã sửa")


def test_document_page_shows_the_refusal_on_the_form(world):
    document = add_document(world)
    stale = {**_fields(document), "revision": document.revision - 1}
    response = _client(world).post(reverse("evidence:detail", args=[document.pk]), stale)
    assert response.status_code == 200
    assert "vừa được người khác sửa" in response.content.decode()
    document.refresh_from_db()
    assert document.number_symbol == "12/KH-UBND"


def test_confirm_page_shows_the_refusal_on_that_document_form(world):
    document = add_document(world)
    prefix = f"d{document.pk}"
    stale = {**_fields(document, prefix), f"{prefix}-revision": document.revision - 1}
    url = reverse("evidence:confirm", kwargs={"unit_code": world.commune.code})
    response = _client(world).post(url, {"ids": str(document.pk), **stale})
    assert response.status_code == 200
    assert "vừa được người khác sửa" in response.content.decode()
    document.refresh_from_db()
    assert document.number_symbol == "12/KH-UBND"
