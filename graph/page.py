"""Render the interactive org-graph page: pyvis builds the network, our template the tool around it.

The page opens from disk with no network: vis-network's script and style are inlined from the
pyvis package, and every text from the sources travels as JSON and reaches the page as text.

Two scopes share one page: the group (one node per role, every store counted together) and one
store (one node per post). Both are drawn as org charts whose levels and positions are computed
here, from the reporting lines; each store's posts, duties and lines travel as a gzip'd chunk of
their own that the page opens only when that store is chosen, so a group of a thousand stores
stays a page of a few megabytes; or, with ``render_page(model, stores=folder)``, as a file of
their own beside the page, loaded from disk by a <script> element (the page's CSP allows
'self' scripts then, nothing more).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import math
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain, repeat
from operator import attrgetter
from pathlib import Path
from typing import Any, Protocol

import jinja2
import networkx as nx
import numpy as np
import orjson
import pyvis
from pyvis.network import Network

from graph.model import OrgModel, Post, ReportingLine
from graph.outfolder import PAGE_STORES
from graph.paths import TEMPLATES_DIR
from graph.relate import summary_id

VIS_DIR = Path(pyvis.__file__).resolve().parent / "lib" / "vis-9.1.2"
PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac")
SHARED_COLOUR = "#d4a017"
# The group's panel lists the first posts of a role; the rest are in their store's chunk.
MAX_POSTS_PER_ROLE = 25
# Past this many roles the page places them in a grid per department (no reporting lines to lay out).
LARGE = 300
MAX_SHARED_PER_ROLE = 40
EXAMPLES_PER_LINK = 3  # evidence sentences shown for each superior or subordinate role
BOX_GAP = 145.0  # px between the centres of two boxes in a row (a box is 130 px wide)
LEVEL_GAP = 110  # px between two levels
STAGGER_FROM = 4  # a node with this many children, all without children, has them in a staggered double row
ORDER_PASSES = 4
LEVEL_ROUNDS = 4
BAND_WIDTH = 1300  # px: trees no line joins wrap into bands this wide
BAND_GAP = 40
STAGGER_DROP = 56  # px the lower half of a staggered row sits below the upper
NORM_SHARE = 0.5  # a cluster of duties is the role's norm when at least this share of its posts have it


class _Texts:
    """One table of the page's strings: a duty copied into a thousand stores travels once."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def __call__(self, text: str) -> int:
        found = self.index.get(text)
        if found is None:
            found = self.index[text] = len(self.index)
        return found

    def table(self) -> list[str]:
        return list(self.index)


# From this many stores the split layout opens faster than the single page (bench/page.py: at
# 1,000 stores 0.9-1.5 s against 1.3-2.0 s to interactive, a 1.6 MB page against 4.7 MB); below
# it the two are alike and one file is simpler to pass around.
SPLIT_FROM = 500


def stores_folder(model: OrgModel, out: Path, split: bool | None = None) -> Path | None:
    """Where a build in ``out`` puts the store files: beside the page when ``split``, or when
    not said (None) from SPLIT_FROM stores on; nowhere otherwise (each store a chunk inside the
    one page)."""
    if split is None:
        split = len(model.organizations) >= SPLIT_FROM
    return out / PAGE_STORES if split else None


def render_page(model: OrgModel, *, stores: Path | None = None, lay_out: LayOut | None = None) -> str:
    """The whole HTML page as a string.

    Each store's posts travel as a gzip'd chunk inside the page; with ``stores`` (a folder that
    sits beside the page, made if need be), as a file of their own there, ``<index>.js``, which the
    page loads from disk when the store is chosen: no server, and the page no longer grows with
    the stores' posts. ``lay_out`` draws each org chart (default ``chart_layout``; the build
    passes one that keeps the layouts between builds, ``graph.layout_cache``).
    """
    data_json, raw = _page_json(model, lay_out or chart_layout)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES_DIR), autoescape=True)
    template = env.get_template("org-graph.html")
    if stores is None:
        chunks: Any = [base64.b64encode(gzip.compress(r, compresslevel=9, mtime=0)).decode("ascii") for r in raw]
    else:
        write_store_files(stores, raw)
        chunks = {"dir": stores.name}
    page = template.render(
        title="rolegraph · 岗位图谱",
        script_src=SCRIPT_SRC,
        vis_js=jinja2.utils.markupsafe.Markup(_script_safe((VIS_DIR / "vis-network.min.js").read_text(encoding="utf-8"))),
        vis_css=jinja2.utils.markupsafe.Markup((VIS_DIR / "vis-network.css").read_text(encoding="utf-8")),
        data_json=_markup(data_json),
        stores_json=_markup(to_script_json(chunks)),
    )
    del data_json, raw  # in the page's text now, before the hashes copy its scripts (10,000 roles: 100 MB)
    return _with_script_hashes(page, dynamic=stores is not None)


def _page_json(model: OrgModel, lay_out: LayOut) -> tuple[bytes, list[bytes]]:
    """The group's data as the page's JSON, and each store's chunk. The objects they are made of
    are gone when this returns, before the page's text is put together (10,000 roles: 300 MB)."""
    texts, facts, ix = _Texts(), dict[int, Any](), _index(model)
    data = page_data(model, texts, facts, ix, lay_out=lay_out)
    raw = store_data(model, data, texts, facts, ix, lay_out=lay_out)
    nodes, edges, *_ = _network(model, data, ix).get_network_data()
    payload = {"nodes": nodes, "edges": edges, "large": len(data["roles"]) > LARGE, "texts": texts.table(), **data}
    payload["facts"] = [facts.get(k) for k in range(len(payload["texts"]))]
    return to_script_json(payload), raw


