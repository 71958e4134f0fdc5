"""Pages of the self-assessment: validate the request → call a service → render."""

from .assign import assign
from .board import board
from .entries import preview, save
from .excel import export, import_
from .pages import detail, home, mine
from .start import open_assessed
from .workflow import act, audit, return_, submission_json, submissions, submit

__all__ = [
    "act",
    "assign",
    "audit",
    "board",
    "detail",
    "export",
    "home",
    "import_",
    "mine",
    "open_assessed",
    "preview",
    "return_",
    "save",
    "submission_json",
    "submissions",
    "submit",
]
