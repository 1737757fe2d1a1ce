"""Shared duties: near-duplicate duty pairs (rapidfuzz), overlaps between roles, and clusters."""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

from graph.model import Cluster, Duty, Overlap, Post, duty_numbers
from graph.themes import is_boilerplate

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


# Characters of a duty's content that similarity looks at: a comparison costs the product of two
# lengths, and a duty that is a wall of text (a 1 MB line read in pieces of 2,000 characters) made
# the stage grow with the square of the line. The bundled corpus's longest content has 61.
COMPARED_CHARS = 200
EXACT_LIMIT = 1000  # distinct texts compared all-pairs (a million pairs); above, candidates come from blocking
# … and as many characters in all at most: a pair of long texts costs the product of their lengths
# (850 pieces of a 5 MB line, 200 characters compared each, took 38 s all-pairs)
EXACT_CHARS = 50_000
_MAX_DF = 0.05  # bigrams in more than 5 % of the texts are too common to propose candidates (recall 0.99)
# Blocking proposes each text's PARTNERS closest candidates (by the cosine of their rare bigrams):
# a duty that a thousand stores each word a little differently has a thousand near-copies, and
# scoring every pair of them was the quadratic part of the stage.
PARTNERS = 24


def similar_pairs(texts: Sequence[str], *, threshold: float, exact: bool | None = None) -> list[tuple[int, int, float]]:
    """(a, b, score), a < b, for distinct duty contents that score at least ``threshold``.

    Up to EXACT_LIMIT texts (EXACT_CHARS characters) every pair is scored (rapidfuzz's cdist).
    Beyond, a text is scored against its ``PARTNERS`` closest candidates: texts that share a
    rare character bigram with it, found with a sparse product of bigram vectors, the most
    alike first. The cost grows with the number of texts, not with its square.
    """
    english = [i for i, t in enumerate(texts) if _is_english(t)]
    if english:  # English contents are scored on words, Chinese ones as below
        others = [i for i, t in enumerate(texts) if not _is_english(t)]
        found = [(english[a], english[b], s) for a, b, s in _english_pairs([texts[i] for i in english], threshold)]
        found += [(others[a], others[b], s) for a, b, s in similar_pairs([texts[i] for i in others], threshold=threshold)]
        return sorted(found)
    if exact is None:
        exact = len(texts) <= EXACT_LIMIT and sum(map(len, texts)) <= EXACT_CHARS
    grams = [_grams(t) for t in texts]
    if exact:
        by_set = process.cdist(grams, grams, scorer=fuzz.token_set_ratio, workers=-1, dtype="float32")
        by_order = process.cdist(texts, texts, scorer=fuzz.ratio, workers=-1, dtype="float32")
        scores = (by_set + by_order) / 200
        rows, cols = (scores >= threshold - 1e-9).nonzero()
        return sorted((a, b, round(float(scores[a, b]), 2)) for a, b in zip(rows.tolist(), cols.tolist(), strict=True) if a < b)
    candidates = candidate_pairs(grams)
    if not candidates:
        return []
    firsts, seconds = zip(*candidates, strict=True)
    # both scores of each pair in two calls of rapidfuzz's cpdist (on both cores), in float64: the
    # same numbers as scoring pair by pair, and a fifth of the time
    by_set = process.cpdist(
        [grams[a] for a in firsts], [grams[b] for b in seconds], scorer=fuzz.token_set_ratio, workers=-1, dtype=np.float64
    )
    by_order = process.cpdist(
        [texts[a] for a in firsts], [texts[b] for b in seconds], scorer=fuzz.ratio, workers=-1, dtype=np.float64
    )
    scores = ((by_set + by_order) / 200).tolist()
    found = [(a, b, round(score, 2)) for a, b, score in zip(firsts, seconds, scores, strict=True)]
    return [pair for pair in found if pair[2] >= threshold]  # candidate_pairs gives them sorted