SCRIPT_SRC = "rg-script-src"  # in the rendered page's CSP, until the hashes of its scripts replace it
INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


def _with_script_hashes(page: str, *, dynamic: bool) -> str:
    """The CSP's script-src: the SHA-256 of each of the page's own scripts, nothing else (no
    'unsafe-inline': markup that got in could run no script); 'strict-dynamic' for the store
    files, which the page's script adds (a script element from elsewhere would not run)."""
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(m.group(1).encode()).digest()).decode() + "'"
        for m in INLINE_SCRIPT.finditer(page)
    ]
    return page.replace(SCRIPT_SRC, " ".join(hashes + (["'strict-dynamic'"] if dynamic else [])), 1)


def write_store_files(folder: Path, raw: list[bytes]) -> None:
    """``<index>.js`` per store: a call of the page's ``rgStore`` with the store's JSON (data, not code)."""
    folder.mkdir(parents=True, exist_ok=True)
    for k, chunk in enumerate(raw):
        text = _script_escaped(chunk).decode()
        (folder / f"{k}.js").write_text(f"rgStore({k},{text});\n", encoding="utf-8")


def to_script_json(value: Any) -> bytes:
    """JSON that is safe inside a <script> element: no '<', '>' or '&' left unescaped. UTF-8, as
    orjson writes it: a str of it is made once, by the template (10,000 roles: 180 MB of text)."""
    return _script_escaped(orjson.dumps(value, option=orjson.OPT_SORT_KEYS))


def _markup(text: bytes) -> jinja2.utils.markupsafe.Markup:
    return jinja2.utils.markupsafe.Markup(text, "utf-8")  # decoded into the Markup: no str between


# in UTF-8 no character's bytes hold another's: replacing bytes is replacing characters
SCRIPT_ESCAPES = (
    (b"<", b"\\u003c"),
    (b">", b"\\u003e"),
    (b"&", b"\\u0026"),
    ("\u2028".encode(), b"\\u2028"),
    ("\u2029".encode(), b"\\u2029"),
)


def _script_escaped(text: bytes) -> bytes:
    for char, escape in SCRIPT_ESCAPES:
        text = text.replace(char, escape)
    return text


def _script_safe(js: str) -> str:
    return js.replace("</script", "<\\/script")


# --- the group: one entry per role ------------------------------------------------------------


@dataclass(frozen=True)
class _Index:
    """Look-ups over the model that the group and the stores both use."""

    duty_text: _DutyTexts
    cluster_of: dict[str, int]  # duty id → index of its cluster in model.clusters
    org_name: dict[str, str]
    store_of: dict[str, int]  # org id → its index in model.organizations
    bit: dict[str, int]  # theme key → its bit in a duty's theme bits
    bits_of: dict[tuple[str, ...], int] = field(default_factory=dict)  # a duty's themes → its theme bits
    memo: dict[str, Any] = field(default_factory=dict)  # what page_data and _network both need, made once
    ends: dict[str, tuple[str, int, str, int]] = field(default_factory=dict)  # overlap_end's, by duty id

    def overlap_end(self, ref: str) -> tuple[str, int, str, int]:
        """An overlap's duty as the panel shows it: (text, line, role, store), made once for each
        duty (one duty is in many overlaps)."""
        found = self.ends.get(ref)
        if found is None:
            text, line, post = self.duty_text[ref]
            found = self.ends[ref] = (text, line, post.role, self.store_of[post.org_id])
        return found

    def theme_bits(self, themes: tuple[str, ...]) -> int:
        bits = 0
        for theme in themes:
            bits |= self.bit[theme]
        return bits


class _DutyTexts:
    """Each duty's (text, line, post) by its id, and each post summary's: made when asked for
    (a million duties at a thousand stores, a few thousand asked for)."""

    def __init__(self, model: OrgModel) -> None:
        duties = [d for p in model.posts for d in p.duties]
        ids = list(map(attrgetter("id"), duties))
        self.duty = dict(zip(ids, duties, strict=True))
        self.post_by_id = model.post_by_id
        self.roles = sorted({p.role for p in model.posts})  # the overlaps' roles, as numbers: role_code
        code = {r: k for k, r in enumerate(self.roles)}
        # each duty's role as its number, by the duty's number (OrgModel.overlap_duties)
        self.role_code = np.repeat(
            np.array([code[p.role] for p in model.posts], dtype=np.int64), [len(p.duties) for p in model.posts]
        )
        self.summary = {summary_id(p): p for p in model.posts if p.summary}

    def get(self, ref: str, default: Any = None) -> Any:
        post = self.summary.get(ref)
        if post is not None:
            return post.summary or "", post.summary_line or post.line, post
        duty = self.duty.get(ref)
        return (duty.label, duty.line, self.post_by_id[duty.post_id]) if duty is not None else default

    def __getitem__(self, ref: str) -> tuple[str, int, Post]:
        found = self.get(ref)
        if found is None:
            raise KeyError(ref)
        return found  # type: ignore[no-any-return]


def _index(model: OrgModel) -> _Index:
    members = [c.members for c in model.clusters]
    cluster = chain.from_iterable(repeat(k, len(m)) for k, m in enumerate(members))
    return _Index(
        duty_text=_DutyTexts(model),
        cluster_of=dict(zip(chain.from_iterable(members), cluster, strict=True)),
        org_name={o.id: o.heading for o in model.organizations},
        store_of={o.id: k for k, o in enumerate(model.organizations)},
        bit={t.key: 1 << k for k, t in enumerate(model.themes)},
    )


