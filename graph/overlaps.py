"""Shared duties: near-duplicate duty pairs (rapidfuzz), overlaps between roles, and clusters."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import networkx as nx
from rapidfuzz import fuzz, process

from graph.model import Cluster, Duty, Overlap, Post

# Chosen on tests/data/overlap-labels.tsv (110 hand-labelled pairs): the F1-best threshold.
DEFAULT_THRESHOLD = 0.54
_NOT_CONTENT = re.compile(r"[\s\W_]+")
# Words that every duty carries (负责…工作); they say nothing about which duty it is.
_FILLER = re.compile(r"负责|工作|进行|做好|以及|及时|的|和|及|并|与")
_MIN_BIGRAMS = 4


def comparable(label: str) -> str:
    """The words of a duty: punctuation and white space removed."""
    return _NOT_CONTENT.sub("", label)


def bigrams(label: str) -> str:
    """The duty as space-separated character bigrams, filler words removed (a token string)."""
    text = _FILLER.sub("", comparable(label))
    return " ".join(text[i : i + 2] for i in range(len(text) - 1)) or text


def duty_similarity(a: str, b: str) -> float:
    """How far two duty labels say the same thing, in [0, 1]."""
    return _scorer(bigrams(a), bigrams(b)) / 100


def _scorer(a: str, b: str, **kwargs: object) -> float:
    """rapidfuzz's token-set ratio on bigram tokens; plain ratio when a text is too short
    for a subset match to mean anything."""
    if min(a.count(" "), b.count(" ")) + 1 < _MIN_BIGRAMS:
        return float(fuzz.ratio(a, b, score_cutoff=kwargs.get("score_cutoff")))  # type: ignore[arg-type]
    return float(fuzz.token_set_ratio(a, b, score_cutoff=kwargs.get("score_cutoff")))  # type: ignore[arg-type]


def similar_pairs(duties: Sequence[Duty], *, threshold: float) -> list[tuple[int, int, float]]:
    """(i, j, score) for i < j with score ≥ threshold, comparing identical texts only once."""
    texts = [bigrams(d.label) for d in duties]
    distinct = sorted(set(texts))
    index = {t: i for i, t in enumerate(distinct)}
    scores = process.cdist(distinct, distinct, scorer=_scorer, score_cutoff=threshold * 100, workers=-1, dtype="uint8")
    groups: dict[int, list[int]] = {}
    for k, text in enumerate(texts):
        groups.setdefault(index[text], []).append(k)
    pairs: list[tuple[int, int, float]] = []
    rows, cols = scores.nonzero()
    for a, b in zip(rows.tolist(), cols.tolist(), strict=True):
        if a > b:
            continue
        score = round(float(scores[a, b]) / 100, 2)
        for i in groups[a]:
            for j in groups[b]:
                if (a < b or i < j) and i != j:
                    pairs.append((min(i, j), max(i, j), score))
    return sorted(pairs)


def find_overlaps(posts: Sequence[Post], *, threshold: float = DEFAULT_THRESHOLD) -> tuple[list[Overlap], list[Cluster]]:
    """Overlaps between posts of different roles (or of one organization), and duty clusters."""
    owner = {d.id: p for p in posts for d in p.duties}
    duties = [d for p in posts for d in p.duties if not d.boilerplate]
    overlaps: list[Overlap] = []
    links = nx.Graph()
    for i, j, score in similar_pairs(duties, threshold=threshold):
        a, b = duties[i], duties[j]
        pa, pb = owner[a.id], owner[b.id]
        if pa.id == pb.id:
            continue
        links.add_edge(a.id, b.id)
        if pa.role != pb.role or pa.org_id == pb.org_id:
            shared = tuple(sorted(set(a.themes) & set(b.themes)))
            first, second = sorted((a.id, b.id))
            overlaps.append(Overlap(_digest("overlap", first, second), first, second, score, shared))
    labels = {d.id: d.label for d in duties}
    clusters = [
        Cluster(_digest("cluster", *sorted(members)), tuple(sorted(members)), _representative(sorted(members), labels))
        for members in nx.connected_components(links)
    ]
    return sorted(overlaps, key=lambda o: o.id), sorted(clusters, key=lambda c: c.id)


def _representative(members: list[str], labels: dict[str, str]) -> str:
    counts: dict[str, int] = {}
    for m in members:
        counts[labels[m]] = counts.get(labels[m], 0) + 1
    return min(counts, key=lambda text: (-counts[text], len(text), text))


def _digest(kind: str, *ids: str) -> str:
    return f"{kind}/" + hashlib.sha256("|".join(ids).encode("utf-8")).hexdigest()[:16]
