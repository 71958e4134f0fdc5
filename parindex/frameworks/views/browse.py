"""The list of versions, the tree browser and the downloads."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from parindex.scoring import Questionnaire
from parindex.scoring.words import RuleWords, rule_in_words

from ..models import CriterionNode, DraftComment, FrameworkQuestionnaire
from ..permissions import (
    can_import_framework,
    can_manage_framework,
    can_view_comments,
    comment_units,
    commentable_version_ids,
)
from ..selectors import (
    criterion_nodes,
    framework_version_list,
    get_engine_framework,
    search_tree,
    stored_questionnaires,
    version_document,
)
from .common import XLSX_TYPE, YAML_TYPE, attachment, version_filename, version_or_404


@login_required
@require_GET
def version_list(request: HttpRequest) -> HttpResponse:
    versions = list(framework_version_list(user=request.user))
    organisers = {v.organiser_id for v in versions}
    context = {
        "versions": versions,
        "many_organisers": len(organisers) > 1,
        "can_import": can_import_framework(request.user),
        "commentable": commentable_version_ids(request.user),
    }
    return render(request, "frameworks/list.html", context)


@dataclass(frozen=True, slots=True)
class TreeItem:
    node: CriterionNode
    matched: bool
    rule: RuleWords | None
    comments: int
    open_comments: int


@login_required
@require_GET
def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The tree browser: every node with its points, rule in words, source, evidence and
    guidance; ``?q=`` keeps the nodes matching a code or a name (without diacritics) and
    their ancestors."""
    version = version_or_404(request, pk)
    query = request.GET.get("q", "").strip()[:200]
    nodes = criterion_nodes(version)
    rows = search_tree(nodes, query)
    framework = get_engine_framework(version)
    show_comments = version.is_draft and can_view_comments(request.user, version)
    counts: dict[str, tuple[int, int]] = {}
    if show_comments:
        for row in (
            DraftComment.objects.filter(framework=version)
            .values("node_code")
            .annotate(total=Count("id"), open=Count("id", filter=Q(is_handled=False)))
        ):
            counts[row["node_code"]] = (row["total"], row["open"])
    items = [
        TreeItem(
            node=r.node,
            matched=r.matched,
            rule=rule_in_words(framework.by_code[r.node.code], framework)
            if r.node.is_leaf and r.node.code in framework.by_code
            else None,
            comments=counts.get(r.node.code, (0, 0))[0],
            open_comments=counts.get(r.node.code, (0, 0))[1],
        )
        for r in rows
    ]
    questionnaires = list(FrameworkQuestionnaire.objects.filter(framework=version).order_by("code"))
    can_manage = can_manage_framework(request.user, version)
    context: dict[str, Any] = {
        "version": version,
        "framework": framework,
        "items": items,
        "query": query,
        "matches": sum(1 for r in rows if r.matched),
        "questionnaires": questionnaires,
        "can_manage": can_manage,
        "can_edit": can_manage and version.is_draft,
        "show_comments": show_comments,
        "comments_total": sum(total for total, _open in counts.values()),
        "comments_open": sum(open_ for _total, open_ in counts.values()),
        "can_comment": bool(comment_units(request.user, version)),
    }
    return render(request, "frameworks/detail.html", context)


@login_required
@require_GET
def download_yaml(request: HttpRequest, pk: int) -> HttpResponse:
    version = version_or_404(request, pk)
    return attachment(
        version.canonical_yaml.encode("utf-8"), version_filename(version, ".yaml"), YAML_TYPE
    )


def workbook_bytes(doc: Any, questionnaires: Sequence[Questionnaire] = ()) -> bytes:
    """The .xlsx form of a document (written by the engine's xlsx layer); ``questionnaires``:
    the separate ones stored with it, so that survey criteria are worded with their questions."""
    from parindex.scoring.xlsxform import write_workbook

    handle, path = tempfile.mkstemp(suffix=".xlsx", prefix="parindex-export-")
    os.close(handle)
    try:
        write_workbook(doc, path, questionnaires=tuple(questionnaires))
        with open(path, "rb") as stream:
            return stream.read()
    finally:
        os.unlink(path)


@login_required
@require_GET
def download_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    version = version_or_404(request, pk)
    data = workbook_bytes(version_document(version), stored_questionnaires(version))
    return attachment(data, version_filename(version, ".xlsx"), XLSX_TYPE)


@login_required
@require_GET
def download_questionnaire(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    version = version_or_404(request, pk)
    row = FrameworkQuestionnaire.objects.filter(
        framework=version, code=code, is_inline=False
    ).first()
    if row is None:
        raise Http404("Không tìm thấy phiếu khảo sát")
    return attachment(
        row.canonical_yaml.encode("utf-8"), f"{row.code}.questionnaire.yaml", YAML_TYPE
    )
