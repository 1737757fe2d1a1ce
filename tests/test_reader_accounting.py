"""Every line of every real document is accounted for: it became something, or the report says why not."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.clean import clean_source
from graph.read.formats import SUPPORTED_SUFFIXES
from graph.read.recognise import split_document
from graph.read.source import read_source

REAL = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "real"
DOCUMENTS = sorted(p for p in REAL.rglob("*") if p.suffix.lower() in SUPPORTED_SUFFIXES - {""}) if REAL.is_dir() else []


@pytest.mark.skipif(not DOCUMENTS, reason=f"{REAL} not found: real documents not read")
@pytest.mark.parametrize("path", DOCUMENTS, ids=[f"{p.parent.name}/{p.name}" for p in DOCUMENTS])
def test_every_line_of_a_real_document_has_a_use(path: Path) -> None:
    source = read_source(path)
    doc = split_document(clean_source(source))
    assert {u.line for u in doc.uses} == set(range(1, len(source.lines) + 1))
    assert all(u.kind and (u.detail or u.kind in {"empty", "noise", "meta"}) for u in doc.uses)


def test_the_real_documents_are_there_in_ci() -> None:
    import os

    if os.environ.get("CI") and not DOCUMENTS:
        pytest.fail(f"CI runs beside ../shared, but {REAL} holds no document")