def candidate_pairs(grams: Sequence[str], *, partners: int = PARTNERS) -> list[tuple[int, int]]:
    """Pairs (a < b), sorted, of texts sharing a bigram, each text with its ``partners`` closest (ties by
    index): at most ``partners`` times the number of texts.

    Candidates share a bigram that few texts have (``_MAX_DF``): common ones would propose nearly
    every pair. A text made of common bigrams alone (the template every store copies) gets its
    closest texts by all of its bigrams instead; such texts are few, and each is one row."""
    found: set[tuple[int, int]] = set()
    rare = bigram_vectors(grams, max_count=int(_MAX_DF * len(grams)))
    alone = list(range(len(grams))) if rare is None else _closest(rare, range(len(grams)), partners, found)
    if alone and (every := bigram_vectors(grams, max_count=len(grams))) is not None:
        _closest(every, alone, partners, found)
    return sorted(found)


def bigram_vectors(grams: Sequence[str], *, max_count: int) -> Any:
    """The texts as L2-normalised binary vectors (a scipy CSR matrix, one row per text) of the
    tokens that two texts at least and ``max_count`` at most carry; None when no token is left.
    (scikit-learn's CountVectorizer did this; importing it took 1.5 s of a build.)"""
    from scipy import sparse

    vocabulary: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    for row, text in enumerate(grams):
        for token in sorted(set(text.split())):  # sorted: columns in the same order in every run
            rows.append(row)
            cols.append(vocabulary.setdefault(token, len(vocabulary)))
    counts = np.bincount(np.asarray(cols, dtype=np.int64), minlength=len(vocabulary))
    kept = (counts >= 2) & (counts <= max_count)
    if not kept.any():
        return None
    column = np.cumsum(kept) - 1  # a kept token's column
    mask = kept[cols]
    matrix = sparse.csr_matrix(
        (np.ones(int(mask.sum()), dtype=np.float32), (np.asarray(rows)[mask], column[np.asarray(cols)[mask]])),
        shape=(len(grams), int(kept.sum())),
    )
    norms = np.sqrt(np.asarray(matrix.sum(axis=1)).ravel())  # binary: the norm is √(tokens)
    norms[norms == 0] = 1
    return sparse.diags((1 / norms).astype(np.float32)) @ matrix


def _closest(matrix: Any, rows: Sequence[int], partners: int, found: set[tuple[int, int]], chunk: int = 2000) -> list[int]:
    """Add to ``found`` each row's ``partners`` closest other rows by cosine; the rows with none."""
    transposed = matrix.T.tocsc()
    none = []
    for start in range(0, len(rows), chunk):
        block = list(rows[start : start + chunk])
        product = (matrix[block] @ transposed).tocsr()
        for k, a in enumerate(block):
            cols = product.indices[product.indptr[k] : product.indptr[k + 1]]
            alike = product.data[product.indptr[k] : product.indptr[k + 1]]
            keep = cols != a
            cols, alike = cols[keep], alike[keep]
            if len(cols) > partners:  # the closest, ties by index: lexsort's last key is the first
                cols = cols[np.lexsort((cols, -alike))[:partners]]
            if len(cols) == 0:
                none.append(a)
            found.update((min(a, b), max(a, b)) for b in cols.tolist())
    return none


def _grams(text: str) -> str:
    if " " in text or _is_english(text):  # an English content is already its word stems
        return text
    return " ".join(text[i : i + 2] for i in range(len(text) - 1)) or text


# Overlaps one duty takes part in (README "Overlaps"): past MAX_PER_DUTY a duty's other near-copies
# are its cluster's members, and it takes only overlaps that are the first between two roles, up
# to HARD_MAX_PER_DUTY. The bundled corpus's busiest duty has 5; generated stores that word a duty
# a hundred ways gave one duty 947, and 2,000 posts each of a role of its own sharing one duty
# gave 635,843 overlaps of role pairs.
MAX_PER_DUTY = 16
HARD_MAX_PER_DUTY = 32
# Duties of one text tried as partners of one duty within an organization, at most: that text
# held by thousands of posts of one organization is a cluster, not every pair of them.
_TRIES = 2 * MAX_PER_DUTY


