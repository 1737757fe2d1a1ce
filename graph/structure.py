"""Split cleaned lines into organizations, posts and numbered duties, accounting for every line.

The rules are those of the 岗位职责 genre, in Traditional or Simplified script: a heading per
position (``X岗位职责``, ``X工作职责:``, ``一、X岗位职责``, ``X岗位职责要求:``), optional
``岗位描述`` summaries, then duties numbered ``一、``, ``1、``, ``1.``, ``1..`` or ``1``,
several to a line or wrapped over lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from graph.errors import SourceError
from graph.model import CleanText, Document, DutyText, LineUse, OrganizationText, PostText

CJK = r"\u3400-\u9fff"
CN_DIGITS = "零一二三四五六七八九十百"
HEADING_SUFFIX = r"(?:[崗岗]位|工作)?[職职][責责](?:要求|[說说]明|範圍|范围)?"
PUNCT = ",，。;；:：!！?？"
ORG_HEADING = re.compile(rf"^第([{CN_DIGITS}\d]+)[篇章部分]+\s*[:：、.]?\s*(?P<title>.*)$")
POST_HEADING = re.compile(
    rf"^(?:[{CN_DIGITS}]+[、.．]|\d{{1,2}}[、.．])?\s*(?P<name>[^{PUNCT}]{{0,24}}?)\s*"
    rf"(?P<suffix>{HEADING_SUFFIX})(?P<pos>\d*)\s*(?P<rest>.*)$"
)
TRAILING_HEADING = re.compile(rf"^(?P<pre>.*[.。;；!！])\s*(?P<heading>[^{PUNCT}.、\s]{{1,16}}{HEADING_SUFFIX}[:：]?)$")
DEPARTMENT_HEADING = re.compile(
    rf"^(?:[{CN_DIGITS}]+[、.．]|\d{{1,2}}[、.．])?\s*(?P<name>[{CJK}]{{1,10}}(?:部|部門|部门|中心))[:：]?$"
)
SUMMARY_LABEL = re.compile(r"^[崗岗]位(?:描述|概述|概要|目的|說明|说明|職能|职能)\s*[:：]?\s*(?P<rest>.*)$")
SECTION_HEADING = re.compile(
    rf"^(?:[{CN_DIGITS}]+[、.．])?[^{PUNCT}\s]{{0,10}}"
    r"(?:制度|規定|规定|辦法|办法|規範|规范|標準|标准|守則|守则|細則|细则|附則|附则|附件|目錄|目录)[:：]?$"
)
SUBHEADING_NAMES = frozenset(
    {"日常", "主要", "基本", "具體", "具体", "工作", "其他", "其它", "日常工作", "主要工作", "本職", "本职"}
)
LEADING_NUMBER = re.compile(
    rf"^\s*(?:(?P<cn>[{CN_DIGITS}]{{1,3}})\s*[、.．]|[(（]\s*(?P<par>\d{{1,3}})\s*[)）]"
    rf"|(?P<ar>\d{{1,3}})\s*(?P<sep>、|\.{{1,2}}|．|[)）]|(?=[{CJK}])))\s*"
)
# An inline duty number: after sentence punctuation or white space, a number and its separator.
INLINE_NUMBER = re.compile(
    rf"(?:(?<=[.。;；!！])|(?<=\s))\s*(?:(?P<ar>\d{{1,3}})\s*(?P<sep>、|\.{{1,2}}|．|(?=[{CJK}]))"
    rf"|(?P<cn>[{CN_DIGITS}]{{1,3}})、)"
)
MISSING_NUMBER = re.compile(r"(?<=[;；。])\s*、")
TERMINAL = tuple(".。;；!！?？")


_DIGIT_VALUES = {c: i for i, c in enumerate("零一二三四五六七八九")}


def chinese_number(text: str) -> int:
    """一 → 1, 十 → 10, 十三 → 13, 二十一 → 21."""
    values = _DIGIT_VALUES
    if "百" in text:
        head, _, tail = text.partition("百")
        return (values.get(head, 1) * 100) + (chinese_number(tail) if tail else 0)
    if "十" in text:
        head, _, tail = text.partition("十")
        return (values[head] if head else 1) * 10 + (values[tail] if tail else 0)
    return values.get(text, 0)


@dataclass(frozen=True)
class Piece:
    """A part of a line with what it is: most lines are one piece, some are several."""

    line: int
    kind: str
    text: str = ""
    name: str | None = None
    position: str = ""


@dataclass
class _PostDraft:
    index: int
    name: str | None
    heading: str
    line: int
    department: str | None
    body: list[Piece] = field(default_factory=list)


@dataclass
class _OrgDraft:
    index: int
    heading: str
    line: int
    posts: list[_PostDraft] = field(default_factory=list)


def split_document(clean: CleanText) -> Document:
    """Read organizations, posts and duties out of a cleaned source."""
    pieces = [piece for line in clean.lines for piece in classify_line(line.number, line.text, line.noise)]
    uses: list[LineUse] = []
    warnings: list[str] = []
    orgs = _group(pieces, clean, uses)
    organizations: list[OrganizationText] = []
    for org in orgs:
        posts: list[PostText] = []
        for draft in org.posts:
            post = _read_post(draft, uses, warnings, clean.source.path.name)
            if post.duties:
                posts.append(replace(post, index=len(posts) + 1))
            else:
                uses.append(LineUse(draft.line, "unused", f"heading '{draft.heading}' has no duties under it"))
        if posts:
            organizations.append(OrganizationText(len(organizations) + 1, org.heading, org.line, tuple(posts)))
        else:
            uses.append(LineUse(org.line, "unused", f"heading '{org.heading}' has no positions under it"))
    if not organizations:
        raise SourceError(
            f"{clean.source.path}: no position found (expected headings such as '销售经理岗位职责' followed by numbered duties)"
        )
    uses.sort(key=lambda use: use.line)
    return Document(clean.source, tuple(organizations), tuple(uses), clean.repairs, tuple(warnings))


def classify_line(number: int, text: str, noise: str | None) -> list[Piece]:
    """What a single cleaned line holds, as pieces in reading order."""
    if noise:
        return [Piece(number, "noise", text, name=noise)]
    if not text:
        return [Piece(number, "empty")]
    org = ORG_HEADING.match(text)
    if org:
        return [Piece(number, "organization", text, name=org.group("title"))]
    label = SUMMARY_LABEL.match(text)
    if label:
        rest = label.group("rest").strip()
        return [Piece(number, "summary-label", text)] + ([Piece(number, "body", rest)] if rest else [])
    heading = _post_heading(number, text)
    if heading:
        return heading
    if DEPARTMENT_HEADING.match(text) and not LEADING_NUMBER.match(text[-1:] or " "):
        return [Piece(number, "department", text, name=DEPARTMENT_HEADING.match(text).group("name"))]  # type: ignore[union-attr]
    if SECTION_HEADING.match(text):
        return [Piece(number, "section", text)]
    trailing = TRAILING_HEADING.match(text)
    if trailing:
        tail = _post_heading(number, trailing.group("heading"))
        if tail:
            return [Piece(number, "body", trailing.group("pre").strip())] + tail
    return [Piece(number, "body", text)]


def _post_heading(number: int, text: str) -> list[Piece] | None:
    match = POST_HEADING.match(text)
    if match is None:
        return None
    name, pos, rest = match.group("name").strip(), match.group("pos"), match.group("rest").strip()
    if rest in {":", "：", ""}:
        duty = ""
    elif pos and rest[0] in "、.．":
        # '岗位职责21、计划…': position 2 glued to duty 1
        if len(pos) < 2 or not pos.endswith("1"):
            return None
        pos, duty = pos[:-1], "1" + rest
    elif not pos and LEADING_NUMBER.match(rest):
        duty = rest
    else:
        return None
    if name in SUBHEADING_NAMES:
        return [Piece(number, "subheading", text)]
    is_unnamed = not name or name.endswith("各")
    pieces = [Piece(number, "post", text, name=None if is_unnamed else name, position=pos)]
    if duty:
        pieces.append(Piece(number, "body", duty))
    return pieces


def _group(pieces: list[Piece], clean: CleanText, uses: list[LineUse]) -> list[_OrgDraft]:
    """Group pieces under organizations and posts; record the uses of structural lines."""
    orgs: list[_OrgDraft] = []
    post: _PostDraft | None = None
    department: str | None = None
    for piece in pieces:
        if piece.kind in {"noise", "empty"}:
            uses.append(LineUse(piece.line, piece.kind, piece.name or ""))
        elif piece.kind == "organization":
            orgs.append(_OrgDraft(len(orgs) + 1, piece.text, piece.line))
            post, department = None, None
            uses.append(LineUse(piece.line, "organization-heading", piece.text))
        elif piece.kind == "department":
            department, post = piece.name, None
            uses.append(LineUse(piece.line, "department-heading", piece.name or ""))
        elif piece.kind == "section":
            post = None
            uses.append(LineUse(piece.line, "unused", f"section heading '{piece.text}' is not a position"))
        elif piece.kind == "post":
            if not orgs:
                orgs.append(_OrgDraft(1, clean.source.path.stem, 1))
            org = orgs[-1]
            post = _PostDraft(len(org.posts) + 1, piece.name, piece.text, piece.line, department)
            org.posts.append(post)
            uses.append(LineUse(piece.line, "post-heading", piece.name or f"unnamed position {piece.position or post.index}"))
        elif post is None:
            reason = "text before the first position heading" if piece.kind == "body" else f"{piece.kind} outside a position"
            uses.append(LineUse(piece.line, "unused", reason))
        else:
            post.body.append(piece)
    return orgs


def _read_post(draft: _PostDraft, uses: list[LineUse], warnings: list[str], file: str) -> PostText:
    numbered = any(p.kind == "body" and LEADING_NUMBER.match(p.text) for p in draft.body)
    duties: list[tuple[str, str, int]] = []  # (number as written, text, line)
    summary: list[str] = []
    summary_line: int | None = None
    label = draft.name or f"unnamed position {draft.index}"
    for piece in draft.body:
        if piece.kind in {"summary-label", "subheading"}:
            uses.append(LineUse(piece.line, piece.kind, piece.text))
            continue
        lead = LEADING_NUMBER.match(piece.text)
        if lead:
            for number, text in split_duties(piece.text, _last_number(duties)):
                duties.append((number, text, piece.line))
                uses.append(LineUse(piece.line, "duty", f"duty {len(duties)} of {label}"))
        elif numbered and not duties:
            summary.append(piece.text)
            summary_line = summary_line or piece.line
            uses.append(LineUse(piece.line, "summary", label))
        elif duties and _continues(duties[-1][1], piece.text):
            number, text, line = duties[-1]
            duties[-1] = (number, text + piece.text, line)
            uses.append(LineUse(piece.line, "duty-continuation", f"duty {len(duties)} of {label}"))
        else:
            if numbered:
                warnings.append(f"{file}:{piece.line}: unnumbered line after a complete duty read as a new duty of {label}")
            duties.append(("", piece.text, piece.line))
            uses.append(LineUse(piece.line, "duty", f"duty {len(duties)} of {label} (unnumbered)"))
    warnings.extend(_numbering_warnings(duties, file, label))
    return PostText(
        index=draft.index,
        name=draft.name,
        heading=draft.heading,
        line=draft.line,
        duties=tuple(DutyText(i, n, _tidy(t), ln) for i, (n, t, ln) in enumerate(duties, start=1)),
        summary="".join(summary) or None,
        summary_line=summary_line,
        department=draft.department,
    )


def split_duties(text: str, last: int) -> list[tuple[str, str]]:
    """Split a numbered line into (number as written, duty text) pairs."""
    lead = LEADING_NUMBER.match(text)
    if lead is None:
        return [("", text.strip())]
    number = lead.group("cn") or lead.group("par") or lead.group("ar")
    current = _value(number)
    rest = text[lead.end() :]
    found: list[tuple[str, str]] = []
    while True:
        cut = _next_marker(rest, current)
        if cut is None:
            found.append((number, _tidy(rest)))
            return found
        start, end, next_number = cut
        found.append((number, _tidy(rest[:start])))
        number, rest = next_number, rest[end:]
        current = _value(next_number) if next_number else current + 1


def _next_marker(text: str, current: int) -> tuple[int, int, str] | None:
    """The next inline duty number after ``current``: (start, end, number or '' if missing)."""
    best: tuple[int, int, str] | None = None
    for match in INLINE_NUMBER.finditer(text):
        value = _value(match.group("ar") or match.group("cn"))
        no_separator = match.group("ar") is not None and not match.group("sep")
        if value == current + 1 or (value == current + 2 and not no_separator):
            best = (match.start(), match.end(), match.group("ar") or match.group("cn"))
            break
    missing = MISSING_NUMBER.search(text)
    if missing and (best is None or missing.start() < best[0]):
        return missing.start(), missing.end(), ""
    return best


def _value(number: str | None) -> int:
    if not number:
        return 0
    return int(number) if number.isdigit() else chinese_number(number)


def _last_number(duties: list[tuple[str, str, int]]) -> int:
    for number, _, _ in reversed(duties):
        if number:
            return _value(number)
    return len(duties)


def _tidy(text: str) -> str:
    return text.strip().rstrip(";；,，").strip()


def _continues(previous: str, text: str) -> bool:
    """Does an unnumbered line carry on the duty before it (a line wrapped mid-sentence)?"""
    return not previous.rstrip().endswith(TERMINAL) or text[:1] in "(（)）,，、"


def _numbering_warnings(duties: list[tuple[str, str, int]], file: str, label: str) -> list[str]:
    warnings: list[str] = []
    previous = 0
    arabic: bool | None = None
    for number, _, line in duties:
        if not number:
            warnings.append(f"{file}:{line}: duty of {label} has no number; read as number {previous + 1}")
            previous += 1
            continue
        value = _value(number)
        style = number.isdigit()
        if arabic is not None and style != arabic:
            warnings.append(f"{file}:{line}: duty {number} of {label} is numbered in another style")
        arabic = style if arabic is None else arabic
        if value == previous:
            warnings.append(f"{file}:{line}: duty number {number} of {label} is repeated")
        elif value > previous + 1:
            warnings.append(f"{file}:{line}: duty number {previous + 1} of {label} is missing")
        previous = value
    return warnings
