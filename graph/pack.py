"""Load a knowledge pack (departments, roles, themes) from its Turtle file, and resolve names."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from graph.errors import OntologyError
from graph.model import Department, Pack, Role, Theme
from graph.namespace import RG, RGD
from graph.paths import ONTOLOGY_DIR
from graph.script import normalize

GENERAL_PACK = ONTOLOGY_DIR / "general.ttl"

RANK_TITLES_EN = {1: "General Manager", 2: "Director", 3: "Manager", 4: "Head", 5: "Supervisor", 6: "Team Leader", 7: "Staff"}


def load_pack(path: Path) -> Pack:
    """Read a pack file; raise ``OntologyError`` naming the file when it is unusable."""
    kg = Graph()
    try:
        kg.parse(path, format="turtle")
    except FileNotFoundError:
        raise OntologyError(f"{path}: knowledge pack not found") from None
    except Exception as e:  # rdflib raises many parser exception types
        raise OntologyError(f"{path}: not valid Turtle ({e})") from None
    departments = tuple(sorted((_department(kg, s) for s in _iris(kg, RG.Department)), key=lambda d: d.key))
    roles = tuple(sorted((_role(kg, s) for s in _iris(kg, RG.Role)), key=lambda r: r.key))
    themes = tuple(sorted((_theme(kg, s) for s in _iris(kg, RG.DutyTheme)), key=lambda t: t.key))
    pack_node = next(iter(kg.subjects(RDF.type, RG.KnowledgePack)), None)
    if pack_node is None or not roles or not departments:
        raise OntologyError(f"{path}: a pack needs one rg:KnowledgePack, departments and roles")
    rank_words = tuple(sorted((_rank_word(path, str(o)) for o in kg.objects(pack_node, RG.rankWord)), key=lambda w: -len(w[0])))
    juniors = tuple(sorted((str(o).casefold() for o in kg.objects(pack_node, RG.juniorWord)), key=lambda w: (-len(w), w)))
    default = kg.value(pack_node, RG.defaultDepartment)
    if default is None:
        raise OntologyError(f"{path}: the pack names no rg:defaultDepartment")
    return Pack(path, departments, roles, themes, rank_words, _key(default, "dept/"), juniors)


def load_packs(folder: Path = ONTOLOGY_DIR) -> tuple[Pack, ...]:
    """Every knowledge pack in a folder (files declaring an rg:KnowledgePack), the general pack
    first: it is the one an organization gets when no other pack knows its posts better."""
    files = sorted(f for f in folder.glob("*.ttl") if " a rg:KnowledgePack" in f.read_text(encoding="utf-8"))
    if not files:
        raise OntologyError(f"{folder}: no knowledge pack (*.ttl declaring an rg:KnowledgePack)")
    files.sort(key=lambda f: f.name != GENERAL_PACK.name)
    return tuple(load_pack(f) for f in files)


def _iris(kg: Graph, cls: URIRef) -> list[URIRef]:
    return [s for s in kg.subjects(RDF.type, cls) if isinstance(s, URIRef)]


def _key(iri: object, prefix: str) -> str:
    text = str(iri)
    base = str(RGD) + prefix
    return text[len(base) :] if text.startswith(base) else text


def _labels(kg: Graph, node: URIRef, lang: str) -> str:
    for label in kg.objects(node, SKOS.prefLabel):
        if isinstance(label, Literal) and label.language == lang:
            return str(label)
    raise OntologyError(f"{node}: no skos:prefLabel in @{lang}")


def _department(kg: Graph, node: URIRef) -> Department:
    words = tuple(sorted(str(w) for w in kg.objects(node, RG.departmentWord)))
    return Department(_key(node, "dept/"), str(node), _labels(kg, node, "zh-Hans"), _labels(kg, node, "en"), words)


def _role(kg: Graph, node: URIRef) -> Role:
    rank, dept = kg.value(node, RG.rank), kg.value(node, RG.inDepartment)
    if rank is None or dept is None:
        raise OntologyError(f"{node}: a role needs rg:rank and rg:inDepartment")
    aliases = tuple(sorted(str(a) for a in kg.objects(node, SKOS.altLabel)))
    return Role(
        _key(node, "role/"),
        str(node),
        _labels(kg, node, "zh-Hans"),
        _labels(kg, node, "en"),
        int(str(rank)),
        _key(dept, "dept/"),
        aliases,
    )


def _theme(kg: Graph, node: URIRef) -> Theme:
    """A theme: its Chinese match terms (any altLabel not @en) and English stems (altLabel @en)."""
    labels = [t for t in kg.objects(node, SKOS.altLabel) if isinstance(t, Literal)]
    terms = tuple(sorted(str(t) for t in labels if t.language != "en"))
    stems = tuple(sorted(str(t).casefold() for t in labels if t.language == "en"))
    return Theme(_key(node, "theme/"), str(node), _labels(kg, node, "zh-Hans"), _labels(kg, node, "en"), terms, stems)


def _rank_word(path: Path, text: str) -> tuple[str, int]:
    word, _, rank = text.rpartition(" ")
    if not rank.strip().isdigit():
        raise OntologyError(f"{path}: rg:rankWord '{text}' should be 'WORD RANK'")
    return word, int(rank)


class RoleBook:
    """Resolves role names (Simplified) to roles; names the pack does not know become roles."""

    def __init__(self, pack: Pack) -> None:
        self.pack = pack
        self.roles: dict[str, Role] = {r.key: r for r in pack.roles}
        self._by_name: dict[str, str] = {}
        self._by_folded: dict[str, str] = {}  # casefolded, English labels too: 'directors'
        for role in pack.roles:
            for name in (role.zh, *role.aliases):
                self._by_name[name] = role.key
            for name in (role.en, role.zh, *role.aliases):
                self._by_folded.setdefault(_fold(name), role.key)
        self._departments = {d.key: d for d in pack.departments}
        self.stated: dict[str, Department] = {}  # departments the documents state and the pack lacks
        # a duty's text as written: its label, its themes, whether it is boilerplate (relate._duty)
        self.memo: dict[str, tuple[str, tuple[str, ...], bool]] = {}

    @cached_property
    def pack_names(self) -> frozenset[str]:
        """The pack's own Chinese role names and aliases of two characters or more."""
        return frozenset(n for r in self.pack.roles for n in (r.zh, *r.aliases) if len(n) >= 2 and not n.isascii())

    @cached_property
    def names_longest_first(self) -> tuple[str, ...]:
        return tuple(sorted(self._by_name, key=lambda n: (-len(n), n)))

    @cached_property
    def name_pattern(self) -> re.Pattern[str]:
        titles = "|".join(re.escape(w) for w, _ in self.pack.rank_words if len(w) > 1)
        known = "|".join(re.escape(n) for n in self.names_longest_first)
        return re.compile(rf"(?:{known})|[\u4e00-\u9fff]{{1,4}}?(?:{titles})")

    def lookup(self, name: str) -> Role | None:
        key = self._by_name.get(name) or self._by_folded.get(_fold(name))
        return self.roles[key] if key else None

    def knows(self, name: str) -> bool:
        """True when the pack itself has a role of this name or alias (not one minted here)."""
        role = self.lookup(name)
        return role is not None and role.known

    def resolve(self, name: str, *, default_rank: int | None = None, gloss: str | None = None) -> Role | None:
        """A role for a name: the pack's, or a new one when the name ends in a title word.

        A name with no title word gets ``default_rank`` (a post heading always names a role),
        or no role (a mention such as 前台 or 相关部门 is not one). A new role's English label is
        the document's gloss, or the name itself when it is English.
        """
        known = self.lookup(name)
        if known:
            return known
        rank = self.rank_of(name) or default_rank
        if rank is None:
            return None
        key = "new-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:10]
        if key not in self.roles:
            dept = self.department_of(name)
            title = f"{self._departments[dept].en} {RANK_TITLES_EN.get(rank, 'Staff')} ({name})"
            en = gloss or (name if is_latin(name) else title)
            self.roles[key] = Role(key, str(RGD) + "role/" + key, name, en, rank, dept, (), known=False)
            self._by_name[name] = key
        return self.roles[key]

    def resolve_unnamed(self, text: str) -> Role:
        """The generic role of a post with no name, in the department its duties speak of."""
        dept = self.department_of(text)
        name = f"{self._departments[dept].zh}未命名岗位"
        return self.resolve(name, default_rank=7)  # type: ignore[return-value]

    def rank_of(self, name: str) -> int | None:
        """The rank a name's title word gives (English casefolded, a plural too), one lower when
        it starts with a junior word of the pack (副主厨, Assistant Scoutmaster)."""
        folded = _fold(name)
        for candidate in (name, folded, folded.removesuffix("s")) if is_latin(name) else (name,):
            for word, rank in self.pack.rank_words:
                if candidate.endswith(word):
                    junior = any(_starts_with_word(folded, j) for j in self.pack.junior_words)
                    return rank + 1 if junior and not candidate == word else rank
        return None

    def is_title(self, name: str) -> bool:
        """A bare title word of the pack (队长, 园长): a name in a frame even with nothing before it."""
        return len(name) >= 2 and any(name == word for word, _ in self.pack.rank_words)

    def department_of(self, text: str) -> str:
        best: tuple[int, str] | None = None
        for dept in self.pack.departments:
            for word in dept.words:
                at = _find_word(text, word)
                if at >= 0 and (best is None or at < best[0]):
                    best = (at, dept.key)
        return best[1] if best else self.pack.default_department

    def department_by_count(self, text: str) -> str:
        """The department whose words occur most often in a text (the pack's default if none)."""
        counts = {d.key: sum(_count_word(text, w) for w in d.words) for d in self.pack.departments}
        best = max(sorted(counts), key=lambda k: counts[k])
        return best if counts[best] else self.pack.default_department

    def department_named(self, name: str) -> str | None:
        """The pack's department a stated name means: its label (zh, or en casefolded), or a
        Chinese name starting with the label's stem (销售一部 → 销售部)."""
        for dept in self.pack.departments:
            if dept.zh == name or _fold(dept.en) == _fold(name) or name.startswith(dept.zh.rstrip("部")):
                return dept.key
        for dept in self.stated.values():
            if _fold(dept.written) == _fold(name) or dept.zh == name:
                return dept.key
        return None

    def add_department(self, written: str) -> str:
        """A department the document states and the pack lacks: its own, keyed by a stable slug
        of its name, labelled in the document's language, the name as written kept."""
        name = normalize(written)
        if is_latin(name):
            key = "stated-" + (re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-") or "x")
            zh, en = "", name
        else:
            key = "stated-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:10]
            zh, en = name, ""
        if key not in self.stated:
            self.stated[key] = Department(key, str(RGD) + "dept/" + key, zh, en, (), written)
        return key


def _starts_with_word(name: str, word: str) -> bool:
    """'副主厨' starts with 副; 'assistant scoutmaster' with 'assistant' (a whole word)."""
    rest = name[len(word) :]
    return name.startswith(word) and bool(rest) and (not word.isascii() or rest[0] in " -")


# An organization whose posts are all unnamed takes a pack other than the general one only when
# its duties name this many distinct roles of that pack (one mention of 出纳 is no evidence).
MIN_NAMED_IN_DUTIES = 2


def choose_book(names: Sequence[str], texts: Sequence[str], books: Sequence[RoleBook]) -> tuple[RoleBook, int, str]:
    """The role book whose pack knows most of an organization's post names, how many it knows
    and why; the first book (the general pack) when none knows more than it does. When no pack
    knows any name (the posts are unnamed), the roles its duty texts name decide."""
    counts = [sum(book.knows(name) for name in names) for book in books]
    if not any(counts):
        named = [len({n for n in book.pack_names if any(n in text for text in texts)}) for book in books]
        best = max(range(len(books)), key=lambda i: (named[i], -i))
        if named[best] < MIN_NAMED_IN_DUTIES:
            return books[0], 0, f"no pack knows any of its {len(names)} post names or the roles its duties name"
        return books[best], 0, f"no pack knows its post names; its duties name {named[best]} roles it knows (most)"
    best = max(range(len(books)), key=lambda i: (counts[i], -i))
    if best == 0:
        return books[0], counts[0], f"it knows {counts[0]} of {len(names)} post names, no pack knows more"
    why = f"it knows {counts[best]} of {len(names)} post names, more than {books[0].pack.path.name} ({counts[0]})"
    return books[best], counts[best], why


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def is_latin(text: str) -> bool:
    """True for a text in Latin letters (an English name), with no Chinese character."""
    return bool(re.search(r"[A-Za-z]", text)) and not re.search(r"[\u3400-\u9fff]", text)


def _find_word(text: str, word: str) -> int:
    """Where a department word occurs: anywhere for Chinese, at a word start for English."""
    if not word.isascii():
        return text.find(word)
    found = re.search(rf"\b{re.escape(word)}", text, re.IGNORECASE)
    return found.start() if found else -1


def _count_word(text: str, word: str) -> int:
    if not word.isascii():
        return text.count(word)
    return len(re.findall(rf"\b{re.escape(word)}", text, re.IGNORECASE))
