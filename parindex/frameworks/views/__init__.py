"""Criteria-set pages: every page reads through ``permissions``/``selectors`` and writes
through ``services``."""
