"""Shared fixtures: one build of the bundled corpus per test session, and small documents."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from graph.clean import clean_source, load_corrections
from graph.model import Document
from graph.paths import DEFAULT_CORPUS, DEFAULT_CORRECTIONS
from graph.pipeline import BuildOptions, BuildResult, build
from graph.read.recognise import split_document
from graph.read.source import read_source

CORPUS = DEFAULT_CORPUS


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    out = tmp_path_factory.mktemp("build") / "out"
    return build(BuildOptions(out=out))


@pytest.fixture(scope="session")
def kg(built: BuildResult) -> Graph:
    graph = Graph()
    graph.parse(built.out / "org.ttl", format="turtle")
    return graph


@pytest.fixture(scope="session")
def corpus_doc() -> Document:
    return split_document(
        clean_source(read_source(CORPUS), corrections=load_corrections(DEFAULT_CORRECTIONS), corrections_name="corrections.tsv")
    )


def read_text(tmp_path: Path, text: str, name: str = "doc.txt", encoding: str = "utf-8") -> Document:
    """Split a small document written for a test."""
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return split_document(clean_source(read_source(path)))


def post_summary(doc: Document) -> list[tuple[str | None, int]]:
    """(name, number of duties) of every post, in order."""
    return [(p.name, len(p.duties)) for org in doc.organizations for p in org.posts]


class NeverStop:
    """A stop signal that the build's setting does not set: the process that keeps the pieces
    needing no overlap (graph.early_pieces) makes every one of them, however slow it is."""

    def is_set(self) -> bool:
        return False

    def set(self) -> None:
        pass


@pytest.fixture
def early_makes_all(monkeypatch: pytest.MonkeyPatch) -> None:
    """The early process makes all its pieces before the build's workers are asked for any."""
    from graph import pipeline

    monkeypatch.setattr(pipeline, "_stop_signal", NeverStop)
