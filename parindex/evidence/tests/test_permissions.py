"""Who may open which document: preview and download by role, the library, the panel."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from parindex.evidence.permissions import (
    can_edit_document,
    can_upload_to,
    documents_visible_to,
    library_units,
)

from .world import add_document

pytestmark = pytest.mark.django_db

# role -> may see the commune's documents
MATRIX = {
    "head": True,
    "focal": True,
    "officer": True,
    "other_officer": False,  # an officer of another unit
    "other_head": False,
    "organiser": True,
    "other_organiser": False,
    "council": True,
    "chairman": True,
    "observer": True,
    "admin": True,
}


def client_for(world, role):
    client = Client()
    if role is not None:
        client.force_login(world.users[role])
    return client


@pytest.mark.parametrize(("role", "allowed"), MATRIX.items())
@pytest.mark.parametrize("view", ["evidence:preview", "evidence:download", "evidence:detail"])
def test_preview_and_download_by_role(world, role, allowed, view):
    document = add_document(world)
    response = client_for(world, role).get(reverse(view, args=[document.pk]))
    assert response.status_code == (200 if allowed else 404)
    if allowed and view != "evidence:detail":
        body = b"".join(response.streaming_content)
        assert body.startswith(b"%PDF-")


@pytest.mark.parametrize("view", ["evidence:preview", "evidence:download", "evidence:detail"])
def test_anonymous_is_sent_to_log_in(world, view):
    document = add_document(world)
    response = Client().get(reverse(view, args=[document.pk]))
    assert response.status_code == 302 and "/tai-khoan/dang-nhap/" in response["Location"]


def test_other_organiser_and_other_units_see_no_document(world):
    add_document(world)
    for role in ("other_organiser", "other_officer", "other_head"):
        assert not documents_visible_to(world.users[role]).exists()
    assert documents_visible_to(world.users["council"]).count() == 1


def test_library_units(world):
    assert set(library_units(world.users["head"])) == {world.commune}
    assert set(library_units(world.users["organiser"])) == {world.commune, world.commune2}
    assert not library_units(world.users["other_organiser"]).exists()


def test_only_the_units_people_upload(world):
    assert can_upload_to(world.users["officer"], world.commune)
    for role in ("other_head", "organiser", "council", "observer", "admin"):
        assert not can_upload_to(world.users[role], world.commune)


def test_organiser_side_reads_but_never_edits(world):
    document = add_document(world)
    for role in ("organiser", "council", "chairman", "observer", "other_head"):
        assert not can_edit_document(world.users[role], document)
    assert can_edit_document(world.users["focal"], document)


@pytest.mark.parametrize(
    ("role", "status", "can_change"),
    [
        ("head", 200, True),
        ("focal", 200, True),
        ("officer", 200, False),  # nothing assigned to them
        ("organiser", 200, False),
        ("council", 200, False),
        ("other_head", 404, False),
        ("other_organiser", 404, False),
    ],
)
def test_node_panel_by_role(world, role, status, can_change):
    assessment = world.assessment()
    url = reverse("evidence:node_panel", kwargs={"assessment_id": assessment.pk, "code": "1.1"})
    response = client_for(world, role).get(url, headers={"HX-Request": "true"})
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert ("Tải tệp mới lên" in html) is can_change
        assert ("Gắn tài liệu có sẵn" in html) is can_change


def test_attach_by_post_refused_for_the_organiser(world):
    assessment = world.assessment()
    document = add_document(world)
    url = reverse("evidence:node_attach", kwargs={"assessment_id": assessment.pk, "code": "1.1"})
    response = client_for(world, "organiser").post(
        url, {"document": document.pk}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "Bạn không được giao chấm tiêu chí 1.1" in response.content.decode()
    assert not document.links.exists()