@dataclass(frozen=True)
class TextPairs:
    """The similar pairs of a set of distinct duty contents (``similar_pairs`` of them, sorted),
    found before the posts are made: ``texts`` is the digest of the contents they were found for,
    at ``threshold``."""

    texts: str
    threshold: float
    pairs: list[tuple[int, int, float]]


def text_pairs(labels: Iterable[str], *, threshold: float = DEFAULT_THRESHOLD) -> TextPairs:
    """The similar pairs of the contents of duty ``labels`` that are not boilerplate: the part of
    ``find_overlaps`` that needs the duties' texts alone, so that it can run beside the relate
    stage, which makes the posts."""
    texts = sorted({content(label) for label in set(labels) if not is_boilerplate(label)})
    return TextPairs(
        _texts_digest(texts), threshold, similar_pairs([text[:COMPARED_CHARS] for text in texts], threshold=threshold)
    )


def _texts_digest(texts: Sequence[str]) -> str:
    return hashlib.sha256("\x00".join(texts).encode("utf-8")).hexdigest()


def find_overlaps(
    posts: Sequence[Post], *, threshold: float = DEFAULT_THRESHOLD, compared: TextPairs | None = None
) -> tuple[list[Overlap], list[Cluster]]:
    """The overlaps and clusters of ``numbered_overlaps``."""
    found = numbered_overlaps(posts, threshold=threshold, compared=compared)
    return found.overlaps, found.clusters


@dataclass(frozen=True)
class FoundOverlaps:
    overlaps: list[Overlap]  # by id
    clusters: list[Cluster]  # by id
    # each overlap's duty_a and duty_b as their numbers among the posts' duties, post after post
    # (OrgModel.overlap_duties): taken while the duties are at hand, not looked up by id after
    duties: tuple[np.ndarray, np.ndarray]


def numbered_overlaps(
    posts: Sequence[Post], *, threshold: float = DEFAULT_THRESHOLD, compared: TextPairs | None = None
) -> FoundOverlaps:
    """Overlaps and clusters of the duties of ``posts``, in size linear in the corpus.

    Texts are compared once per distinct content. A pair of similar texts gives an overlap for
    pairs of different posts of one organization that carry them, and one overlap per pair of
    different roles across organizations: stores that copy a template add members to clusters,
    not overlaps by the square of their number. Text pairs are taken best score first, and a
    duty takes part in ``MAX_PER_DUTY`` overlaps, and up to ``HARD_MAX_PER_DUTY`` when the
    others are the first overlap between two roles; for a pair of roles, the first duty of each
    (by id) that has room is taken. ``compared``, the pairs ``text_pairs`` found for the same
    contents at the same threshold, spares comparing them here. Each overlap's duties are
    numbered as they are taken (``FoundOverlaps.duties``).
    """
    owner = {d.id: p for p in posts for d in p.duties}
    number = duty_numbers(posts)
    firsts: list[int] = []  # the numbers of each overlap's duty_a and duty_b, as they are taken
    seconds: list[int] = []
    duties = sorted((d for p in posts for d in p.duties if not d.boilerplate), key=lambda d: d.id)
    groups: dict[str, list[Duty]] = {}
    contents: dict[str, str] = {}  # stores copy templates: a label's content is worked out once
    for duty in duties:
        key = contents.get(duty.label)
        if key is None:
            key = contents[duty.label] = content(duty.label)
        groups.setdefault(key, []).append(duty)
    texts = sorted(groups)
    if compared is not None and (compared.texts, compared.threshold) == (_texts_digest(texts), threshold):
        pairs = list(compared.pairs)
    else:
        pairs = similar_pairs([text[:COMPARED_CHARS] for text in texts], threshold=threshold)
    pairs += [(a, a, 1.0) for a, text in enumerate(texts) if len(groups[text]) > 1]
    links = _Components(len(texts))
    holders: dict[int, _Holders] = {}  # a text's duties by organization and role, made once per text

    def held(index: int) -> _Holders:
        if index not in holders:
            holders[index] = _Holders(groups[texts[index]], owner)
        return holders[index]

    taken = _Taken()
    shared_themes: dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[str, ...]] = {}
    for a, b, score in sorted(pairs, key=lambda p: (-p[2], p[0], p[1])):
        if score >= CLUSTER_THRESHOLD:
            links.join(a, b)
        for first, second, roles in _overlapping(held(a), held(b), taken, same=a == b):
            shared: tuple[str, ...] = ()
            if first.themes and second.themes:
                both = (first.themes, second.themes)
                if (found := shared_themes.get(both)) is None:
                    found = shared_themes[both] = tuple(sorted(set(first.themes) & set(second.themes)))
                shared = found
            low, high = (first.id, second.id) if first.id <= second.id else (second.id, first.id)
            taken.add(Overlap(_digest("overlap", low, high), low, high, score, shared), roles)
            firsts.append(number[low])
            seconds.append(number[high])
    clusters = []
    for component in links.groups():
        members = sorted(d.id for i in component for d in groups[texts[i]])
        if len(members) > 1:
            labels = {d.id: d.label for i in component for d in groups[texts[i]]}
            clusters.append(Cluster(_digest("cluster", *members), tuple(members), _representative(members, labels)))
    made = taken.overlaps
    order = np.asarray(sorted(range(len(made)), key=[o.id for o in made].__getitem__), dtype=np.int64)
    return FoundOverlaps(
        [made[i] for i in order.tolist()],
        sorted(clusters, key=lambda c: c.id),
        (np.asarray(firsts, dtype=np.int64)[order], np.asarray(seconds, dtype=np.int64)[order]),
    )


