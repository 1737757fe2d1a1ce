"""Measure the reader against hand-counted gold files.

``python bench/accuracy.py DIR... [--json FILE] [--variant-check]`` finds every ``NAME.gold.json``
under the folders, builds every document beside it with the same stem (``NAME.txt``, ``NAME.docx``,
``NAME.xlsx``, …) through the library, and scores each such "variant" against the gold:

- positions: gold names matched one-to-one to the posts found (exact normalised name first, then
  one name containing the other, ties by order); recall = matched / gold, precision = matched / found;
- exact duties: matched posts with as many duties as the gold says, over gold positions;
- boundaries: the first and the last duty each matched (after the same normalisation, a leading
  number or bullet dropped; equal, or agreeing on a common prefix of at least 90 % of the shorter
  text), over 2 × gold positions; a gold position with no duties is matched by a post with none;
- superiors: the gold ``reports_to`` entries found among the reporting lines (explicit or inferred)
  of the matched post, over all entries;
- departments: gold positions with a stated department whose post's department is named alike;
- dealership: posts of documents that are not about a dealership (neither ``source``, ``form`` nor
  ``note`` of the gold mentions one) that were placed in a department of the dealership pack.

A table goes to stdout, one row per variant and a TOTAL row micro-averaged over gold positions;
``--json FILE`` writes the same figures. The variant check compares each packaged copy (.docx,
.xlsx, …) with its .txt twin: same posts, same duty counts. With ``--variant-check`` the exit
status is 1 when a copy reads differently.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from typing import Any

from graph.errors import RolegraphError
from graph.model import Duty, OrgModel, Post
from graph.pack import load_pack
from graph.paths import DEFAULT_PACK
from graph.pipeline import BuildOptions, build
from graph.script import to_simplified

GOLD_SUFFIX = ".gold.json"
NAME_SUFFIXES = ("岗位职责", "职责", "岗位")  # longest first: one is dropped from the end of a name
MIN_CONTAINED = 2  # a name shorter than this never matches by containment
BOUNDARY_SHARE = 0.9  # share of the shorter duty text a common prefix must cover
_GLOSS = re.compile(r"\s*[(（\[【][^()（）\[\]【】]*[)）\]】]")
_NUMERAL = r"[0-9０-９一二三四五六七八九十百零〇]+"
_MARKER = re.compile(
    rf"""^\s*(?:
        [-*+•·●○◆◇■□▪►▶>–—]+                     # bullets
      | 第{_NUMERAL}[条章节款项点]                 # 第三条
      | [(（]{_NUMERAL}[)）]                       # (1) （一）
      | [①-⑳]                                      # circled numbers
      | {_NUMERAL}(?:\.{_NUMERAL})*\s*[.、．，:：)）]  # 1. 1、 1.2. 一、 1)
      | [A-Za-z][.)](?=\s)                         # a) b.
    )\s*""",
    re.VERBOSE,
)
_DEALERSHIP = re.compile(r"dealer|\b4s\b|4s店|汽车|经销商", re.IGNORECASE)


# --- normalisation and matching ---------------------------------------------------------


def compact(text: str) -> str:
    """Letters, marks and digits only, casefolded: no whitespace, punctuation or symbols."""
    return "".join(c for c in text if unicodedata.category(c)[0] in "LMN").casefold()


def normalize_name(text: str) -> str:
    """A position name for matching: Simplified, without a parenthesised gloss, whitespace,
    punctuation or a trailing 岗位职责/职责/岗位, casefolded."""
    text = to_simplified(text)
    bare = _GLOSS.sub("", text)
    name = compact(bare) or compact(text)
    for suffix in NAME_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


def normalize_duty(text: str) -> str:
    """A duty text for matching: Simplified, without its leading number or bullet, compacted."""
    text = _LINK.sub(r"\1", to_simplified(text))  # a Markdown link and its Word rendering say the same
    for _ in range(2):  # '- 1. text'
        text = _MARKER.sub("", text, count=1)
    return compact(text)


_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def names_match(a: str, b: str) -> bool:
    """Two normalised names are equal, or the shorter (of two letters at least) is inside the other."""
    if not a or not b:
        return False
    short, long = sorted((a, b), key=len)
    return a == b or (len(short) >= MIN_CONTAINED and short in long)


def match_positions(gold_names: Sequence[str], found: Sequence[frozenset[str]]) -> dict[int, int]:
    """Gold index → found index, one-to-one: exact matches first, then containment; in order."""
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    for exact in (True, False):
        for g, name in enumerate(gold_names):
            if g in pairs:
                continue
            for f, names in enumerate(found):
                if f not in taken and any(n == name if exact else names_match(name, n) for n in names):
                    pairs[g] = f
                    taken.add(f)
                    break
    return pairs


def same_boundary(gold: str, found: str) -> bool:
    """The same duty text, or one a prefix of the other over ≥ 90 % of the shorter one."""
    a, b = normalize_duty(gold), normalize_duty(found)
    if not a or not b:
        return a == b
    return len(os.path.commonprefix([a, b])) >= BOUNDARY_SHARE * min(len(a), len(b))


def _normalized_set(texts: Iterable[str]) -> frozenset[str]:
    return frozenset(n for n in (normalize_name(t) for t in texts if t) if n)


def post_names(model: OrgModel, post: Post) -> frozenset[str]:
    """What a gold name may match: the post's written name and label, its role's zh and en labels."""
    role = next((r for r in model.roles if r.key == post.role), None)
    extra = (role.zh, role.en) if role is not None else ()
    return _normalized_set((post.name_written, post.label, *extra))


def superior_names(model: OrgModel, post: Post) -> list[frozenset[str]]:
    """The names of each superior of a post: a post's written name and label and its role's
    labels and aliases, or a ``role:KEY``'s labels and aliases."""
    roles = {r.key: r for r in model.roles}
    out: list[frozenset[str]] = []
    for line in model.reporting:
        if line.subordinate != post.id:
            continue
        superior = model.post_by_id.get(line.superior)
        texts = [superior.name_written, superior.label] if superior is not None else []
        role = roles.get(model.role_of(line.superior))
        if role is not None:
            texts += [role.zh, role.en, *role.aliases]
        out.append(_normalized_set(texts))
    return out


