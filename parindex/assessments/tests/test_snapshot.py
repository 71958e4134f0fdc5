"""Each submission is a numbered snapshot in the engine's canonical JSON that nothing changes."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from parindex.core.errors import ServiceError
from parindex.scoring import ENGINE_VERSION

from ..models import ImmutableError, Submission
from ..services import assessment_submit, assessment_withdraw, entry_save
from ..services import checks as check_services
from .helpers import fill_small


def test_snapshot_content(small_world: Any) -> None:
    w = small_world
    a = w.assessment()
    fill_small(w, a)
    entry_save(
        actor=w.users["focal"],
        assessment=a,
        node_code="1.1",
        raw_inputs={"score": "7,5"},
        justification="Kế hoạch số 12/KH-UBND ngày 20/01/2025",
        expected_revision=1,
    )
    submission = assessment_submit(actor=w.users["head"], assessment=a)
    doc = json.loads(submission.snapshot)
    assert doc["framework_sha256"] == w.version.sha256
    assert doc["engine_version"] == ENGINE_VERSION
    assert doc["inputs"] == {"1.1": {"score": "7.5"}}
    assert doc["raw_inputs"] == {"1.1": {"score": "7,5"}}
    assert doc["justifications"] == {"1.1": "Kế hoạch số 12/KH-UBND ngày 20/01/2025"}
    assert "evidence" in doc and doc["submission"]["number"] == 1
    nodes = {n["code"]: n for n in doc["nodes"]}
    assert nodes["1.1"]["points"] == "7.50" and nodes["1.1"]["explanation"]
    # Survey and organiser-sourced leaves are not the unit's: left missing.
    assert doc["missing"] == ["2.1", "2.2"]
    assert submission.sha256 == hashlib.sha256(submission.snapshot.encode()).hexdigest()
    # Canonical: sorted keys, no spaces.
    assert submission.snapshot == json.dumps(
        doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )


def test_snapshot_is_immutable(small_world: Any) -> None:
    w = small_world
    a = w.assessment()
    fill_small(w, a)
    submission = assessment_submit(actor=w.users["head"], assessment=a)
    text, digest = submission.snapshot, submission.sha256
    submission.snapshot = "{}"
    with pytest.raises(ImmutableError):
        submission.save()
    with pytest.raises(ImmutableError):
        submission.delete()
    with pytest.raises(ImmutableError):
        Submission.objects.filter(pk=submission.pk).update(snapshot="{}")
    with pytest.raises(ImmutableError):
        Submission.objects.filter(pk=submission.pk).delete()
    # Later edits do not touch it: withdraw, change the entry, submit again.
    assessment_withdraw(actor=w.users["head"], assessment=a)
    entry_save(
        actor=w.users["focal"],
        assessment=a,
        node_code="1.1",
        raw_inputs={"score": "2"},
        expected_revision=1,
    )
    second = assessment_submit(actor=w.users["head"], assessment=a)
    first = Submission.objects.get(pk=submission.pk)
    assert (first.snapshot, first.sha256) == (text, digest)
    assert json.loads(second.snapshot)["inputs"] == {"1.1": {"score": "2"}}
    assert second.number == 2


def test_snapshot_download_is_the_stored_text(small_world: Any) -> None:
    w = small_world
    a = w.assessment()
    fill_small(w, a)
    submission = assessment_submit(actor=w.users["head"], assessment=a)
    for role in ("head", "organiser"):
        client = Client()
        client.force_login(w.users[role])
        response = client.get(reverse("assessments:submission_json", args=[a.pk, 1]))
        assert response.status_code == 200
        assert response.content.decode() == submission.snapshot
        assert response["X-Content-SHA256"] == submission.sha256
        listing = client.get(reverse("assessments:submissions", args=[a.pk])).content.decode()
        assert "Tải JSON" in listing
    client = Client()
    client.force_login(w.users["other_head"])
    assert client.get(reverse("assessments:submission_json", args=[a.pk, 1])).status_code == 404


def test_blocking_evidence_checks_refuse_and_warnings_do_not(
    small_world: Any, monkeypatch: Any
) -> None:
    w = small_world
    a = w.assessment()
    fill_small(w, a)
    checks = [
        check_services.Check(True, "1.1", "Tiêu chí 1.1 thiếu tài liệu kiểm chứng"),
        check_services.Check(False, None, "Văn bản không có ngày"),
    ]
    monkeypatch.setattr(check_services, "evidence_checks", lambda assessment: checks)
    with pytest.raises(ServiceError) as caught:
        assessment_submit(actor=w.users["head"], assessment=a)
    assert "Tiêu chí 1.1 thiếu tài liệu kiểm chứng" in caught.value.messages
    assert not Submission.objects.exists()
    client = Client()
    client.force_login(w.users["head"])
    page = client.get(reverse("assessments:submit", args=[a.pk])).content.decode()
    assert "Cần khắc phục trước khi gửi" in page and "Văn bản không có ngày" in page
    assert 'id="confirm-submit"' not in page
    monkeypatch.setattr(check_services, "evidence_checks", lambda assessment: checks[1:])
    assert assessment_submit(actor=w.users["head"], assessment=a).number == 1


def test_submit_through_the_page(small_world: Any) -> None:
    w = small_world
    a = w.assessment()
    fill_small(w, a)
    client = Client()
    client.force_login(w.users["head"])
    page = client.get(reverse("assessments:submit", args=[a.pk])).content.decode()
    assert 'id="confirm-submit"' in page
    response = client.post(reverse("assessments:submit", args=[a.pk]))
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.status == "submitted" and a.submissions.count() == 1