class _Components:
    """Texts joined into clusters: a union-find over their indexes (networkx's graph did the
    same, and its import was a tenth of the bundled build's time)."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        root = i
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[i] != root:  # halve the next search
            self.parent[i], i = root, self.parent[i]
        return root

    def join(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> list[list[int]]:
        """Every index in one group, each group in index order, groups by their first index."""
        found: dict[int, list[int]] = {}
        for i in range(len(self.parent)):
            found.setdefault(self.find(i), []).append(i)
        return list(found.values())


class _Taken:
    """The overlaps taken so far, and how many each duty is in."""

    def __init__(self) -> None:
        self.overlaps: list[Overlap] = []
        self.count: dict[str, int] = {}  # a dict's get: a Counter's missing key is a call of Python code
        self.role_pairs: set[tuple[str, str]] = set()  # each pair both ways round: no frozenset to make per look

    def add(self, overlap: Overlap, roles: tuple[str, str]) -> None:
        self.overlaps.append(overlap)
        count = self.count
        count[overlap.duty_a] = count.get(overlap.duty_a, 0) + 1
        count[overlap.duty_b] = count.get(overlap.duty_b, 0) + 1
        self.role_pairs.add(roles)
        self.role_pairs.add((roles[1], roles[0]))


class _Holders:
    """The duties that carry one text, with their posts, by organization, and by role."""

    def __init__(self, duties: list[Duty], owner: dict[str, Post]) -> None:
        self.by_org: dict[str, list[tuple[Duty, Post]]] = {}
        self.by_role: dict[str, list[Duty]] = {}
        for duty in duties:  # sorted by id
            post = owner[duty.id]
            self.by_org.setdefault(post.org_id, []).append((duty, post))
            self.by_role.setdefault(post.role, []).append(duty)
        self._open: dict[str, int] = {}  # per role, where its first duty with room may be
        self.full: set[str] = set()  # roles whose duties are all full: with_room gives None

    @cached_property
    def org_order(self) -> dict[str, int]:
        return {org: i for i, org in enumerate(self.by_org)}

    def with_room(self, role: str, count: dict[str, int]) -> Duty | None:
        """The role's first duty (by id) with room (``count``: a duty's overlaps so far); a
        duty once full stays full."""
        duties, at = self.by_role[role], self._open.get(role, 0)
        end = len(duties)
        while at < end and count.get(duties[at].id, 0) >= MAX_PER_DUTY:
            at += 1
        self._open[role] = at
        if at < end:
            return duties[at]
        self.full.add(role)
        return None

    def least_taken(self, role: str, count: dict[str, int]) -> Duty:
        """The role's duty (first by id among equals) in the fewest overlaps."""
        return min(self.by_role[role], key=lambda d: (count.get(d.id, 0), d.id))


