"""Evidence pages: the library, documents, the criterion panel and the overview."""

from .documents import delete, detail, download, preview
from .library import confirm, home, library, upload
from .panel import (
    node_attach,
    node_detach,
    node_panel,
    node_search,
    node_upload,
    overview,
    overview_summary,
)

__all__ = [
    "confirm",
    "delete",
    "detail",
    "download",
    "home",
    "library",
    "node_attach",
    "node_detach",
    "node_panel",
    "node_search",
    "node_upload",
    "overview",
    "overview_summary",
    "preview",
    "upload",
]
