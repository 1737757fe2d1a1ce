"""Shared duties: near-duplicate duty pairs (rapidfuzz), overlaps between roles, and clusters."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np
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
    """The words of a duty without the filler every duty carries; for an English duty (no
    Chinese character) its word stems without stop words, joined by spaces."""
    if _is_english(label):
        return " ".join(_stem(w) for w in _EN_WORD.findall(label.casefold()) if w not in _EN_STOP)
    return _FILLER.sub("", comparable(label))


def bigrams(label: str) -> str:
    """The duty's content as space-separated tokens for a set comparison: character bigrams for
    Chinese, word stems for English."""
    return _grams(content(label))


_CJK = re.compile(r"[\u3400-\u9fff]")
_EN_WORD = re.compile(r"[a-z][a-z'-]*")
# Words every English duty may carry; they say nothing about which duty it is.
_EN_STOP = frozenset(
    "a an the and or of to in on at for with by from as is are be been all any each every its their our "
    "his her this that these those such other into within per via including ensure make sure responsible "
    "duties duty task tasks work".split()
)
_EN_SUFFIXES = ("ing", "ed", "es", "s")


def _is_english(text: str) -> bool:
    return _CJK.search(text) is None and re.search(r"[A-Za-z]", text) is not None


def _stem(word: str) -> str:
    """A crude stem: 'trains', 'training', 'trained' → 'train'."""
    for suffix in _EN_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def duty_similarity(a: str, b: str) -> float:
    """How far two duty labels say the same thing, in [0, 1]: the mean of rapidfuzz's
    token-set ratio on character bigrams (shared content, in any order) and its plain ratio on
    the content (the same words in the same order); for two English duties the Dice
    coefficient of their word stems (letters shared by unrelated words say nothing)."""
    if _is_english(a) and _is_english(b):
        return word_similarity(content(a), content(b))
    return round((fuzz.token_set_ratio(bigrams(a), bigrams(b)) + fuzz.ratio(content(a), content(b))) / 200, 2)


def word_similarity(a: str, b: str) -> float:
    """Dice coefficient of two contents' word sets, in [0, 1]."""
    wa, wb = set(a.split()), set(b.split())
    return round(2 * len(wa & wb) / (len(wa) + len(wb)), 2) if wa and wb else 0.0


def _english_pairs(texts: Sequence[str], threshold: float) -> list[tuple[int, int, float]]:
    """(a, b, score) of English contents sharing a word, scored on word stems."""
    holders: dict[str, list[int]] = {}
    for i, text in enumerate(texts):
        for word in set(text.split()):
            holders.setdefault(word, []).append(i)
    candidates = {(a, b) for group in holders.values() for k, a in enumerate(group) for b in group[k + 1 :]}
    scored = ((a, b, word_similarity(texts[a], texts[b])) for a, b in candidates)
    return sorted(s for s in scored if s[2] >= threshold)


EXACT_LIMIT = 4000  # distinct texts compared all-pairs; above this, candidates come from blocking
_MAX_DF = 0.05  # bigrams in more than 5 % of the texts are too common to propose candidates (recall 0.99)


def similar_pairs(texts: Sequence[str], *, threshold: float, exact: bool | None = None) -> list[tuple[int, int, float]]:
    """(a, b, score), a < b, for distinct duty contents that score at least ``threshold``.

    Up to EXACT_LIMIT texts every pair is scored (rapidfuzz's cdist). Beyond, candidate pairs
    are those that share a rare character bigram, found with a sparse product of scikit-learn
    bigram vectors, and only they are scored: the cost grows with the candidates, not n².
    """
    english = [i for i, t in enumerate(texts) if _is_english(t)]
    if english:  # English contents are scored on words, Chinese ones as below
        others = [i for i, t in enumerate(texts) if not _is_english(t)]
        found = [(english[a], english[b], s) for a, b, s in _english_pairs([texts[i] for i in english], threshold)]
        found += [(others[a], others[b], s) for a, b, s in similar_pairs([texts[i] for i in others], threshold=threshold)]
        return sorted(found)
    if exact is None:
        exact = len(texts) <= EXACT_LIMIT
    grams = [_grams(t) for t in texts]
    if exact:
        by_set = process.cdist(grams, grams, scorer=fuzz.token_set_ratio, workers=-1, dtype="float32")
        by_order = process.cdist(texts, texts, scorer=fuzz.ratio, workers=-1, dtype="float32")
        scores = (by_set + by_order) / 200
        rows, cols = (scores >= threshold - 1e-9).nonzero()
        return sorted((a, b, round(float(scores[a, b]), 2)) for a, b in zip(rows.tolist(), cols.tolist(), strict=True) if a < b)
    found = []
    for a, b in candidate_pairs(grams):
        score = round((fuzz.token_set_ratio(grams[a], grams[b]) + fuzz.ratio(texts[a], texts[b])) / 200, 2)
        if score >= threshold:
            found.append((a, b, score))
    return sorted(found)


