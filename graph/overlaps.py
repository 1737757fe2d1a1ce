"""Shared duties: near-duplicate duty pairs (rapidfuzz), overlaps between roles, and clusters."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import networkx as nx
from rapidfuzz import fuzz, process

from graph.model import Cluster, Duty, Overlap, Post

# Chosen on tests/data/overlap-labels.tsv (150 hand-labelled pairs): the F1-best threshold.
DEFAULT_THRESHOLD = 0.48
# Duties this similar are near-copies: they form clusters (a role's common core across stores).
CLUSTER_THRESHOLD = 0.80
_NOT_CONTENT = re.compile(r"[\s\W_]+")
# Words that every duty carries (负责…工作); they say nothing about which duty it is.
_FILLER = re.compile(r"负责|工作|进行|做好|以及|及时|的|和|及|并|与")


def comparable(label: str) -> str:
    """The words of a duty: punctuation and white space removed."""
    return _NOT_CONTENT.sub("", label)


def content(label: str) -> str:
    """The words of a duty without the filler every duty carries."""
    return _FILLER.sub("", comparable(label))


def bigrams(label: str) -> str:
    """The duty's content as space-separated character bigrams (tokens for a set comparison)."""
    text = content(label)
    return " ".join(text[i : i + 2] for i in range(len(text) - 1)) or text


def duty_similarity(a: str, b: str) -> float:
    """How far two duty labels say the same thing, in [0, 1]: the mean of rapidfuzz's
    token-set ratio on character bigrams (shared content, in any order) and its plain ratio on
    the content (the same words in the same order)."""
    return round((fuzz.token_set_ratio(bigrams(a), bigrams(b)) + fuzz.ratio(content(a), content(b))) / 200, 2)


def similar_pairs(duties: Sequence[Duty], *, threshold: float) -> list[tuple[int, int, float]]:
    """(i, j, score) for i < j with score ≥ threshold, comparing identical texts only once."""
    texts = [content(d.label) for d in duties]
    distinct = sorted(set(texts))
    index = {t: i for i, t in enumerate(distinct)}
    grams = [" ".join(t[i : i + 2] for i in range(len(t) - 1)) or t for t in distinct]
    by_set = process.cdist(grams, grams, scorer=fuzz.token_set_ratio, workers=-1, dtype="float32")
    by_order = process.cdist(distinct, distinct, scorer=fuzz.ratio, workers=-1, dtype="float32")
    scores = (by_set + by_order) / 200
    groups: dict[int, list[int]] = {}
    for k, text in enumerate(texts):
        groups.setdefault(index[text], []).append(k)
    pairs: list[tuple[int, int, float]] = []
    rows, cols = (scores >= threshold - 1e-9).nonzero()
    for a, b in zip(rows.tolist(), cols.tolist(), strict=True):
        if a > b:
            continue
        score = round(float(scores[a, b]), 2)
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
        if score >= CLUSTER_THRESHOLD:
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