def department_names(model: OrgModel, post: Post) -> frozenset[str]:
    department = next((d for d in model.departments if d.key == post.department), None)
    texts = (department.zh, department.en) if department is not None else (post.department,)
    return _normalized_set(texts)


# --- scoring ----------------------------------------------------------------------------


@dataclass
class DocumentScore:
    """Counts of one variant (or summed over many); rates are derived from them."""

    gold: int = 0
    found: int = 0
    matched: int = 0
    exact_posts: int = 0  # matched posts with the gold's duty count
    boundary_hits: int = 0  # first and last duties matched, of 2 × gold
    superiors_found: int = 0
    superiors_gold: int = 0
    departments_found: int = 0
    departments_gold: int = 0
    dealership_posts: int = 0
    unmatched_gold: list[str] = field(default_factory=list)
    unmatched_found: list[str] = field(default_factory=list)

    def rates(self) -> dict[str, float | None]:
        return {
            "recall": ratio(self.matched, self.gold),
            "precision": ratio(self.matched, self.found),
            "exact_duties": ratio(self.exact_posts, self.gold),
            "boundaries": ratio(self.boundary_hits, 2 * self.gold),
            "superiors": ratio(self.superiors_found, self.superiors_gold),
            "departments": ratio(self.departments_found, self.departments_gold),
        }

    def as_json(self) -> dict[str, Any]:
        counts = {f.name: getattr(self, f.name) for f in fields(self)}
        return {**counts, **self.rates()}


def ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def add_up(scores: Iterable[DocumentScore]) -> DocumentScore:
    """Counts summed (micro-average); name lists are per variant and left empty."""
    total = DocumentScore()
    for score in scores:
        for f in fields(DocumentScore):
            if f.type in ("int", int):
                setattr(total, f.name, getattr(total, f.name) + getattr(score, f.name))
    return total


def mentions_dealership(gold: dict[str, Any]) -> bool:
    return any(_DEALERSHIP.search(str(gold.get(k) or "")) for k in ("source", "form", "note"))


@lru_cache(maxsize=1)
def pack_departments() -> frozenset[str]:
    """Keys of the departments of the default (dealership) pack."""
    return frozenset(d.key for d in load_pack(DEFAULT_PACK).departments)


def _ordered_duties(post: Post) -> list[Duty]:
    return sorted(post.duties, key=lambda d: d.ordinal)


def _boundary_hits(position: dict[str, Any], post: Post) -> int:
    duties = _ordered_duties(post)
    hits = 0
    for key, duty in (("first_duty", duties[0] if duties else None), ("last_duty", duties[-1] if duties else None)):
        expected = position.get(key)
        if not expected or duty is None:
            hits += not expected and duty is None
        else:
            hits += same_boundary(expected, duty.original) or same_boundary(expected, duty.label)
    return hits


def _superior_hits(position: dict[str, Any], model: OrgModel, post: Post) -> int:
    found = superior_names(model, post)
    wanted = [normalize_name(s) for s in position.get("reports_to") or []]
    return sum(any(names_match(w, n) for names in found for n in names) for w in wanted)


def _department_hit(position: dict[str, Any], model: OrgModel, post: Post) -> bool:
    wanted = normalize_name(position["department"])
    return any(names_match(wanted, n) for n in department_names(model, post))


