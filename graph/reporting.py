"""Find reports-to edges: fields that name a superior or subordinates, and cues in the text.

A field (直接上级: 餐饮部经理, Reports to: Director) is the document saying it outright: a line with
basis ``field``. A cue is a verb frame around a list of role names: 在X的领导下, 服从X的领导, 协助X,
直接对X负责, 向X汇报, 根据X的分配 name the post's superior; X监督指导 A、B 的工作, 领导/带领/考核/督促 A
name its subordinates; in English 'reports to the X', 'under the direction of the X', 'assists the
X' name the superior and 'supervises/oversees/manages X' the subordinates. The cue tables are data
(graph/cues/*.toml). A weak ("ranked") cue gives a line only when the superior's rank is above the
subordinate's.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from graph.errors import OntologyError
from graph.model import ChartLink, Post, PostField, ReportingLine, Role
from graph.pack import RoleBook
from graph.script import normalize

CUES_DIR = Path(__file__).resolve().parent / "cues"
FIELD_MEANINGS = ("superior", "subordinates")
FIELD_SEPARATORS = re.compile(r"[、,，;；/／]|以及|及|和|与|\band\b|&")
FIELD_ASIDE = re.compile(r"[（(][^（）()]*[）)]")
FIELD_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
FIELD_NOISE = re.compile(r"^(?:本部门|部门|全体|各|所有)|(?:等|等岗位|等人员|全体人员)$")


@dataclass(frozen=True)
class Cue:
    verb: str
    after: str | None
    up: bool  # True: the names are the post's superiors; False: its subordinates
    ranked: bool = True


@dataclass(frozen=True)
class ChineseCues:
    cues: tuple[Cue, ...]
    qualifiers: re.Pattern[str]
    separators: re.Pattern[str]
    frame_tail: re.Pattern[str]
    unit_prefix: re.Pattern[str]
    managing_words: tuple[str, ...] = ()
    managing_min: int = 0


@dataclass(frozen=True)
class EnglishCue:
    pattern: re.Pattern[str]
    up: bool
    ranked: bool


@dataclass(frozen=True)
class EnglishCues:
    cues: tuple[EnglishCue, ...]
    articles: frozenset[str]
    stops: frozenset[str]
    max_words: int


def _read_table(name: str) -> dict[str, Any]:
    path = CUES_DIR / f"{name}.toml"
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise OntologyError(f"{path}: cue table unusable ({e})") from None


@lru_cache(maxsize=1)
def chinese_cues() -> ChineseCues:
    data = _read_table("zh")
    cues = tuple(Cue(c["verb"], c.get("after"), bool(c["up"]), bool(c.get("ranked", True))) for c in data["cue"])
    units = "|".join(re.escape(u) for u in data["unit_endings"])
    return ChineseCues(
        cues,
        re.compile(data["qualifiers"]),
        re.compile(data["separators"]),
        re.compile(data["frame_tail"]),
        re.compile(rf"^([\u3400-\u9fff]{{1,8}}?(?:{units}))([\u3400-\u9fff]{{2,}})$"),
        tuple(data["managing_words"]),
        int(data["managing_min"]),
    )


def department_prefix(name: str, book: RoleBook) -> str | None:
    """The unit a post name starts with (客服部领班 → 客服部), when the rest is a title and the
    pack does not know the whole name as a role (its role's department then stands)."""
    match = chinese_cues().unit_prefix.match(name)
    if match is None or book.lookup(name) is not None or book.rank_of(match.group(2)) is None:
        return None
    return match.group(1)


@lru_cache(maxsize=1)
def english_cues() -> EnglishCues:
    data = _read_table("en")
    cues = tuple(
        EnglishCue(re.compile(rf"\b(?:{c['verb']})\b\s+", re.IGNORECASE), bool(c["up"]), bool(c.get("ranked", False)))
        for c in data["cue"]
    )
    return EnglishCues(cues, frozenset(data["articles"]), frozenset(data["stops"]), int(data["max_words"]))


@dataclass(frozen=True)
class Mention:
    """Role names a cue found in one text, and the words matched."""

    names: tuple[str, ...]
    cue: str
    up: bool
    ranked: bool = True  # the superior must rank above the subordinate
    not_below: bool = False  # the superior must not rank below the subordinate


def find_mentions(text: str, book: RoleBook) -> list[Mention]:
    """Every cue in a (Simplified) text with the role names it frames.

    A cue with closing words (在…的领导下, 根据…的分配) frames whatever lies between, so that
    根据前台和车间主任的分配 finds 车间主任; an open cue (协助, 配合) takes the list of names that
    follows it. English cues take the noun phrase that follows them.
    """
    table = chinese_cues()
    found: list[Mention] = []
    seen: set[tuple[int, bool]] = set()
    for cue in table.cues:
        if cue.verb not in text:  # most cues are in no given text: a substring test, not a regex
            continue
        for match in re.finditer(re.escape(cue.verb), text):
            if cue.after:
                names, end = _framed_names(text, match.end(), cue.after, book)
            else:
                names, end = _name_list(text, match.end(), book)
            if not names or (match.start(), cue.up) in seen:
                continue
            seen.add((match.start(), cue.up))
            found.append(Mention(tuple(names), text[match.start() : end], cue.up, cue.ranked))
    if re.search(r"[A-Za-z]{3}", text):
        found.extend(english_mentions(text, book))
    return found


MAX_FRAME = 20


def _framed_names(text: str, pos: int, after: str, book: RoleBook) -> tuple[list[str], int]:
    """The role names between ``pos`` and the cue's closing words, if these come soon enough."""
    close = re.compile(after).search(text, pos, pos + MAX_FRAME + 12)
    if close is None:
        return [], pos
    frame = text[pos : close.start()]
    if len(frame) > MAX_FRAME or re.search(r"[，,。；;：:]", frame):
        return [], pos
    return names_in(frame, book), close.end()


def names_in(frame: str, book: RoleBook) -> list[str]:
    """Role names in a frame such as 前台和车间主任 or 销售经理及展厅主管: each part between
    separators gives the longest known name in it, or itself when it is a short title."""
    table = chinese_cues()
    found: list[str] = []
    for part in table.separators.split(frame):
        known = next((n for n in book.names_longest_first if n in part), None)
        if known:
            found.append(known)
            continue
        part = table.frame_tail.sub("", part)
        if 2 <= len(part) <= 6 and book.rank_of(part) is not None and (book.name_pattern.fullmatch(part) or book.is_title(part)):
            found.append(part)
    return found


def _name_list(text: str, pos: int, book: RoleBook) -> tuple[list[str], int]:
    """Parse 'A、B和C' at ``pos``: role-like names joined by separators; return them and where
    the last one ends."""
    table = chinese_cues()
    names: list[str] = []
    end = cursor = pos
    while True:
        qualifier = table.qualifiers.match(text, cursor)
        match = book.name_pattern.match(text, qualifier.end() if qualifier else cursor)
        if match is None:
            return names, end
        names.append(match.group())
        end = match.end()
        sep = table.separators.match(text, end)
        if sep is None:
            return names, end
        cursor = sep.end()


_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\S")


def english_mentions(text: str, book: RoleBook) -> list[Mention]:
    """English cues and the noun phrase after each: 'Report to the troop committee at each
    meeting' names 'troop committee'."""
    table = english_cues()
    found: list[Mention] = []
    for cue in table.cues:
        for match in cue.pattern.finditer(text):
            names: list[str] = []
            end = pos = match.end()
            while True:  # 'the shelving volunteers and the reading buddies'
                phrase, phrase_end = noun_phrase(text, pos, table)
                if not phrase:
                    break
                names.append(phrase)
                end = phrase_end
                joiner = _JOINER.match(text, end)
                if joiner is None:
                    break
                pos = joiner.end()
            if names:
                found.append(Mention(tuple(names), text[match.start() : end], cue.up, False, cue.ranked))
    return found


_JOINER = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+)", re.IGNORECASE)


