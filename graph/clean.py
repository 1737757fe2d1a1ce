"""Repair scraped text: pinyin glosses, mojibake spans, known corrections.

Every change is kept as a ``Repair`` with the raw line and column it was made at.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from graph.errors import OntologyError
from graph.model import CleanLine, CleanText, Repair, SourceText

CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü"
_SYLLABLE = rf"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?[aeiouv{_TONED}]{{1,3}}(?:ng|n|r)?"
# A syllable with a tone mark: glued to a character, never text of the document
_TONED_SYLLABLE = rf"(?=[a-z]*[{_TONED}]){_SYLLABLE}"
# A pinyin gloss glued after a character: 責(zé); or one that lost a parenthesis, 責(zé or
# 職zhí)責, where its syllable has a tone mark. Real parentheses such as (POCA) stay.
GLOSS = re.compile(rf"(?<=[{CJK}])(?:\(({_SYLLABLE})\)|\({_TONED_SYLLABLE}(?=[{CJK}]|$)|{_TONED_SYLLABLE}\))")
# A broken gloss: '?' stands where a character and the opening parenthesis were.
BROKEN_GLOSS = re.compile(rf"\?({_SYLLABLE})\)")
# What may follow a broken gloss as bytes shifted by one in a GBK stream.
SHIFTED_RUN = re.compile(rf"[{CJK}A-Za-z]+(?:\?(?![a-z{_TONED}]+\)))?")
LOST = "〓"  # GETA MARK: the typesetter's sign for a character that could not be recovered


@dataclass(frozen=True)
class Correction:
    before: str
    after: str
    note: str
    line: int


def load_corrections(path: Path | None) -> tuple[Correction, ...]:
    """Read a corrections file: TSV ``damaged<TAB>repaired<TAB>note``, '#' comments."""
    if path is None:
        return ()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise OntologyError(f"{path}: cannot read corrections file ({e.strerror})") from None
    found: list[Correction] = []
    for number, row in enumerate(csv.reader(text.splitlines(), delimiter="\t"), start=1):
        if not row or row[0].startswith("#"):
            continue
        if len(row) < 2 or not row[0]:
            raise OntologyError(f"{path}:{number}: expected 'damaged<TAB>repaired[<TAB>note]'")
        found.append(Correction(row[0], row[1], row[2] if len(row) > 2 else "", number))
    return tuple(found)


def clean_source(source: SourceText, *, corrections: tuple[Correction, ...] = (), corrections_name: str = "") -> CleanText:
    """Repair every line of a source and mark forum noise."""
    known = _char_counts(source.lines)
    lines: list[CleanLine] = []
    repairs: list[Repair] = []
    glosses = 0
    for number, raw in enumerate(source.lines, start=1):
        text, offsets, removed = strip_glosses(raw)
        glosses += removed
        text, fixed = _apply_corrections(text, offsets, number, corrections, corrections_name)
        repairs.extend(fixed)
        text, fixed = repair_mojibake(text, offsets, number, known)
        repairs.extend(fixed)
        stripped = text.strip()
        lines.append(CleanLine(number=number, raw=raw, text=stripped))
    return CleanText(source=source, lines=tuple(lines), repairs=tuple(repairs), glosses_removed=glosses)


def strip_glosses(raw: str) -> tuple[str, list[int], int]:
    """Remove pinyin glosses; return the text, the raw column of each kept char, and the count."""
    kept: list[str] = []
    offsets: list[int] = []
    last = 0
    count = 0
    for match in GLOSS.finditer(raw):
        kept.append(raw[last : match.start()])
        offsets.extend(range(last, match.start()))
        last = match.end()
        count += 1
    kept.append(raw[last:])
    offsets.extend(range(last, len(raw)))
    offsets.append(len(raw))
    return "".join(kept), offsets, count


def _apply_corrections(
    text: str, offsets: list[int], number: int, corrections: tuple[Correction, ...], name: str
) -> tuple[str, list[Repair]]:
    repairs: list[Repair] = []
    for corr in corrections:
        at = text.find(corr.before)
        while at >= 0:
            auto, _ = _byte_repair(corr.before, Counter())
            how = f"correction {name}:{corr.line}" + (f" ({corr.note})" if corr.note else "")
            if auto != corr.before:
                how += f"; bytes alone give {auto}"
            repairs.append(Repair(number, offsets[at] + 1, corr.before, corr.after, how))
            text = text[:at] + corr.after + text[at + len(corr.before) :]
            # keep the offsets list aligned with the new text (new chars map to the span start)
            offsets[at : at + len(corr.before)] = [offsets[at]] * len(corr.after)
            at = text.find(corr.before, at + len(corr.after))
    return text, repairs


def repair_mojibake(text: str, offsets: list[int], number: int, known: Counter[str]) -> tuple[str, list[Repair]]:
    """Find spans that start with a broken gloss, repair what the bytes allow, report each."""
    repairs: list[Repair] = []
    out: list[str] = []
    pos = 0
    while True:
        match = BROKEN_GLOSS.search(text, pos)
        if match is None:
            break
        end = _span_end(text, match.start())
        before = text[match.start() : end]
        after, how = _byte_repair(before, known)
        out.append(text[pos : match.start()])
        out.append(after)
        repairs.append(Repair(number, offsets[match.start()] + 1, before, after, how))
        pos = end
    out.append(text[pos:])
    return "".join(out), repairs


def _span_end(text: str, start: int) -> int:
    """A damaged span: broken glosses and the runs between them that look shifted."""
    end = start
    while True:
        broken = BROKEN_GLOSS.match(text, end)
        if broken:
            end = broken.end()
            continue
        run = SHIFTED_RUN.match(text, end)
        if run and (run.group().endswith("?") or BROKEN_GLOSS.match(text, run.end())):
            end = run.end()
            continue
        if run and _looks_shifted(run.group()):
            end = run.end()
            continue
        return end


def _byte_repair(span: str, known: Counter[str]) -> tuple[str, str]:
    """Rebuild a span: each broken gloss is a lost character; shifted runs are re-decoded."""
    parts: list[str] = []
    steps: list[str] = []
    pos = 0
    while pos < len(span):
        broken = BROKEN_GLOSS.match(span, pos)
        if broken:
            parts.append(LOST)
            steps.append(f"lost character read '{broken.group(1)}'")
            pos = broken.end()
            continue
        run = SHIFTED_RUN.match(span, pos)
        if run is None:  # a '?' with nothing recognisable after it
            parts.append(LOST)
            pos += 1
            continue
        decoded, lost = unshift_gbk(run.group())
        if decoded is not None and _score(decoded, known) > _score(run.group().rstrip("?"), known):
            parts.append(decoded + LOST * lost)
            steps.append(f"'{run.group()}' re-encoded in GBK less its first byte gives '{decoded}'")
        elif _score(run.group().rstrip("?"), known) == 0:
            parts.append(LOST)
            steps.append(f"'{run.group()}' is byte debris")
        else:
            parts.append(run.group().rstrip("?") + (LOST if run.group().endswith("?") else ""))
        pos = run.end()
    return "".join(parts), "; ".join(steps) or "unchanged"


def unshift_gbk(run: str) -> tuple[str | None, int]:
    """Re-encode in GBK, drop the first byte, decode the longest valid prefix.

    Returns the decoded text (None when nothing decodes) and how many characters the
    leftover bytes stood for.
    """
    try:
        data = run.encode("gbk")[1:]
    except UnicodeEncodeError:
        return None, 0
    for cut in range(len(data), 0, -1):
        try:
            decoded = data[:cut].decode("gbk")
        except UnicodeDecodeError:
            continue
        if "?" in decoded:
            decoded = decoded[: decoded.index("?")]
        return (decoded or None), 1 if cut < len(data) else 0
    return None, 1


def _looks_shifted(run: str) -> bool:
    decoded, _ = unshift_gbk(run)
    return decoded is not None and len(decoded) >= 2 and _score(decoded, Counter()) > _score(run, Counter())


def _score(text: str, known: Counter[str]) -> float:
    """How ordinary a run of characters is: seen elsewhere in the source, or a common hanzi."""
    chars = [c for c in text if "\u3400" <= c <= "\u9fff"]
    if not chars:
        return 0.0
    return sum(1.0 if known[c] >= 3 else 0.5 if _common_hanzi(c) else 0.0 for c in chars) / len(chars)


def _common_hanzi(char: str) -> bool:
    """GB2312 level 1 (the 3,755 most used characters), after conversion to Simplified."""
    from graph.script import to_simplified

    try:
        data = to_simplified(char).encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(data) == 2 and 0xB0 <= data[0] <= 0xD7


def _char_counts(lines: tuple[str, ...]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for line in lines:
        if "?" not in line:
            counts.update(line)
    return counts