def score_document(gold: dict[str, Any], model: OrgModel | None) -> DocumentScore:
    """Score one model (``None``: the build failed, nothing found) against one gold dict."""
    positions: list[dict[str, Any]] = list(gold.get("positions") or [])
    posts = list(model.posts) if model is not None else []
    score = DocumentScore(gold=len(positions), found=len(posts))
    score.superiors_gold = sum(len(p.get("reports_to") or []) for p in positions)
    score.departments_gold = sum(p.get("department") is not None for p in positions)
    if model is None:
        score.unmatched_gold = [p["name"] for p in positions]
        return score
    pairs = match_positions([normalize_name(p["name"]) for p in positions], [post_names(model, p) for p in posts])
    for g, f in pairs.items():
        position, post = positions[g], posts[f]
        score.exact_posts += len(post.duties) == position["duties"]
        score.boundary_hits += _boundary_hits(position, post)
        score.superiors_found += _superior_hits(position, model, post)
        if position.get("department") is not None:
            score.departments_found += _department_hit(position, model, post)
    score.matched = len(pairs)
    score.unmatched_gold = [p["name"] for g, p in enumerate(positions) if g not in pairs]
    score.unmatched_found = [p.name_written for f, p in enumerate(posts) if f not in pairs.values()]
    if not mentions_dealership(gold):
        score.dealership_posts = sum(p.department in pack_departments() for p in posts)
    return score


# --- documents and folders --------------------------------------------------------------


@dataclass
class VariantResult:
    file: Path
    gold_file: Path
    error: str | None
    score: DocumentScore
    shape: tuple[tuple[str, int], ...]  # (written name, duty count) of every post found


@dataclass
class VariantCheck:
    stem: str
    reference: Path
    variant: Path
    same: bool
    detail: str


@dataclass
class AccuracyReport:
    variants: list[VariantResult]
    total: DocumentScore
    checks: list[VariantCheck]

    def as_json(self) -> dict[str, Any]:
        return {
            "variants": [{"file": str(v.file), "error": v.error, **v.score.as_json()} for v in self.variants],
            "total": self.total.as_json(),
            "variant_check": [
                {"stem": c.stem, "reference": str(c.reference), "variant": str(c.variant), "same": c.same, "detail": c.detail}
                for c in self.checks
            ],
        }


def find_golds(paths: Iterable[Path]) -> list[Path]:
    golds: set[Path] = set()
    for path in paths:
        if path.is_file() and path.name.endswith(GOLD_SUFFIX):
            golds.add(path)
        elif path.is_dir():
            golds.update(p for p in path.rglob(f"*{GOLD_SUFFIX}") if p.is_file())
    return sorted(golds)


def variants_of(gold_file: Path) -> list[Path]:
    """Documents beside a gold file with its stem: ``NAME.txt``, ``NAME.docx``, …"""
    stem = gold_file.name.removesuffix(GOLD_SUFFIX)
    return sorted(
        p for p in gold_file.parent.iterdir() if p.is_file() and p.stem == stem and p != gold_file and not p.name.startswith(".")
    )


def build_model(path: Path) -> tuple[OrgModel | None, str | None]:
    """The model of one document, or ``None`` and why not; never raises."""
    with tempfile.TemporaryDirectory(prefix="accuracy-") as tmp:
        try:
            return build(BuildOptions(sources=(path,), out=Path(tmp) / "out", validate=False)).model, None
        except RolegraphError as e:
            return None, str(e)
        except Exception as e:  # a reader bug on one document must not stop the measure
            return None, f"unexpected {type(e).__name__}: {e}"


def score_variant(gold_file: Path, gold: dict[str, Any], path: Path) -> VariantResult:
    model, error = build_model(path)
    shape = tuple((p.name_written, len(p.duties)) for p in model.posts) if model is not None else ()
    return VariantResult(path, gold_file, error, score_document(gold, model), shape)


def check_variants(results: Sequence[VariantResult]) -> list[VariantCheck]:
    """Every packaged copy of a gold stem against its .txt twin (or the first variant)."""
    groups: dict[Path, list[VariantResult]] = {}
    for result in results:
        groups.setdefault(result.gold_file, []).append(result)
    checks: list[VariantCheck] = []
    for gold_file, group in groups.items():
        if len(group) < 2:
            continue
        reference = next((r for r in group if r.file.suffix.lower() == ".txt"), group[0])
        for other in group:
            if other is not reference:
                checks.append(_compare(gold_file.name.removesuffix(GOLD_SUFFIX), reference, other))
    return checks