def noun_phrase(text: str, pos: int, table: EnglishCues) -> tuple[str, int]:
    """The words of a noun phrase at ``pos``, without a leading article, up to a stop word or
    punctuation; 'of' may join words (board of directors) but not end the phrase."""
    words: list[str] = []
    end = pos
    for token in _WORD.finditer(text, pos):
        word = token.group()
        lower = word.casefold()
        if not word[0].isalpha() or lower in table.stops or len(words) >= table.max_words:
            break
        if not words and lower in table.articles:
            continue
        words.append(word)
        end = token.end()
    while words and words[-1].casefold() == "of":
        words.pop()
    return " ".join(words), end


@dataclass(frozen=True)
class Evidence:
    """A text a post says something in: a duty, or its summary."""

    id: str
    post: Post
    text: str


@lru_cache(maxsize=1 << 16)
def _compact(text: str) -> str:
    """The letters and digits of a name, casefolded: what names are matched on. Cached: each
    organization's table of names makes its role's labels comparable again (270,000 calls for
    a few thousand names at 1,000 stores)."""
    return "".join(c for c in normalize(text).casefold() if c.isalnum())


def _singular(word: str) -> str:
    """An English plural's singular, roughly: buddies → buddy, volunteers → volunteer."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


class PostNames:
    """An organization's posts by the names they answer to. ``match`` finds the post a written
    name means: one whose name, label or role's labels and aliases equal it (normalised,
    casefolded), else one whose name holds it or is held in it (both of two characters at
    least; the closest in length wins, then the first). Each post's names are made comparable
    once, and each name asked for is looked up once: a store of thousands of posts whose
    duties all name 班长 asks for it thousands of times."""

    def __init__(self, posts: Sequence[Post], roles: Mapping[str, Role]) -> None:
        self.posts = posts
        self.exact: dict[str, list[int]] = {}  # a comparable name → the posts (by position) it is
        self.written: list[tuple[int, str]] = []  # (position, comparable label or written name)
        for i, post in enumerate(posts):
            role = roles.get(post.role)
            labels = (post.label, post.name_written, *((role.zh, role.en, *role.aliases) if role else ()))
            for label in {_compact(label) for label in labels}:
                self.exact.setdefault(label, []).append(i)
            self.written.extend((i, n) for n in sorted({_compact(post.label), _compact(post.name_written)}) if len(n) >= 2)
        self._found: dict[str, tuple[list[int], list[int]]] = {}

    def match(self, name: str, *, exclude: str = "") -> Post | None:
        want = _compact(name)
        if len(want) < 2:
            return None
        if want not in self._found:
            self._found[want] = self._candidates(want)
        exact, contained = self._found[want]
        for i in (*exact, *contained):  # the best two of each: one may be the post excluded
            if self.posts[i].id != exclude:
                return self.posts[i]
        return None

    def _candidates(self, want: str) -> tuple[list[int], list[int]]:
        wants = {want, _singular(want)} if want.isascii() else {want}
        exact = sorted({i for w in wants for i in self.exact.get(w, ())})[:2]
        ranked = sorted((abs(len(n) - len(want)), i) for i, n in self.written for w in wants if w in n or n in w)
        contained: list[int] = []
        for _, i in ranked:
            if i not in contained:
                contained.append(i)
            if len(contained) == 2:
                break
        return exact, contained


class _Resolver:
    """Finds what a name in a post's text means: a post of its organization, or a role."""

    def __init__(self, posts: Sequence[Post], books: Mapping[str, RoleBook], roles: dict[str, Role]) -> None:
        self.books, self.roles = books, roles
        self.by_org_role: dict[tuple[str, str], str] = {}
        self.by_org: dict[str, list[Post]] = {}
        self.by_id = {p.id: p for p in posts}
        for post in posts:
            self.by_org_role.setdefault((post.org_id, post.role), post.id)
            self.by_org.setdefault(post.org_id, []).append(post)
        self._names: dict[str, PostNames] = {}

    def names(self, org_id: str) -> PostNames:
        """The organization's posts by name (made on first use)."""
        if org_id not in self._names:
            self._names[org_id] = PostNames(self.by_org.get(org_id, []), self.roles)
        return self._names[org_id]

    def role(self, ref: str) -> Role:
        return self.roles[ref[5:]] if ref.startswith("role:") else self.roles[self.by_id[ref].role]

    def mention(self, name: str, post: Post) -> str | None:
        """A cue's name: the org's post of the role it resolves to, else a post named alike,
        else the role (``role:KEY``); None when it names nothing."""
        book = self.books[post.org_id]
        other = book.resolve(name)
        if other is not None and (post.org_id, other.key) in self.by_org_role:
            return self.by_org_role[(post.org_id, other.key)]
        named = self.names(post.org_id).match(name, exclude=post.id)
        if named is not None:
            return named.id
        if other is not None:
            self.roles.setdefault(other.key, other)
            return "role:" + other.key
        return None

    def field(self, name: str, post: Post, *, up: bool) -> str | None:
        """A field's name: a post of the organization named alike, else a role (one rank above
        or below the post's when the name has no title word)."""
        named = self.names(post.org_id).match(name, exclude=post.id)
        if named is not None:
            return named.id
        own = self.roles[post.role].rank
        role = self.books[post.org_id].resolve(normalize(name), default_rank=max(1, own - 1) if up else own + 1)
        if role is None or role.key == post.role:
            return None
        self.roles.setdefault(role.key, role)
        return "role:" + role.key


