"""Writes to criteria sets: one function per state change.

Every function is one transaction: it locks the version's row with ``core.actions.lock``
(permission and "still a draft" checked on the row as stored, and the revision the user loaded),
writes with ``save_versioned``, records a declared audit action (:mod:`..audit_actions`) and
keeps a version's canonical YAML, SHA-256 and node rows in step (they are always written
together from a document the engine has checked). Files with errors are refused with every
problem (:class:`FrameworkFileError`); nothing is saved.
"""

from __future__ import annotations

from .comments import (
    draft_comment_add,
    draft_comment_handle,
    draft_comments_set_open,
    draft_invite_units,
    draft_uninvite_unit,
)
from .editing import EDITABLE_NODE_FIELDS, framework_update_node
from .importing import framework_check_upload, framework_import, framework_reimport
from .storing import FrameworkFileError
from .versions import framework_clone, framework_delete_draft, framework_freeze

__all__ = [
    "EDITABLE_NODE_FIELDS",
    "FrameworkFileError",
    "draft_comment_add",
    "draft_comment_handle",
    "draft_comments_set_open",
    "draft_invite_units",
    "draft_uninvite_unit",
    "framework_check_upload",
    "framework_clone",
    "framework_delete_draft",
    "framework_freeze",
    "framework_import",
    "framework_reimport",
    "framework_update_node",
]
