"""Reading stored evidence files for the pages that serve them (views never touch storage).

``open_stored`` hands the stored file to a response as it is; ``preview_jpeg`` converts a
phone photo (HEIC) to a JPEG no larger than ``PREVIEW_MAX_SIDE`` on each side, turned upright
by its EXIF orientation. Nothing here writes to storage: storing and removing files is the
services' business.
"""

from __future__ import annotations

import io

from django.db.models.fields.files import FieldFile

from .models import EvidenceDocument

PREVIEW_MAX_SIDE = 2400
PREVIEW_QUALITY = 85


def open_stored(document: EvidenceDocument) -> FieldFile:
    """The stored file, open for reading (the response closes it)."""
    return document.file.open("rb")


def preview_jpeg(document: EvidenceDocument, *, max_side: int = PREVIEW_MAX_SIDE) -> bytes:
    """A HEIC photo as JPEG bytes, upright and at most ``max_side`` pixels on each side."""
    import pillow_heif
    from PIL import ImageOps

    with document.file.open("rb") as handle:
        heif = pillow_heif.open_heif(handle, convert_hdr_to_8bit=True)
        image = heif.to_pillow()
    image = ImageOps.exif_transpose(image) or image
    image.thumbnail((max_side, max_side))
    out = io.BytesIO()
    image.convert("RGB").save(out, format="JPEG", quality=PREVIEW_QUALITY)
    return out.getvalue()


__all__ = ["PREVIEW_MAX_SIDE", "open_stored", "preview_jpeg"]