def find_reporting(
    evidence: Iterable[Evidence],
    posts: tuple[Post, ...],
    books: RoleBook | Mapping[str, RoleBook],
    unresolved: list[str],
    roles: dict[str, Role] | None = None,
) -> list[ReportingLine]:
    """Explicit reporting lines read from duties and summaries; ``books`` gives each
    organization's role book (one book: the same for all)."""
    by_org = books if isinstance(books, Mapping) else {p.org_id: books for p in posts}
    if roles is None:
        roles = {k: r for book in by_org.values() for k, r in book.roles.items()}
    resolver = _Resolver(posts, by_org, roles)
    lines: list[ReportingLine] = []
    seen: set[tuple[str, str, str]] = set()
    memo: dict[tuple[int, str], list[Mention]] = {}
    for item in evidence:
        book = by_org[item.post.org_id]
        key = (id(book), item.text)
        if key not in memo:
            memo[key] = find_mentions(item.text, book)
        for mention in memo[key]:
            for name in mention.names:
                line = _mention_line(item, mention, name, resolver, unresolved)
                if line is None or (item.id, line.subordinate, line.superior) in seen:  # 直接对X负责 also holds 对X负责
                    continue
                seen.add((item.id, line.subordinate, line.superior))
                lines.append(line)
    return _numbered(lines)