def candidate_pairs(grams: Sequence[str], *, chunk: int = 2000) -> Iterator[tuple[int, int]]:
    """Pairs (a < b) of texts sharing at least one bigram that few texts have."""
    from sklearn.feature_extraction.text import CountVectorizer

    vectorizer = CountVectorizer(analyzer=str.split, max_df=_MAX_DF, min_df=2, binary=True, dtype=np.float32)
    try:
        matrix = vectorizer.fit_transform(grams).tocsr()
    except ValueError:  # no bigram is both shared and rare
        return
    transposed = matrix.T.tocsc()
    for start in range(0, matrix.shape[0], chunk):
        product = (matrix[start : start + chunk] @ transposed).tocoo()
        for row, col in zip(product.row.tolist(), product.col.tolist(), strict=True):
            if start + row < col:
                yield start + row, col


def _grams(text: str) -> str:
    if " " in text or _is_english(text):  # an English content is already its word stems
        return text
    return " ".join(text[i : i + 2] for i in range(len(text) - 1)) or text


def find_overlaps(posts: Sequence[Post], *, threshold: float = DEFAULT_THRESHOLD) -> tuple[list[Overlap], list[Cluster]]:
    """Overlaps and clusters of the duties of ``posts``, in size linear in the corpus.

    Texts are compared once per distinct content. A pair of similar texts gives an overlap for
    every pair of different posts of one organization that carry them, and one overlap per pair
    of different roles across organizations (the first duty of each role, by id): stores that
    copy a template add members to clusters, not overlaps by the square of their number.
    """
    owner = {d.id: p for p in posts for d in p.duties}
    duties = sorted((d for p in posts for d in p.duties if not d.boilerplate), key=lambda d: d.id)
    groups: dict[str, list[Duty]] = {}
    for duty in duties:
        groups.setdefault(content(duty.label), []).append(duty)
    texts = sorted(groups)
    pairs = similar_pairs(texts, threshold=threshold)
    pairs += [(a, a, 1.0) for a, text in enumerate(texts) if len(groups[text]) > 1]
    overlaps: dict[str, Overlap] = {}
    links = nx.Graph()
    links.add_nodes_from(range(len(texts)))
    holders: dict[int, _Holders] = {}  # a text's duties by organization and role, made once per text

    def held(index: int) -> _Holders:
        if index not in holders:
            holders[index] = _Holders.of(groups[texts[index]], owner)
        return holders[index]

    for a, b, score in pairs:
        if score >= CLUSTER_THRESHOLD:
            links.add_edge(a, b)
        for first, second in _overlapping(held(a), held(b), same=a == b):
            shared = tuple(sorted(set(first.themes) & set(second.themes)))
            ids = sorted((first.id, second.id))
            overlap = Overlap(_digest("overlap", *ids), ids[0], ids[1], score, shared)
            overlaps.setdefault(overlap.id, overlap)
    clusters = []
    for component in nx.connected_components(links):
        members = sorted(d.id for i in component for d in groups[texts[i]])
        if len(members) > 1:
            labels = {d.id: d.label for i in component for d in groups[texts[i]]}
            clusters.append(Cluster(_digest("cluster", *members), tuple(members), _representative(members, labels)))
    return sorted(overlaps.values(), key=lambda o: o.id), sorted(clusters, key=lambda c: c.id)


@dataclass(frozen=True)
class _Holders:
    """The duties that carry one text, with their posts, by organization, and the first per role."""

    duties: list[tuple[Duty, Post]]
    by_org: dict[str, list[tuple[Duty, Post]]]
    first_by_role: dict[str, Duty]

    @classmethod
    def of(cls, duties: list[Duty], owner: dict[str, Post]) -> _Holders:
        held = [(duty, owner[duty.id]) for duty in duties]  # sorted by id
        by_org: dict[str, list[tuple[Duty, Post]]] = {}
        firsts: dict[str, Duty] = {}
        for duty, post in held:
            by_org.setdefault(post.org_id, []).append((duty, post))
            firsts.setdefault(post.role, duty)
        return cls(held, by_org, firsts)


def _overlapping(left: _Holders, right: _Holders, *, same: bool) -> Iterator[tuple[Duty, Duty]]:
    covered: set[tuple[str, str]] = set()
    for x, px in left.duties:
        for y, py in right.by_org.get(px.org_id, ()):
            if px.id != py.id and (not same or x.id < y.id):
                covered.add((px.role, py.role))
                yield x, y
    for role_x, x in left.first_by_role.items():
        for role_y, y in right.first_by_role.items():
            if role_x != role_y and (role_x, role_y) not in covered and (role_y, role_x) not in covered:
                if not same or role_x < role_y:
                    yield x, y


def _representative(members: list[str], labels: dict[str, str]) -> str:
    counts: dict[str, int] = {}
    for m in members:
        counts[labels[m]] = counts.get(labels[m], 0) + 1
    return min(counts, key=lambda text: (-counts[text], len(text), text))


def _digest(kind: str, *ids: str) -> str:
    return f"{kind}/" + hashlib.sha256("|".join(ids).encode("utf-8")).hexdigest()[:16]