def page_data(
    model: OrgModel,
    texts: _Texts | None = None,
    facts: dict[int, Any] | None = None,
    ix: _Index | None = None,
    *,
    lay_out: LayOut | None = None,
) -> dict[str, Any]:
    """What the side panel, filters, matrix and store selector show for the group, keyed by role.

    ``texts`` and ``facts`` collect the strings and duty facts the page's tables will hold.
    """
    texts = texts if texts is not None else _Texts()
    facts = facts if facts is not None else {}
    ix = ix if ix is not None else _index(model)
    roles = {r.key: r for r in model.roles}
    posts_of: dict[str, list[Post]] = defaultdict(list)
    for post in model.posts:
        posts_of[post.role].append(post)
    matrix: dict[str, dict[str, int]] = defaultdict(dict)
    for count in model.theme_counts:
        matrix[count.role][count.theme] = count.duties
    ups, downs = _links_by_role(model, ix)
    shared = _overlaps_by_role(model, ix)
    used = sorted({p.role for p in model.posts} | set(ups) | set(downs))
    chart = (lay_out or chart_layout)(
        used,
        [(sup, sub, len(found)) for sub in used for sup, found in ups.get(sub, {}).items()],
        rank={k: roles[k].rank for k in used},
        group={k: roles[k].department for k in used},
    )
    themes = [t.key for t in model.themes]
    entries = {}
    for key in used:
        posts = posts_of[key]
        entries[key] = {
            "zh": roles[key].zh,
            "en": roles[key].en,
            "aliases": list(roles[key].aliases) + sorted({p.name_written for p in posts if not p.name_inferred}),
            "dept": roles[key].department,
            "rank": roles[key].rank,
            "level": chart.level[key],
            "x": chart.x[key],
            "y": chart.y[key],
            "posts": [_post_entry(p, ix, texts, facts, themes) for p in posts[:MAX_POSTS_PER_ROLE]],
            "postCount": len(posts),
            "morePosts": max(0, len(posts) - MAX_POSTS_PER_ROLE),
            "stores": len({p.org_id for p in posts}),
            "themes": dict(sorted(matrix[key].items())),
            "themeMedian": _theme_medians(posts),
            "norm": _norm(posts, ix),
            "superiors": _grouped(ups.get(key, {}), ix),
            "subordinates": _grouped(downs.get(key, {}), ix),
            **_shared(model, ix, shared.best.get(key, []), shared.count.get(key, 0)),
        }
    return {
        "roles": entries,
        "back": sorted([sub, sup] for sup, sub in chart.back),
        "departments": {d.key: {"zh": d.zh, "en": d.en, "colour": _colour(model, d.key)} for d in model.departments},
        "themes": {t.key: {"zh": t.zh, "en": t.en} for t in model.themes},
        "themeKeys": themes,
        "clusters": [texts(c.label) for c in model.clusters],
        "stores": [
            {"id": o.id, "name": o.heading, "source": o.source, "posts": n}
            for o, n in zip(model.organizations, _posts_per_org(model), strict=True)
        ],
    }


@dataclass(frozen=True)
class _RoleOverlaps:
    best: dict[str, list[tuple[float, int, int]]]  # role → its best (-score, overlap index, 1 if its duty is duty_b)
    count: dict[str, int]  # role → how many overlaps have a duty of it (twice if both)
    pairs: dict[tuple[str, str], float]  # (role, other role), in order → the best score between them


def _overlaps_by_role(model: OrgModel, ix: _Index) -> _RoleOverlaps:
    """The panel's best overlaps of each role and the shared-duty lines' scores, sorted and
    counted by numpy: there are hundreds of thousands at a thousand stores."""
    found = ix.memo.get("overlaps")
    if found is not None:
        return found  # type: ignore[no-any-return]
    n = len(model.overlaps)
    role_code, names = ix.duty_text.role_code, ix.duty_text.roles  # overlaps are between duties
    ends = [role_code[duties] for duties in model.overlap_duties]
    score = np.fromiter(map(attrgetter("score"), model.overlaps), dtype=float, count=n)
    role = np.concatenate(ends) if n else np.zeros(0, dtype=np.int64)
    minus, index, side = np.concatenate([-score, -score]), np.tile(np.arange(n), 2), np.repeat([0, 1], n)
    order = np.lexsort((side, index, minus, role))  # by role, then as the tuples compare
    counts = np.bincount(role, minlength=len(names))
    best, count, start = {}, {}, 0
    for k, name in enumerate(names):
        top = order[start : start + min(int(counts[k]), MAX_SHARED_PER_ROLE)]
        best[name] = list(zip(minus[top].tolist(), index[top].tolist(), side[top].tolist(), strict=True))
        count[name] = int(counts[k])
        start += int(counts[k])
    found = ix.memo["overlaps"] = _RoleOverlaps(best, count, _best_per_pair(ends[0], ends[1], score, names))
    return found