def _overlapping(left: _Holders, right: _Holders, taken: _Taken, *, same: bool) -> Iterator[tuple[Duty, Duty, tuple[str, str]]]:
    """The duty pairs of two similar texts (the same text when ``same``) that become overlaps,
    with their posts' roles: pairs of different posts within an organization, then one pair per
    pair of roles not yet paired within one. Only duties with room in ``taken`` are paired;
    within an organization a duty tries ``_TRIES`` partners at most, and across, a role
    ``_TRIES`` roles without room. The caller adds each pair to ``taken`` before the next."""
    count, role_pairs = taken.count, taken.role_pairs
    covered: set[tuple[str, str]] = set()
    for org in _common_orgs(left, right):
        mine, theirs = left.by_org[org], right.by_org[org]
        for i, (x, px) in enumerate(mine):
            tries = 0
            for y, py in itertools.islice(theirs, i + 1 if same else 0, None):
                if tries == _TRIES or count.get(x.id, 0) >= MAX_PER_DUTY:
                    break
                if px.id == py.id:
                    continue
                tries += 1
                if count.get(y.id, 0) < MAX_PER_DUTY:
                    roles = (px.role, py.role)
                    covered.add(roles)
                    yield x, y, roles
    full = right.full  # looked up before asking with_room: most roles met here have no room
    for role_x in left.by_role:
        misses = 0  # role pairs without room: a row of them ends after _TRIES
        # role_x's first duty with room changes only when an overlap is taken: after a yield
        first = left.with_room(role_x, count)
        for role_y in right.by_role:
            if (
                role_x == role_y
                or (same and role_x > role_y)
                or (covered and ((role_x, role_y) in covered or (role_y, role_x) in covered))
            ):
                continue
            if first is not None and role_y not in full and (second := right.with_room(role_y, count)) is not None:
                yield first, second, (role_x, role_y)
                first = left.with_room(role_x, count)
                continue
            misses += 1
            if misses > _TRIES:
                break
            if (role_x, role_y) not in role_pairs:  # two roles that share a duty keep one overlap
                low, high = left.least_taken(role_x, count), right.least_taken(role_y, count)
                if count.get(low.id, 0) < HARD_MAX_PER_DUTY and count.get(high.id, 0) < HARD_MAX_PER_DUTY:
                    yield low, high, (role_x, role_y)
                    first = left.with_room(role_x, count)


def _common_orgs(left: _Holders, right: _Holders) -> list[str]:
    """The organizations holding both texts, in ``left``'s order: found from the side held by
    fewer (a template every store copies is held by all of them, its near-copy by a few)."""
    if len(left.by_org) <= len(right.by_org):
        return [org for org in left.by_org if org in right.by_org]
    order = left.org_order
    return sorted((org for org in right.by_org if org in left.by_org), key=order.__getitem__)


def _representative(members: list[str], labels: dict[str, str]) -> str:
    counts: dict[str, int] = {}
    for m in members:
        counts[labels[m]] = counts.get(labels[m], 0) + 1
    return min(counts, key=lambda text: (-counts[text], len(text), text))


def _digest(kind: str, *ids: str) -> str:
    return f"{kind}/" + hashlib.sha256("|".join(ids).encode("utf-8")).hexdigest()[:16]
