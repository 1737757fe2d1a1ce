"""Language profiles: the labels, section names and cues of job descriptions, read from
``profiles/*.toml``. The reader's rules are language-free and take their words from here."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from pathlib import Path

from graph.errors import OntologyError
from graph.script import to_simplified

PROFILES_DIR = Path(__file__).resolve().parent / "profiles"
MEANINGS = ("name", "department", "superior", "subordinates", "duties", "duty", "duty_detail", "summary", "other")


@dataclass(frozen=True)
class Profile:
    language: str
    heading_suffixes: tuple[str, ...]
    subheading_names: frozenset[str]
    collective_endings: tuple[str, ...]
    pointing_names: frozenset[str]  # 本, 该: a heading naming no position (本岗位职责)
    compilation_endings: frozenset[str]  # 汇编: a heading gathering a unit's positions (销售部岗位职责汇编)
    organization_endings: tuple[str, ...]  # 店, 公司: a heading's name that is the organization's
    description_suffixes: tuple[str, ...]  # 岗位说明书: a heading of the whole job, not of its duties alone
    department_endings: tuple[str, ...]  # 部, 中心: a short line alone ending in one heads a department
    unit_endings: tuple[str, ...]  # 科, 室: a numbered short line ending in one, above a position, too
    labels: dict[str, str]  # folded label → meaning
    not_duties: tuple[str, ...]
    not_duty_start: re.Pattern[str]  # a heading that is, or starts with, a non-duty section name
    charts: frozenset[str]
    position_intros: tuple[re.Pattern[str], ...]
    position_headings: tuple[re.Pattern[str], ...]
    department_headings: tuple[re.Pattern[str], ...]
    heading_numbers: tuple[re.Pattern[str], ...]
    article_starts: tuple[re.Pattern[str], ...]
    institution_endings: tuple[str, ...]
    clause_ends: str
    duty_verbs: tuple[str, ...]
    noise: tuple[tuple[str, re.Pattern[str]], ...] = ()


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """The form labels and section names are compared in: Simplified, lower case, no spaces or colon."""
    return re.sub(r"[\s:：*_]+", "", to_simplified(text).lower())


@cache
def load_profile(language: str) -> Profile:
    path = PROFILES_DIR / f"{language}.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise OntologyError(f"{path}: cannot read language profile ({e})") from None
    fields = data.get("fields", {})
    sections = data.get("sections", {})
    labels = {fold(label): meaning for meaning in MEANINGS for label in fields.get(meaning, [])}
    not_duties = tuple(sorted((fold(s) for s in sections.get("not_duties", [])), key=len, reverse=True))

    def get(key: str, default: object) -> object:
        return data.get(key, sections.get(key, default))

    def patterns(key: str) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p, re.IGNORECASE) for p in get(key, []))  # type: ignore[attr-defined]

    return Profile(
        language=data["language"],
        heading_suffixes=tuple(sorted(data.get("heading_suffixes", []), key=len, reverse=True)),
        subheading_names=frozenset(data.get("subheading_names", [])),
        collective_endings=tuple(data.get("collective_endings", [])),
        pointing_names=frozenset(data.get("pointing_names", [])),
        compilation_endings=frozenset(data.get("compilation_endings", [])),
        organization_endings=tuple(data.get("organization_endings", [])),
        description_suffixes=tuple(data.get("description_suffixes", [])),
        department_endings=tuple(data.get("department_endings", [])),
        unit_endings=tuple(data.get("unit_endings", [])),
        labels=labels,
        not_duties=not_duties,
        not_duty_start=re.compile("|".join(re.escape(n) + ("" if len(n) >= 2 else "$") for n in not_duties) or "(?!)"),
        charts=frozenset(fold(s) for s in sections.get("charts", [])),
        position_intros=patterns("position_intros"),
        position_headings=patterns("position_headings"),
        department_headings=patterns("department_headings"),
        heading_numbers=patterns("heading_numbers"),
        article_starts=patterns("article_starts"),
        institution_endings=tuple(get("institution_endings", [])),  # type: ignore[arg-type]
        clause_ends=str(get("clause_ends", "")),
        duty_verbs=tuple(get("duty_verbs", [])),  # type: ignore[arg-type]
        noise=tuple((reason, re.compile(pattern)) for reason, pattern in data.get("noise", {}).items()),
    )


def profiles() -> tuple[Profile, ...]:
    """Every profile, Chinese first: a document may mix the two languages."""
    return tuple(load_profile(p.stem) for p in sorted(PROFILES_DIR.glob("*.toml"), key=lambda p: (p.stem != "zh", p.stem)))


@dataclass(frozen=True, eq=False)  # hashed by identity: its answers are cached
class Lexicon:
    """All profiles together, as the reader asks them."""

    profiles: tuple[Profile, ...]

    @lru_cache(maxsize=1 << 14)  # noqa: B019 - one lexicon per process, kept for its life
    def meaning(self, label: str) -> str | None:
        """What a field label means ('name', 'duties' …), or None for a label no profile knows."""
        key = fold(label)
        for profile in self.profiles:
            if key in profile.labels:
                return profile.labels[key]
        return None

    @lru_cache(maxsize=1 << 14)  # noqa: B019
    def section(self, heading: str) -> str | None:
        """'duties', 'not-duties' or 'chart' for a section heading, else None."""
        key = fold(heading)
        if not key:
            return None
        if self.meaning(heading) == "duties":
            return "duties"
        if any(key in profile.charts for profile in self.profiles):
            return "chart"
        if any(profile.not_duty_start.match(key) for profile in self.profiles):
            return "not-duties"
        return None

    def intro_name(self, text: str) -> str | None:
        """The position a list-opening sentence names ('The treasurer shall:' → 'treasurer')."""
        return self._named(text, "position_intros")

    def heading_name(self, text: str) -> str | None:
        """The position a heading names by its duties ('Duties of President' → 'President')."""
        return self._named(text, "position_headings")

    def department_heading(self, text: str) -> str | None:
        """The unit a heading says its positions belong to ('Roles on the Engineering team')."""
        return self._named(text, "department_headings")

    def _named(self, text: str, patterns: str) -> str | None:
        """The ``name`` group of the first of the profiles' ``patterns`` that matches ``text``."""
        for profile in self.profiles:
            for pattern in getattr(profile, patterns):
                match = pattern.match(text.strip())
                if match:
                    return str(match.group("name")).strip()
        return None

    def noise_reason(self, text: str) -> str | None:
        for profile in self.profiles:
            for reason, pattern in profile.noise:
                if pattern.match(text):
                    return reason
        return None

    def strip_heading_number(self, text: str) -> str:
        for profile in self.profiles:
            for pattern in profile.heading_numbers:
                text = pattern.sub("", text, count=1)
        return text.strip()

    def starts_article(self, text: str) -> bool:
        return any(p.match(text) for profile in self.profiles for p in profile.article_starts)

    def is_duty_sentence(self, text: str) -> bool:
        lowered = text.lower()
        return any(re.search(rf"\b{re.escape(verb)}\b", lowered) for profile in self.profiles for verb in profile.duty_verbs)

    # the profiles' word lists, each taken across every profile once
    @cached_property
    def subheading_names(self) -> frozenset[str]:
        return frozenset(n for p in self.profiles for n in p.subheading_names)

    @cached_property
    def pointing_names(self) -> frozenset[str]:
        return frozenset(n for p in self.profiles for n in p.pointing_names)

    @cached_property
    def collective_endings(self) -> tuple[str, ...]:
        return tuple(e for p in self.profiles for e in p.collective_endings)

    @cached_property
    def compilation_endings(self) -> frozenset[str]:
        return frozenset(e for p in self.profiles for e in p.compilation_endings)

    @cached_property
    def department_endings(self) -> tuple[str, ...]:
        return tuple(e for p in self.profiles for e in p.department_endings)

    @cached_property
    def unit_endings(self) -> tuple[str, ...]:
        return tuple(e for p in self.profiles for e in p.unit_endings)

    @cached_property
    def institution_endings(self) -> tuple[str, ...]:
        return tuple(e for p in self.profiles for e in p.institution_endings)

    @cached_property
    def organization_endings(self) -> tuple[str, ...]:
        """The endings of an organization's name: the profiles' own, and their institutions'."""
        return (*(e for p in self.profiles for e in p.organization_endings), *self.institution_endings)

    def says_duties(self, heading: str) -> bool:
        """Whether a position's heading says the lines under it are its duties (出纳岗位职责), where
        one of the whole job (出纳岗位说明书) may hold other lists before its duties."""
        simplified = to_simplified(heading)
        return not any(s in simplified for profile in self.profiles for s in profile.description_suffixes)


@cache
def lexicon() -> Lexicon:
    return Lexicon(profiles())