def _mention_line(
    item: Evidence, mention: Mention, name: str, resolver: _Resolver, unresolved: list[str]
) -> ReportingLine | None:
    other_ref = resolver.mention(name, item.post)
    if other_ref is None:
        unresolved.append(f"{item.id}: '{name}' in '{mention.cue}' names no known role")
        return None
    own, other = resolver.roles[item.post.role], resolver.role(other_ref)
    sub, sup = (own, other) if mention.up else (other, own)
    sub_id, sup_id = (item.post.id, other_ref) if mention.up else (other_ref, item.post.id)
    if sub_id == sup_id or (mention.ranked and (sub.key == sup.key or sup.rank >= sub.rank)):
        return None
    if mention.not_below and sup.rank > sub.rank:
        return None
    return ReportingLine("", sub_id, sup_id, item.id, mention.cue, "explicit")


def field_lines(posts: Sequence[Post], books: Mapping[str, RoleBook], roles: dict[str, Role]) -> list[ReportingLine]:
    """Lines from the posts' superior and subordinate fields: basis 'field', the Post itself as
    evidence, the field text ('直接上级: 餐饮部经理') as cue, the field's line."""
    resolver = _Resolver(posts, books, roles)
    lines: list[ReportingLine] = []
    for post in posts:
        n = 0
        seen: set[tuple[str, str]] = set()
        for field in post.fields:
            if field.meaning not in FIELD_MEANINGS:
                continue
            up = field.meaning == "superior"
            for name in field_names(field):
                ref = resolver.field(name, post, up=up)
                if ref is None:
                    continue
                sub, sup = (post.id, ref) if up else (ref, post.id)
                if (sub, sup) in seen:
                    continue
                seen.add((sub, sup))
                n += 1
                cue = f"{field.label}: {field.value}"
                lines.append(ReportingLine(f"{post.id}/field-{n}", sub, sup, post.id, cue, "field", field.line))
    return lines