def _best_per_pair(a: np.ndarray, b: np.ndarray, score: np.ndarray, names: list[str]) -> dict[tuple[str, str], float]:
    """The best score of each pair of roles that overlaps join, in the pairs' numeric order: sorted
    and reduced, not a roles × roles table (10,000 roles: 780 MB resident for 186,808 pairs; it
    grew with the square of the roles)."""
    apart = a != b
    pair = np.minimum(a, b)[apart] * max(1, len(names)) + np.maximum(a, b)[apart]
    order = np.argsort(pair, kind="stable")
    pair, score = pair[order], score[apart][order]
    first = np.flatnonzero(np.diff(pair, prepend=-1))  # where each pair's run starts
    pairs = {}
    for p, top in zip(pair[first].tolist(), np.maximum.reduceat(score, first).tolist(), strict=True):
        x, y = names[p // len(names)], names[p % len(names)]
        pairs[(x, y) if x < y else (y, x)] = top
    return pairs


def _posts_per_org(model: OrgModel) -> list[int]:
    counts = Counter(p.org_id for p in model.posts)
    return [counts[o.id] for o in model.organizations]


def _post_entry(post: Post, ix: _Index, texts: _Texts, facts: dict[int, Any], themes: list[str]) -> dict[str, Any]:
    return {
        "store": ix.store_of[post.org_id],
        "at": post.index,
        "written": post.name_written,
        "line": post.line,
        "inferred": post.name_inferred,
        **_duties(post, ix, texts, facts, themes),
    }


def _duties(post: Post, ix: _Index, texts: _Texts, facts: dict[int, Any], themes: list[str]) -> dict[str, Any]:
    """A post's duties as the page carries them: ``d`` text indices, ``dl`` line steps (first line,
    then the step to each next line). What a duty's text implies (cluster, theme bits,
    boilerplate) is kept once per text in ``facts``; a duty that differs from it is listed in ``dx``.
    """
    index, cluster_of, bits_of = texts.index, ix.cluster_of, ix.bits_of
    d: list[int] = []
    dl: list[int] = []
    rows: dict[str, Any] = {"d": d, "dl": dl}
    previous = 0
    for k, duty in enumerate(post.duties):  # every duty of every store passes here: kept tight
        t = index.get(duty.label)
        if t is None:
            t = index[duty.label] = len(index)
        bits = bits_of.get(duty.themes)
        if bits is None:
            bits = bits_of[duty.themes] = ix.theme_bits(duty.themes)
        fact = (cluster_of.get(duty.id, -1), bits, 1 if duty.boilerplate else 0)
        known = facts.get(t)
        if known is None:
            facts[t] = fact
        elif known != fact:
            rows.setdefault("dx", []).append([k, *fact])
        d.append(t)
        dl.append(duty.line - previous)
        previous = duty.line
    return rows


def _links_by_role(
    model: OrgModel, ix: _Index
) -> tuple[dict[str, dict[str, list[ReportingLine]]], dict[str, dict[str, list[ReportingLine]]]]:
    """For each role, its superior roles and its subordinate roles, with the lines that say so."""
    ups: dict[str, dict[str, list[ReportingLine]]] = defaultdict(lambda: defaultdict(list))
    downs: dict[str, dict[str, list[ReportingLine]]] = defaultdict(lambda: defaultdict(list))
    for line in model.reporting:
        sub, sup = model.role_of(line.subordinate), model.role_of(line.superior)
        if sub != sup:
            ups[sub][sup].append(line)
            downs[sup][sub].append(line)
    return ups, downs


def _grouped(found: dict[str, list[ReportingLine]], ix: _Index) -> list[dict[str, Any]]:
    """Superiors or subordinates of a role, one entry per role: how many lines, and a few of them."""
    ix_examples = []
    for role, lines in sorted(found.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        explicit = [ln for ln in lines if ln.basis == "explicit"]
        examples, seen = [], set()
        for ln in explicit + [ln for ln in lines if ln.basis != "explicit"]:
            if ln.evidence in seen:
                continue
            seen.add(ln.evidence)
            examples.append(ln)
            if len(examples) == EXAMPLES_PER_LINK:
                break
        ix_examples.append(
            {
                "role": role,
                "count": len(lines),
                "explicit": len(explicit),
                "examples": [_evidence(ln, ix) for ln in examples],
            }
        )
    return ix_examples


def _evidence(line: ReportingLine, ix: _Index) -> dict[str, Any]:
    text, where, post = ix.duty_text.get(line.evidence, ("", 0, None))  # type: ignore[arg-type]
    store = ix.store_of[post.org_id] if post is not None else -1
    return {"cue": line.cue, "basis": line.basis, "text": text, "line": where, "store": store}


def _theme_medians(posts: list[Post]) -> dict[str, float]:
    """Per theme, the median number of duties a post of the role carries (posts without it count 0)."""
    themes = attrgetter("themes")
    counts = [Counter(chain.from_iterable(map(themes, p.duties))) for p in posts]
    keys = sorted({t for c in counts for t in c})
    return {t: statistics.median(c[t] for c in counts) for t in keys}


def _norm(posts: list[Post], ix: _Index) -> list[list[int]]:
    """The clusters of duties most posts of a role have: [cluster, posts having it], most common first."""
    ids, cluster = attrgetter("id"), ix.cluster_of
    having = Counter(chain.from_iterable(set(map(cluster.get, map(ids, p.duties), repeat(-1))) for p in posts))
    del having[-1]  # duties in no cluster
    need = max(2, math.ceil(NORM_SHARE * len(posts)))
    return [[c, n] for c, n in sorted(having.items(), key=lambda kv: (-kv[1], kv[0])) if n >= need]


def _shared(model: OrgModel, ix: _Index, best: list[tuple[float, int, int]], count: int) -> dict[str, Any]:
    """The role's best overlaps (highest score first, ties in model order), and how many more there are."""
    entries = []
    overlaps, end = model.overlaps, ix.overlap_end
    for minus, index, mine_is_b in best:  # up to MAX_SHARED_PER_ROLE for each of thousands of roles: kept tight
        o = overlaps[index]
        (ta, la, _, sa), (tb, lb, rb, sb) = end(o.duty_b if mine_is_b else o.duty_a), end(o.duty_a if mine_is_b else o.duty_b)
        entries.append(
            {
                "role": rb,
                "score": -minus,
                "mine": ta,
                "mineLine": la,
                "theirs": tb,
                "theirsLine": lb,
                "themes": list(o.themes),
                "stores": [sa, sb],
            }
        )
    return {"shared": entries, "moreShared": max(0, count - MAX_SHARED_PER_ROLE)}


def _colour(model: OrgModel, dept: str) -> str:
    keys = [d.key for d in model.departments]
    return PALETTE[keys.index(dept) % len(PALETTE)]


# --- the stores: one gzip'd chunk each, opened by the page when the store is chosen -------------


def store_data(
    model: OrgModel,
    data: dict[str, Any],
    texts: _Texts,
    facts: dict[int, Any],
    ix: _Index | None = None,
    *,
    lay_out: LayOut | None = None,
) -> list[bytes]:
    """Each store's posts (placed as an org chart), duties and reporting lines.

    A chunk is JSON: ``p`` posts (role, written name, line, x, level,
    duties), ``e`` lines [superior, subordinate, explicit, cue, evidence, evidence line, drawn
    upwards]. Duties of one store that overlap are those of one cluster: the page pairs them.
    """
    ix = ix if ix is not None else _index(model)
    by_org: dict[str, list[Post]] = defaultdict(list)
    for post in model.posts:
        by_org[post.org_id].append(post)
    lines_of: dict[str, list[ReportingLine]] = defaultdict(list)
    for line in model.reporting:
        org_id = _org_of_line(model, ix, line)
        if org_id:
            lines_of[org_id].append(line)
    themes = data["themeKeys"]
    roles = {r.key: r for r in model.roles}
    draw = lay_out or chart_layout
    chunks: list[bytes] = []
    for org in model.organizations:
        chunk = _store_chunk(by_org[org.id], lines_of[org.id], roles, ix, texts, facts, themes, draw)
        chunks.append(orjson.dumps(chunk, option=orjson.OPT_SORT_KEYS))
    return chunks


def _org_of_line(model: OrgModel, ix: _Index, line: ReportingLine) -> str:
    for end in (line.subordinate, line.superior):
        post = model.post_by_id.get(end)
        if post is not None:
            return post.org_id
    found = ix.duty_text.get(line.evidence)
    return found[2].org_id if found else ""


def _store_chunk(
    posts: list[Post],
    lines: list[ReportingLine],
    roles: dict[str, Any],
    ix: _Index,
    texts: _Texts,
    facts: dict[int, Any],
    themes: list[str],
    lay_out: LayOut,
) -> dict[str, Any]:
    ids = [p.id for p in posts]
    first_of_role: dict[str, str] = {}
    for p in posts:
        first_of_role.setdefault(p.role, p.id)
    ghosts: list[str] = []  # roles a line names that the store describes no post of

    def end(ref: str) -> str:
        if not ref.startswith("role:"):
            return ref
        key = ref.removeprefix("role:")
        if key in first_of_role:
            return first_of_role[key]
        if ref not in ghosts:
            ghosts.append(ref)
        return ref

    pairs = [(end(ln.superior), end(ln.subordinate), ln) for ln in lines]
    nodes = ids + ghosts
    role_of = {p.id: p.role for p in posts} | {g: g.removeprefix("role:") for g in ghosts}
    chart = lay_out(
        nodes,
        [(sup, sub, 2 if ln.basis == "explicit" else 1) for sup, sub, ln in pairs],
        rank={n: roles[role_of[n]].rank for n in nodes},
        group={n: roles[role_of[n]].department for n in nodes},
    )
    at = {n: k for k, n in enumerate(nodes)}
    rows: list[dict[str, Any]] = []
    for p in posts:
        row = _place(p.id, p.role, chart)
        row |= {"n": texts(p.label), "l": p.line, "i": int(p.name_inferred), "at": p.index}
        if p.name_written != p.label:
            row["w"] = texts(p.name_written)
        row |= _duties(p, ix, texts, facts, themes)
        if p.summary:
            row["s"] = [texts(p.summary), p.summary_line or p.line]
        rows.append(row)
    rows += [_place(g, role_of[g], chart) | {"ghost": 1} for g in ghosts]
    edges = []
    for sup, sub, ln in pairs:
        if sup == sub:
            continue
        text, line, _ = ix.duty_text.get(ln.evidence, ("", 0, None))  # type: ignore[arg-type]
        back = int((sup, sub) in chart.back)
        edges.append([at[sup], at[sub], int(ln.basis == "explicit"), texts(ln.cue), texts(text), line, back])
    return {"p": rows, "e": edges}


def _place(node: str, role: str, chart: Chart) -> dict[str, Any]:
    return {"r": role, "x": chart.x[node], "y": chart.y[node], "v": chart.level[node]}


# --- the org-chart layout: levels from the reporting lines, rows ordered to cross little --------


@dataclass(frozen=True)
class Chart:
    """Where each node of an org chart is drawn, and which reporting lines point upwards."""

    level: dict[str, int]
    x: dict[str, int]
    y: dict[str, int]
    back: frozenset[tuple[str, str]]  # (superior, subordinate) lines dropped to break a cycle
    crossings: int = 0


class LayOut(Protocol):
    """What draws an org chart: ``chart_layout``, or the same kept between builds."""

    def __call__(
        self, nodes: Sequence[str], lines: Sequence[tuple[str, str, int]], *, rank: dict[str, int], group: dict[str, str]
    ) -> Chart: ...


class _Graph:
    """A directed graph as two dicts of dicts: what the layout asks of it at a tenth of networkx's cost
    (a thousand stores are a thousand small charts). Nodes and lines keep the order they were added."""

    def __init__(self, nodes: Sequence[str]) -> None:
        self.succ: dict[str, dict[str, int]] = {n: {} for n in nodes}  # superior → {subordinate: weight}
        self.pred: dict[str, dict[str, int]] = {n: {} for n in nodes}

    def __iter__(self) -> Iterator[str]:
        return iter(self.succ)

    def __contains__(self, node: object) -> bool:
        return node in self.succ

    def add(self, sup: str, sub: str, weight: int) -> None:
        self.succ[sup][sub] = self.pred[sub][sup] = self.succ[sup].get(sub, 0) + weight

    def remove(self, sup: str, sub: str) -> None:
        del self.succ[sup][sub], self.pred[sub][sup]

    @property
    def edges(self) -> list[tuple[str, str]]:
        return [(u, v) for u, vs in self.succ.items() for v in vs]

    def topological(self) -> list[str] | None:
        """The nodes, each after all its superiors; None if a cycle is left."""
        waiting = {n: len(ps) for n, ps in self.pred.items()}
        order = [n for n, k in waiting.items() if not k]
        for n in order:  # grows while it is read
            for m in self.succ[n]:
                waiting[m] -= 1
                if not waiting[m]:
                    order.append(m)
        return order if len(order) == len(self.succ) else None


def chart_layout(
    nodes: Sequence[str], lines: Sequence[tuple[str, str, int]], *, rank: dict[str, int], group: dict[str, str]
) -> Chart:
    """Levels by the longest path from a top node; ``lines`` are (superior, subordinate, weight).

    A node no line reaches from above sits at the level its rank usually has; rows are then
    ordered by barycentres (with a stand-in on each level a long line crosses) to cut crossings.
    """
    g = _Graph(sorted(nodes))
    for sup, sub, weight in sorted(lines):
        if sup != sub and sup in g and sub in g:
            g.add(sup, sub, weight)
    back = _break_cycles(g, rank)
    order = g.topological()
    assert order is not None  # no cycle is left
    level = _levels(g, order, rank)
    below = _descendants(g, order)
    tree = _tree(g, _primary_parents(g, level, rank), level, group, rank, below)
    x, drop, band = _placed(tree, level)
    y = _y_positions(level, drop, band)
    count = _Crossings(g)
    found, latest, outside = count(x, y), x, _outside(g, below)
    for _ in range(ORDER_PASSES if found else 0):  # barycentre passes over the siblings: the fewest crossings wins
        tree = _reordered(tree, outside, latest)
        latest, drop, band = _placed(tree, level)
        y2 = _y_positions(level, drop, band)
        found2 = count(latest, y2)
        if found2 >= found:
            break  # a pass that does not help ends the search
        found, x, y = found2, latest, y2
    return Chart(level=level, x={n: round(v) for n, v in x.items()}, y=y, back=frozenset(back), crossings=found)


def _break_cycles(g: _Graph, rank: dict[str, int]) -> set[tuple[str, str]]:
    """Drop, from each cycle, the line that most contradicts rank (then the weakest)."""
    back: set[tuple[str, str]] = set()
    if g.topological() is not None:
        return back
    nxg = nx.DiGraph()  # networkx finds the cycles: rare, and its search order decides which line goes
    nxg.add_nodes_from(g)
    nxg.add_weighted_edges_from((u, v, w) for u, vs in g.succ.items() for v, w in vs.items())
    while True:
        try:
            cycle = nx.find_cycle(nxg)
        except nx.NetworkXNoCycle:
            return back
        u, v = max(((u, v) for u, v, *_ in cycle), key=lambda e: (rank[e[0]] - rank[e[1]], -g.succ[e[0]][e[1]], e))
        nxg.remove_edge(u, v)
        g.remove(u, v)
        back.add((u, v))


def _levels(g: _Graph, order: list[str], rank: dict[str, int]) -> dict[str, int]:
    """Longest path from a top node; a top sits at the level its rank has where lines place it.

    Placing tops moves what hangs under them, so the levels a rank has are read again (a few
    rounds settle it)."""
    pred = g.pred
    level = dict.fromkeys(order, 0)
    for _ in range(LEVEL_ROUNDS):
        for n in order:
            if pred[n]:
                level[n] = max(level[p] for p in pred[n]) + 1
        usual = _usual_levels(g, level, rank)
        settled = {n: level[n] if pred[n] else usual[rank[n]] for n in order}
        for n in order:
            if pred[n]:
                settled[n] = max(settled[p] for p in pred[n]) + 1
        if settled == level:
            break
        level = settled
    return level


def _usual_levels(g: _Graph, level: dict[str, int], rank: dict[str, int]) -> dict[int, int]:
    """The level each rank has where a line places it; never above a higher rank's."""
    by_rank: dict[int, Any] = defaultdict(list)
    for n, ps in g.pred.items():
        if ps:
            by_rank[rank[n]].append(level[n])
    usual: dict[int, int] = {}
    previous = -1
    for r in sorted(set(rank.values())):
        found = round(statistics.median(by_rank[r])) if by_rank.get(r) else previous + 1
        usual[r] = previous = max(found, previous, 0)
    return usual


def _primary_parents(g: _Graph, level: dict[str, int], rank: dict[str, int]) -> dict[str, str]:
    """The superior a node hangs under in the drawing: the nearest level, then the strongest line."""
    return {n: max(ps, key=lambda p: (level[p], ps[p], -rank[p], p)) for n, ps in g.pred.items() if ps}


@dataclass
class _Tree:
    """The drawing's forest: each node's children in order, the tops in order, the lone nodes."""

    kids: dict[str, list[str]]
    parts: list[list[str]]  # the tops of each part of the chart that lines join, largest first
    lone: list[str]


def _descendants(g: _Graph, order: list[str]) -> dict[str, set[str]]:
    """Every node's subordinates, direct or not: one pass from the bottom of the (acyclic) graph."""
    below: dict[str, set[str]] = {}
    for n in reversed(order):
        found: set[str] = set()
        for k in g.succ[n]:
            found |= below[k]
            found.add(k)
        below[n] = found
    return below


def _parts(g: _Graph) -> list[set[str]]:
    """The sets of nodes that lines join, whichever way they point."""
    seen: set[str] = set()
    parts = []
    for start in g:
        if start in seen:
            continue
        part, frontier = {start}, [start]
        while frontier:
            n = frontier.pop()
            for m in (*g.pred[n], *g.succ[n]):
                if m not in part:
                    part.add(m)
                    frontier.append(m)
        seen |= part
        parts.append(part)
    return parts


def _tree(
    g: _Graph,
    parent: dict[str, str],
    level: dict[str, int],
    group: dict[str, str],
    rank: dict[str, int],
    below: dict[str, set[str]],
) -> _Tree:
    """The highest and largest tree first; siblings by department and rank to start with."""
    first = sorted(g, key=lambda n: (group.get(n, ""), rank.get(n, 0), n))
    kids: dict[str, list[str]] = {n: [] for n in g}
    for n in first:
        if n in parent:
            kids[parent[n]].append(n)
    size = {n: len(below[n]) for n in g}
    parts = []
    for part in _parts(g):
        tops = sorted((n for n in part if n not in parent and g.succ[n]), key=lambda n: (level[n], -size[n], n))
        if tops:
            parts.append(tops)
    parts.sort(key=lambda tops: (level[tops[0]], -sum(size[t] for t in tops), tops[0]))
    lone = [n for n in first if not g.succ[n] and not g.pred[n]]
    return _Tree(kids, parts, lone)


def _outside(g: _Graph, below: dict[str, set[str]]) -> dict[str, list[str]]:
    """For each node, the nodes that lines from its subtree lead to outside that subtree."""
    found = {}
    for n in g:
        inside = {n} | below[n]
        found[n] = [m for k in inside for m in (*g.pred[k], *g.succ[k]) if m not in inside]
    return found


def _reordered(tree: _Tree, outside: dict[str, list[str]], x: dict[str, float]) -> _Tree:
    """Siblings sorted by the barycentre of the lines that leave their subtree."""

    def pull(n: str) -> float:  # fsum: the same mean whatever order the set gave the lines in
        return math.fsum(x[m] for m in outside[n]) / len(outside[n]) if outside[n] else x[n]

    kids = {n: sorted(ks, key=lambda k: (pull(k), k)) if len(ks) > 1 else ks for n, ks in tree.kids.items()}
    return _Tree(kids, tree.parts, tree.lone)


def _placed(tree: _Tree, level: dict[str, int]) -> tuple[dict[str, float], dict[str, int], dict[str, int]]:
    """A tidy tree: each subtree in a span of its own, a node centred over its children; a node
    whose children are all leaves has them in a staggered double row (half as wide). Trees that
    no line joins are set side by side in bands of about BAND_WIDTH, one band below the other.
    Returns x, the half-row drop and the band of each node."""
    x: dict[str, float] = {}
    drop: dict[str, int] = {}
    band: dict[str, int] = {}

    def place(n: str, left: float, b: int) -> float:
        band[n] = b
        ks = tree.kids[n]
        if not ks:
            x[n] = left + BOX_GAP / 2
            return BOX_GAP
        if len(ks) >= STAGGER_FROM and not any(tree.kids[k] for k in ks):
            for i, k in enumerate(ks):
                x[k], drop[k], band[k] = left + BOX_GAP / 2 + i * BOX_GAP / 2, i % 2, b
            width = (len(ks) + 1) * BOX_GAP / 2
            x[n] = left + width / 2
            return width
        cursor = left
        for k in ks:
            cursor += place(k, cursor, b)
        x[n] = (x[ks[0]] + x[ks[-1]]) / 2
        return cursor - left

    cursor, current = 0.0, 0
    for tops in tree.parts:  # one band holds all of a part: no line runs from band to band
        left = cursor
        for top in tops:
            cursor += place(top, cursor, current)
        if left and cursor > BAND_WIDTH:
            cursor, current = 0.0, current + 1
            for top in tops:
                cursor += place(top, cursor, current)
    by_level: dict[int, list[str]] = defaultdict(list)
    for n in tree.lone:  # no line at all: in its rank's row, after the last tree, staggered
        by_level[level[n]].append(n)
    for row in by_level.values():
        for i, n in enumerate(row):
            x[n], drop[n], band[n] = cursor + BOX_GAP / 2 + i * BOX_GAP / 2, i % 2 if len(row) > 1 else 0, current
    return x, drop, band


def _y_positions(level: dict[str, int], drop: dict[str, int], band: dict[str, int]) -> dict[str, int]:
    """Each band's levels one below the other (a level with a staggered row is deeper)."""
    by_band: dict[int, list[str]] = defaultdict(list)
    for n in level:
        by_band[band[n]].append(n)
    y: dict[str, int] = {}
    top = 0
    for b in sorted(by_band):
        members = by_band[b]
        levels = {level[n] for n in members}
        deeper = {level[n] for n in members if drop.get(n)}
        tops: dict[int, int] = {}
        for lv in range(min(levels), max(levels) + 1):
            tops[lv] = top
            top += LEVEL_GAP + (STAGGER_DROP if lv in deeper else 0)
        top += BAND_GAP
        y.update({n: tops[level[n]] + STAGGER_DROP * drop.get(n, 0) for n in members})
    return y


class _Crossings:
    """How many pairs of drawn lines cross (lines that share an end do not), for one graph's lines
    under the placements tried: which pairs share an end is worked out once."""

    def __init__(self, g: Any) -> None:  # a _Graph or a networkx DiGraph
        self.nodes = list(g)
        index = {n: k for k, n in enumerate(self.nodes)}
        self.ends = np.array([[index[u], index[v]] for u, v in g.edges], dtype=np.intp).reshape(-1, 2)
        u, v = self.ends[:, 0], self.ends[:, 1]
        shared = (u[:, None] == u) | (u[:, None] == v) | (v[:, None] == u) | (v[:, None] == v)
        self.pairs = np.triu(~shared, 1)

    def __call__(self, x: dict[str, float], y: dict[str, int]) -> int:
        if len(self.ends) < 2:
            return 0
        at = np.array([[x[n], y[n]] for n in self.nodes], dtype=float)
        p, q = at[self.ends[:, 0]], at[self.ends[:, 1]]

        def side(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:  # sign of c against line a→b, all pairs
            return (b[:, None, 0] - a[:, None, 0]) * (c[None, :, 1] - a[:, None, 1]) - (b[:, None, 1] - a[:, None, 1]) * (
                c[None, :, 0] - a[:, None, 0]
            )

        split = side(p, q, p) * side(p, q, q) < 0  # [i, j]: line j's ends lie on both sides of line i
        return int((split & split.T & self.pairs).sum())


def crossings(g: Any, x: dict[str, float], y: dict[str, int]) -> int:
    """How many pairs of drawn lines cross (lines that share an end do not); ``g`` is a networkx
    DiGraph or the layout's own graph."""
    return _Crossings(g)(x, y)


# --- the group's network, built with pyvis -----------------------------------------------------

BOX = {
    "shape": "box",
    "widthConstraint": {"minimum": 130, "maximum": 130},
    "heightConstraint": {"minimum": 46},
    "font": {"size": 22, "face": "system-ui, Noto Sans CJK SC, sans-serif"},
    "margin": 6,
}


def _grid(data: dict[str, Any]) -> dict[str, tuple[float, float]]:
    """Positions for a page of very many roles: departments side by side, each a block of its roles."""
    by_dept: dict[str, list[str]] = defaultdict(list)
    for key, role in data["roles"].items():
        by_dept[role["dept"]].append(key)
    positions: dict[str, tuple[float, float]] = {}
    left = 0.0
    for dept in sorted(by_dept):
        keys = sorted(by_dept[dept], key=lambda k: (data["roles"][k]["rank"], k))
        width = max(1, int(math.sqrt(len(keys))))
        for i, key in enumerate(keys):
            positions[key] = (left + (i % width) * BOX_GAP, (i // width) * 60.0)
        left += width * BOX_GAP + 200
    return positions


class _NodeIds(list[Any]):
    """pyvis's list of node ids, answering ``in`` from a set: pyvis asks it once for each node
    added and twice for each edge, a scan of the list each time (10,000 roles and 204,320 edges:
    51 s of a 62 s render)."""

    def __init__(self) -> None:
        super().__init__()
        self.known: set[Any] = set()

    def append(self, n_id: Any) -> None:  # the one way pyvis adds to it
        super().append(n_id)
        self.known.add(n_id)

    def __contains__(self, n_id: object) -> bool:
        return n_id in self.known


def _network(model: OrgModel, data: dict[str, Any], ix: _Index | None = None) -> Network:
    net = Network(directed=True, cdn_resources="in_line")
    net.node_ids = _NodeIds()
    large = len(data["roles"]) > LARGE
    grid = _grid(data) if large else {}
    for key, role in data["roles"].items():
        x, y = grid[key] if large else (role["x"], role["y"])
        colour = data["departments"][role["dept"]]["colour"]
        net.add_node(
            f"role:{key}",
            label=role["zh"],
            color={"background": "#ffffff", "border": colour},
            kind="role",
            key=key,
            dept=role["dept"],
            labelZh=role["zh"],
            labelEn=role["en"],
            level=role["level"],
            x=x,
            y=y,
            physics=False,
            borderWidth=2,
            **BOX,
        )
    for key, dept in data["departments"].items():
        net.add_node(
            f"dept:{key}", label=dept["zh"], shape="box", color=dept["colour"], kind="department", key=key, dept=key,
            labelZh=dept["zh"], labelEn=dept["en"], hidden=True,
        )  # fmt: skip
    for key, theme in data["themes"].items():
        net.add_node(
            f"theme:{key}", label=theme["zh"], shape="diamond", color="#888888", kind="theme", key=key,
            labelZh=theme["zh"], labelEn=theme["en"], hidden=True,
        )  # fmt: skip
    back = {tuple(pair) for pair in data["back"]}
    for key, role in data["roles"].items():
        net.add_edge(f"role:{key}", f"dept:{role['dept']}", kind="department", hidden=True, color="#cccccc", arrows="")
        for theme in role["themes"]:
            net.add_edge(f"role:{key}", f"theme:{theme}", kind="theme", hidden=True, color="#dddddd", arrows="", theme=theme)
        for up in role["superiors"]:
            net.add_edge(
                f"role:{key}",
                f"role:{up['role']}",
                kind="reports",
                arrows="to",
                dashes=not up["explicit"],
                color="#555555",
                basis="explicit" if up["explicit"] else "inferred",
                count=up["count"],
                back=(key, up["role"]) in back,
                width=2,
            )
    # from every overlap, not the panel's best few: a pair of roles whose overlaps all rank low
    # in both their lists still shares duties
    best = _overlaps_by_role(model, ix if ix is not None else _index(model)).pairs
    for (a, b), score in sorted(best.items()):
        net.add_edge(
            f"role:{a}", f"role:{b}", kind="shared", arrows="", color=SHARED_COLOUR, width=1 + 6 * (score - 0.5), score=score
        )
    return net
