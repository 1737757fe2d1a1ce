"""Load a knowledge pack (departments, roles, themes) from its Turtle file, and resolve names."""

from __future__ import annotations

import hashlib
import re
from functools import cached_property
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from graph.errors import OntologyError
from graph.model import Department, Pack, Role, Theme
from graph.namespace import RG, RGD

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
    default = kg.value(pack_node, RG.defaultDepartment)
    if default is None:
        raise OntologyError(f"{path}: the pack names no rg:defaultDepartment")
    return Pack(path, departments, roles, themes, rank_words, _key(default, "dept/"))


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
    terms = tuple(sorted(str(t) for t in kg.objects(node, SKOS.altLabel)))
    return Theme(_key(node, "theme/"), str(node), _labels(kg, node, "zh-Hans"), _labels(kg, node, "en"), terms)


def _rank_word(path: Path, text: str) -> tuple[str, int]:
    word, _, rank = text.partition(" ")
    if not rank.strip().isdigit():
        raise OntologyError(f"{path}: rg:rankWord '{text}' should be 'WORD RANK'")
    return word, int(rank)


class RoleBook:
    """Resolves role names (Simplified) to roles; names the pack does not know become roles."""

    def __init__(self, pack: Pack) -> None:
        self.pack = pack
        self.roles: dict[str, Role] = {r.key: r for r in pack.roles}
        self._by_name: dict[str, str] = {}
        for role in pack.roles:
            for name in (role.zh, *role.aliases):
                self._by_name[name] = role.key
        self._departments = {d.key: d for d in pack.departments}
        self.memo: dict[str, tuple[str, ...]] = {}

    @cached_property
    def names_longest_first(self) -> tuple[str, ...]:
        return tuple(sorted(self._by_name, key=lambda n: (-len(n), n)))

    @cached_property
    def name_pattern(self) -> re.Pattern[str]:
        titles = "|".join(re.escape(w) for w, _ in self.pack.rank_words if len(w) > 1)
        known = "|".join(re.escape(n) for n in self.names_longest_first)
        return re.compile(rf"(?:{known})|[\u4e00-\u9fff]{{1,4}}?(?:{titles})")

    def lookup(self, name: str) -> Role | None:
        key = self._by_name.get(name)
        return self.roles[key] if key else None

    def resolve(self, name: str, *, default_rank: int | None = None) -> Role | None:
        """A role for a name: the pack's, or a new one when the name ends in a title word.

        A name with no title word gets ``default_rank`` (a post heading always names a role),
        or no role (a mention such as 前台 or 相关部门 is not one).
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
            en = f"{self._departments[dept].en} {RANK_TITLES_EN.get(rank, 'Staff')} ({name})"
            self.roles[key] = Role(key, str(RGD) + "role/" + key, name, en, rank, dept, (), known=False)
            self._by_name[name] = key
        return self.roles[key]

    def resolve_unnamed(self, text: str) -> Role:
        """The generic role of a post with no name, in the department its duties speak of."""
        dept = self.department_of(text)
        name = f"{self._departments[dept].zh}未命名岗位"
        return self.resolve(name, default_rank=7)  # type: ignore[return-value]

    def rank_of(self, name: str) -> int | None:
        for word, rank in self.pack.rank_words:
            if name.endswith(word):
                return rank
        return None

    def department_of(self, text: str) -> str:
        best: tuple[int, str] | None = None
        for dept in self.pack.departments:
            for word in dept.words:
                at = text.find(word)
                if at >= 0 and (best is None or at < best[0]):
                    best = (at, dept.key)
        return best[1] if best else self.pack.default_department

    def department_by_count(self, text: str) -> str:
        """The department whose words occur most often in a text (the pack's default if none)."""
        counts = {d.key: sum(text.count(w) for w in d.words) for d in self.pack.departments}
        best = max(sorted(counts), key=lambda k: counts[k])
        return best if counts[best] else self.pack.default_department

    def department_named(self, name: str) -> str | None:
        for dept in self.pack.departments:
            if dept.zh == name or name.startswith(dept.zh.rstrip("部")):
                return dept.key
        return None