def _compare(stem: str, reference: VariantResult, other: VariantResult) -> VariantCheck:
    """Same posts and duty counts, both built; a failed build is never 'the same'."""
    same = reference.error is None and other.error is None and reference.shape == other.shape
    if same:
        detail = f"{len(other.shape)} posts, same duty counts"
    elif other.error is not None:
        detail = f"{other.file.suffix} build failed: {short_error(other)}"
    elif reference.error is not None:
        detail = f"{reference.file.suffix} build failed: {short_error(reference)}"
    else:
        detail = f"{_shape_text(reference.shape)} vs {_shape_text(other.shape)}"
    return VariantCheck(stem, reference.file, other.file, same, detail)


def short_error(result: VariantResult) -> str:
    """The error message without the file name it starts with."""
    return (result.error or "").removeprefix(f"{result.file}: ")


def _shape_text(shape: tuple[tuple[str, int], ...]) -> str:
    return "[" + ", ".join(f"{name} {count}" for name, count in shape) + "]"


def score_dirs(paths: Iterable[Path | str]) -> AccuracyReport:
    """Score every variant of every gold file under the paths."""
    results: list[VariantResult] = []
    for gold_file in find_golds(Path(p) for p in paths):
        gold = json.loads(gold_file.read_text(encoding="utf-8"))
        results.extend(score_variant(gold_file, gold, path) for path in variants_of(gold_file))
    return AccuracyReport(results, add_up(r.score for r in results), check_variants(results))


# --- output -----------------------------------------------------------------------------

COLUMNS = ("file", "gold", "found", "match", "recall", "prec", "exact", "bounds", "superiors", "depts", "dealer")


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _row(name: str, s: DocumentScore) -> list[str]:
    r = s.rates()
    return [
        name,
        str(s.gold),
        str(s.found),
        str(s.matched),
        _rate(r["recall"]),
        _rate(r["precision"]),
        _rate(r["exact_duties"]),
        _rate(r["boundaries"]),
        f"{s.superiors_found}/{s.superiors_gold}",
        f"{s.departments_found}/{s.departments_gold}",
        str(s.dealership_posts),
    ]


def _display(path: Path, roots: Sequence[Path]) -> str:
    for root in roots:
        if path.is_relative_to(root):
            return str(path.relative_to(root))
    return str(path)


def _cell(column: int, text: str, width: int) -> str:
    return text.ljust(width) if column == 0 else text.rjust(width)


def format_table(report: AccuracyReport, roots: Sequence[Path] = ()) -> str:
    rows = [list(COLUMNS)]
    rows += [_row(_display(v.file, roots) + (" !" if v.error else ""), v.score) for v in report.variants]
    rows.append(_row("TOTAL", report.total))
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = ["  ".join(_cell(i, c, w) for i, (c, w) in enumerate(zip(row, widths, strict=True))) for row in rows]
    lines.insert(1, "-" * len(lines[0]))
    lines.insert(len(lines) - 1, "-" * len(lines[0]))
    t = report.total.rates()
    lines.append(
        f"superiors {_rate(t['superiors'])}, departments {_rate(t['departments'])}; "
        "dealer = posts of non-dealership documents in a dealership-pack department"
    )
    errors = [f"  {_display(v.file, roots)}: {short_error(v)}" for v in report.variants if v.error]
    if errors:
        lines += ["", "! build failed (counted as 0 posts found):", *errors]
    return "\n".join(lines)


def format_checks(report: AccuracyReport, roots: Sequence[Path] = ()) -> str:
    lines = ["", "variant check (each packaged copy against its .txt twin):"]
    if not report.checks:
        lines.append("  no gold stem has more than one document")
    for c in report.checks:
        mark = "same" if c.same else "DIFFERS"
        lines.append(f"  {_display(c.variant, roots)} vs {c.reference.suffix}: {mark}: {c.detail}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score the reader against hand-counted gold files.")
    parser.add_argument("dirs", nargs="+", type=Path, metavar="DIR", help="folders searched for *.gold.json")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--variant-check", action="store_true", help="exit 1 when a packaged copy reads differently")
    args = parser.parse_args(argv)
    missing = [d for d in args.dirs if not d.exists()]
    if missing:
        print(f"accuracy: {', '.join(map(str, missing))}: no such file or folder", file=sys.stderr)
        return 2
    report = score_dirs(args.dirs)
    if not report.variants:
        print("accuracy: no *.gold.json with a document beside it", file=sys.stderr)
        return 2
    roots = list(args.dirs)
    print(format_table(report, roots))
    print(format_checks(report, roots))
    if args.json is not None:
        text = json.dumps(report.as_json(), ensure_ascii=False, indent=2)
        args.json.write_text(text + "\n", encoding="utf-8")
    return 1 if args.variant_check and not all(c.same for c in report.checks) else 0


if __name__ == "__main__":
    sys.exit(main())
