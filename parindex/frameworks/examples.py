"""The illustrative criteria sets shipped in ``data/``: the departments' set, the communes' set
and the communes' questionnaire. The demo province loads them; tests read them."""

from __future__ import annotations

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
DEPARTMENTS_SET = DATA_DIR / "vd-so-2025.yaml"
COMMUNES_SET = DATA_DIR / "vd-xa-2025.yaml"
COMMUNES_QUESTIONNAIRES = (DATA_DIR / "lanh-dao.questionnaire.yaml",)