def chart_lines(
    charts: Mapping[str, Sequence[ChartLink]],
    posts: Sequence[Post],
    books: Mapping[str, RoleBook],
    roles: dict[str, Role],
    unresolved: list[str],
) -> list[ReportingLine]:
    """Lines from the org charts of each organization (``charts`` by org id): basis 'chart',
    evidence the post the chart names (the subordinate's, else the superior's), cue the chart's
    line. A name that is no post of the organization is taken for a role, as in a field."""
    resolver = _Resolver(posts, books, roles)
    lines: list[ReportingLine] = []
    for org_id, links in charts.items():
        members = resolver.names(org_id)
        seen: set[tuple[str, str]] = set()
        for link in links:
            sub, sup = members.match(link.subordinate), members.match(link.superior)
            sub_ref: str | None
            sup_ref: str | None
            if sub is not None:
                evidence, sub_ref = sub, sub.id
                sup_ref = sup.id if sup is not None else resolver.field(link.superior, sub, up=True)
            elif sup is not None:
                evidence, sub_ref, sup_ref = sup, resolver.field(link.subordinate, sup, up=False), sup.id
            else:
                unresolved.append(f"{org_id}:{link.line}: the org chart's '{link.text}' names no post of the organization")
                continue
            if sub_ref is None or sup_ref is None or sub_ref == sup_ref or (sub_ref, sup_ref) in seen:
                continue
            seen.add((sub_ref, sup_ref))
            cue = f"{link.subordinate} → {link.superior}"
            lines.append(
                ReportingLine(f"{evidence.id}/chart-{len(seen)}", sub_ref, sup_ref, evidence.id, cue, "chart", link.line)
            )
    return lines


def field_names(field: PostField) -> list[str]:
    """The names a field's value lists: '厨房领班及员工' → 厨房领班, 员工; 'Directors' → Directors."""
    names = []
    value = FIELD_ASIDE.sub("", field.value)  # 餐饮部经理（张三）: the person is not the post
    for part in FIELD_SEPARATORS.split(value):
        name = FIELD_ARTICLE.sub("", FIELD_NOISE.sub("", part.strip(" \t:：.。()（）")))
        if name and name.casefold() not in {"none", "n/a", "无", "-"}:
            names.append(name)
    return names


def infer_reporting(posts: tuple[Post, ...], explicit: list[ReportingLine], roles: dict[str, Role]) -> list[ReportingLine]:
    """Structural lines: a post with no explicit superior sits under its department's head."""
    has_superior = {line.subordinate for line in explicit}
    groups: dict[tuple[str, str], list[Post]] = {}
    for post in posts:
        groups.setdefault((post.org_id, post.department), []).append(post)
    inferred: list[ReportingLine] = []
    for members in groups.values():
        top = min(roles[p.role].rank for p in members)
        heads = [p for p in members if roles[p.role].rank == top]
        if len(heads) != 1:
            continue
        head = heads[0]
        for post in members:
            if post.id in has_superior or roles[post.role].rank <= top:
                continue
            inferred.append(ReportingLine(f"{post.id}/inferred", post.id, head.id, post.id, "同部门上级", "inferred"))
    return inferred


def _numbered(lines: list[ReportingLine]) -> list[ReportingLine]:
    """Give each line a stable id: its evidence and its place among that evidence's lines."""
    counts: dict[str, int] = {}
    out: list[ReportingLine] = []
    for line in lines:
        n = counts.get(line.evidence, 0) + 1
        counts[line.evidence] = n
        out.append(
            ReportingLine(f"{line.evidence}/reports-{n}", line.subordinate, line.superior, line.evidence, line.cue, line.basis)
        )
    return out
