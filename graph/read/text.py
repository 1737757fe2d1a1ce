"""Lines of text into blocks: plain text, Markdown, reStructuredText, field forms and the
岗位职责 genre's own headings, recognised from the content whatever the file's name.

A line the format reader marked (a Word heading, a list paragraph, a table cell) is taken as
marked; an unmarked line says what it is by its own text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import cache, lru_cache

from graph.model import CleanLine, CleanText, Mark
from graph.read.blocks import Block
from graph.read.numbering import CJK, CN_NUMERALS, leading_number, number_of, number_value
from graph.read.profile import Lexicon, fold, lexicon
from graph.script import to_simplified

PUNCT = ",，。;；:：!！?？"
ORG_HEADING = re.compile(rf"^第([{CN_NUMERALS}\d]+)[篇章部分]+\s*[:：、.]?\s*(?P<title>.*)$")
REGULATION_HEADING = re.compile(
    rf"^(?:[{CN_NUMERALS}]+[、.．])?[^{PUNCT}\s]{{0,10}}"
    r"(?:制度|規定|规定|辦法|办法|規範|规范|標準|标准|守則|守则|細則|细则|附則|附则|附件|目錄|目录)[:：]?$"
)
MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
TREE = re.compile(r"^(?P<lead>[\s│┃|]*)(?:[├└┣┗]\s*[─━-]*|\+-+|`-+)\s*(?P<name>\S.*)$")
BULLET = re.compile(r"^(?P<marker>[-*+•·▪●○◦])\s+(?P<text>.*)$")
UNDERLINE = re.compile(r"^([=\-~^*#+`'\"])\1{2,}\s*$")
FRONT_KEY = re.compile(r"^#?[A-Za-z_][\w-]*\s*:")
LINK_ONLY = re.compile(r"^\[[^\]]+\]\([^)]*\)\s*$")
NOISE_LINES = (
    ("reStructuredText directive", re.compile(r"^\.\.\s")),
    ("HTML comment", re.compile(r"^<!--.*-->$")),
    ("link definition", re.compile(r"^\[[^\]]+\]:\s*\S+")),
    ("horizontal rule", re.compile(r"^([-*_])(\s*\1){2,}$")),
)
FIELD = re.compile(
    r"^(?P<open>\*\*|__)?(?P<label>[^:：*_\[\]()（）/]{1,30}?)(?P=open)?\s*(?:[(（](?P<paren>[^)）]{0,30})[)）])?\s*"
    r"(?P<open2>\*\*)?[:：](?P=open2)?\s*(?:\*\*)?\s*(?P<value>.*)$"
)
BOLD = re.compile(r"^\*\*(?P<inner>[^*]+?)\*\*(?P<rest>.*)$")
# A line longer than this is read in pieces cut at clause ends (a hard cut where a piece has none),
# so that reading time stays proportional to its length.
LONG_LINE = 10_000
PIECE = 2_000
CLAUSE_END = re.compile(r"(?<=[。；;!！?？])|(?<=\.)\s")
DUTY_NUMBER_LABEL = re.compile(rf"(?:职责|duty|task|responsibility)[{CN_NUMERALS}\d]+", re.IGNORECASE)
SINGLE_VALUE = frozenset({"name", "department", "superior", "subordinates", "summary", "other"})
VALUE_KINDS = frozenset({"paragraph", "item", "department"})
MAX_LABEL_JOIN = 4


def text_blocks(clean: CleanText, *, lex: Lexicon | None = None) -> list[Block]:
    """Every line of a cleaned source as blocks, in reading order; each line gives at least one."""
    lex = lex or lexicon()
    lines = clean.lines
    marks = clean.source.marks
    blocks: list[Block] = []
    i = 0
    underline_levels: list[str] = []
    while i < len(lines):
        line = lines[i]
        mark = marks[i] if marks else Mark()
        if mark.kind:
            blocks.extend(_marked(line, mark, lex))
            i += 1
            continue
        if mark.where:  # a line of a formatted file that says what it is by its text
            blocks.extend(replace(b, where=mark.where) for b in line_blocks(line, lex))
            i += 1
            continue
        taken = _front_matter(lines, i, lex) or _underlined(lines, i, underline_levels) or _vertical_label(lines, i, lex)
        if taken:
            blocks.extend(taken)
            i += len({b.line for b in taken})
            continue
        if len(line.text) > LONG_LINE:
            for piece in long_line_pieces(line.text):
                blocks.extend(line_blocks(replace(line, text=piece, raw=piece), lex))
        else:
            blocks.extend(line_blocks(line, lex))
        i += 1
    blocks = _units_above_positions(_contents_lists(blocks), lex)
    return _with_values(_mark_list_heads(_names_before_lists(blocks, lex)), lex)


def line_blocks(line: CleanLine, lex: Lexicon) -> list[Block]:
    """What a single unmarked line holds, as blocks in reading order."""
    number, text = line.number, line.text
    noise = line.noise or lex.noise_reason(text)  # forum debris around the document (the profiles' [noise])
    if noise:
        return [Block("noise", number, text, label=noise)]
    if not text:
        return [Block("blank", number)]
    for reason, pattern in NOISE_LINES:
        if pattern.match(text):
            return [Block("noise", number, text, label=reason)]
    depth = _indent(line.raw)
    heading = MD_HEADING.match(text)
    if heading:
        return [_heading(number, heading.group(2), len(heading.group(1)), lex)]
    tree = TREE.match(line.raw)
    if tree:  # ├── 销售经理: a line of a box-drawn org chart, as deep as its branch
        return [Block("item", number, tree.group("name").strip(), depth=len(tree.group("lead")) + 4, marker="tree")]
    bullet = BULLET.match(text)
    if bullet:
        inner = bullet.group("text")
        if LINK_ONLY.match(inner):
            return [Block("noise", number, text, label="link list", depth=depth)]
        return [_item(number, inner, depth, bullet.group("marker"), "")]
    blocks = genre_blocks(number, text, lex)
    if not depth:
        return blocks
    return [replace(b, depth=depth) if b.kind in {"item", "paragraph"} else b for b in blocks]


def long_line_pieces(text: str) -> list[str]:
    """A very long line in pieces of at most ``PIECE`` characters, cut after a clause where it can be."""
    pieces: list[str] = []
    start = 0
    while start < len(text):
        end = min(start + PIECE, len(text))
        if end < len(text):
            cut = None
            for match in CLAUSE_END.finditer(text, start + PIECE // 4, end):
                cut = match.end()
            end = cut or end
        piece = text[start:end].strip()
        if piece:
            pieces.append(piece)
        start = end
    return pieces


def genre_blocks(number: int, text: str, lex: Lexicon) -> list[Block]:
    """A line in the words of the genre: organization and department headings, position
    headings (出纳岗位职责), sections, fields, numbered items, or a paragraph."""
    colon = ":" in text or "：" in text
    org = ORG_HEADING.match(text) if text.startswith("第") else None
    if org:
        title = org.group("title").strip()
        unit = _match(_department_pattern(lex), title)
        if unit or ("部分" in text[: org.start("title")] and 0 < len(title) <= 12):
            # '第一部分 销售部', '第一部分 管理层': a part of the organization, not another one
            return [Block("department", number, text, label=unit.group("name") if unit else title)]
        return [Block("organization", number, text, label=org.group("title"))]
    suffixed = any(char in simplified(text) for char in _suffix_ends(lex))  # the cheap test before the patterns
    inline = _inline_sections(number, text, lex) if "、" in text and len(text) > 20 else None
    if inline:
        return inline
    position = position_heading(number, text, lex) if suffixed else None
    if position:
        return position
    alone = len(text) <= 32 and not any(mark in text for mark in "，。；,;、")
    field = (_field(number, text, lex) if colon else None) or (_label_alone(number, text, lex) if alone else None)
    if field:
        return field
    lead = leading_number(text)
    bare = text[lead.end() :].strip() if lead else text
    section = lex.section(bare.rstrip(":：")) if len(bare) <= 30 else None
    if section:
        return [Block("heading", number, bare, meaning=section, marker=lead.group(0).strip() if lead else "")]
    short = len(text) <= 24
    department = _match(_department_pattern(lex), text) if short else None
    if department and not leading_number(text[-1:] or " "):
        return [Block("department", number, text, label=department.group("name"))]
    if short and REGULATION_HEADING.match(text):
        return [Block("heading", number, text, meaning="end")]
    trailing = _trailing_position(number, text, lex) if suffixed else None
    if trailing:
        return trailing
    embedded = _search(_embedded_pattern(lex), text) if colon else None
    if embedded and embedded.start() > 0:
        return genre_blocks(number, text[: embedded.start()].strip(), lex) + (
            _field(number, text[embedded.start() :].strip(), lex) or []
        )
    if lead:
        return [_item(number, bare, 0, lead.group(0).strip(), number_of(lead), full=text)]
    bold = BOLD.match(text)
    if bold and not bold.group("rest").strip(" :："):
        return [Block("paragraph", number, bold.group("inner").strip(), bold=True)]
    return [Block("paragraph", number, text)]


def _item(number: int, text: str, depth: int, marker: str, value: str, *, full: str = "") -> Block:
    bold = BOLD.match(text)
    is_bold = bool(bold) and len(bold.group("inner")) >= 2  # type: ignore[union-attr]
    return Block("item", number, text, depth=depth, marker=marker, number=value, bold=is_bold, written=full)


def section_key(text: str) -> str:
    """A heading as a section name: 'Tasks (Weekly):' and 'Limits: (on Authority)' are Tasks and Limits."""
    text = re.sub(r"\s*[(（][^)）]*[)）]\s*[:：]?\s*$", "", text.strip())
    return text.strip().rstrip(":：").strip()


def _heading(number: int, text: str, level: int, lex: Lexicon) -> Block:
    bare = BOLD.sub(r"\g<inner>\g<rest>", text).strip()
    section = lex.section(section_key(lex.strip_heading_number(bare)))
    return Block("heading", number, bare, level=level, meaning=section or "")


# --- the genre's headings ----------------------------------------------------------------------


def position_heading(number: int, text: str, lex: Lexicon) -> list[Block] | None:
    """``X岗位职责`` (numbered or not, with a duty glued after it): a position block, and the
    duty text that follows on the line as an item."""
    for pattern in _position_patterns(lex):
        match = _match(pattern, text)
        if match is None:
            continue
        name, pos, rest = match.group("name").strip(), match.group("pos"), match.group("rest").strip()
        if rest in {":", "：", ""}:
            duty = ""
        elif pos and rest[0] in "、.．":
            # '岗位职责21、计划…': position 2 glued to duty 1
            if len(pos) < 2 or not pos.endswith("1"):
                return None
            pos, duty = pos[:-1], "1" + rest
        elif not pos and leading_number(rest):
            duty = rest
        elif not pos and to_simplified(rest.rstrip(":：")) in lex.compilation_endings:
            return [_compilation(number, text, name, lex)]
        else:
            return None
        simplified = to_simplified(name)
        marker = leading_number(name + " ")
        if simplified in lex.subheading_names:  # 其他职责: a kind of the duties, named in its label
            return [Block("heading", number, text, meaning="duties", label=simplified)]
        if name and marker and not name[marker.end() :].strip():
            return [Block("heading", number, text, meaning="duties")]
        if _names_organization(simplified, lex):
            return [Block("organization", number, text, label=name)]
        unnamed = not name or simplified in lex.pointing_names or simplified.endswith(lex.collective_endings)
        blocks = [Block("position", number, text, label="" if unnamed else name, marker=pos)]
        if duty:
            blocks += genre_blocks(number, duty, lex)
        return blocks
    return None


def _compilation(number: int, text: str, name: str, lex: Lexicon) -> Block:
    """``X岗位职责汇编``, the positions of X gathered: X is a department, or the organization, or
    (各部门, 本: a collective or pointing word) no unit at all, and the heading then only ends
    the position before it."""
    bare = leading_number(name + " ")
    unit = name[bare.end() :].strip() if bare else name
    simplified = to_simplified(unit)
    if _names_organization(simplified, lex):
        return Block("organization", number, text, label=unit)
    if not unit or simplified in lex.pointing_names or any(c in simplified for c in lex.collective_endings):
        return Block("heading", number, text, meaning="end")
    return Block("department", number, text, label=unit)


def _names_organization(simplified: str, lex: Lexicon) -> bool:
    """Whether a heading's name is an organization's (湖畔酒家第3店, 某某医院第2分院各), not a position's."""
    for ending in lex.collective_endings:
        simplified = simplified.removesuffix(ending)
    # a name at least two characters longer than its ending: 门店 (a store) names none
    return any(simplified.endswith(e) and len(simplified) >= len(e) + 2 for e in lex.organization_endings)


def _trailing_position(number: int, text: str, lex: Lexicon) -> list[Block] | None:
    """A duty line that ends in the next position's heading: '…。销售顾问岗位职责'."""
    for pattern in _trailing_patterns(lex):
        match = _match(pattern, text)
        if match:
            tail = position_heading(number, match.group("heading"), lex)
            if tail:
                return genre_blocks(number, match.group("pre").strip(), lex) + tail
    return None


def _inline_sections(number: int, text: str, lex: Lexicon) -> list[Block] | None:
    """A whole position on one line: '保安队长职责及权限一、职责1、…。2、…。二、权限1、…' as the
    blocks it would be on separate lines."""
    pattern = _inline_section_pattern(lex)
    cuts = [m for m in _finditer(pattern, text) if m.start() > 0 or len(text) > m.end()]
    if not cuts or not any(leading_number(text[m.end() :]) for m in cuts):
        return None
    blocks: list[Block] = []
    start = 0
    for match in cuts:
        blocks += _inline_part(number, text[start : match.start()], lex)
        blocks.append(Block("heading", number, match.group("name"), meaning=lex.section(match.group("name")) or ""))
        start = match.end()
    blocks += _inline_part(number, text[start:], lex)
    return blocks


def _inline_part(number: int, text: str, lex: Lexicon) -> list[Block]:
    text = text.strip()
    if not text:
        return []
    return position_heading(number, text, lex) or _trailing_position(number, text, lex) or genre_blocks(number, text, lex)


def _field(number: int, text: str, lex: Lexicon) -> list[Block] | None:
    """``label: value`` where the profile knows the label, or a short Chinese name before a list of
    clauses (a Q&A answer: '园长:负责…;组织…。')."""
    match = FIELD.match(text)
    if match is None:
        return None
    label, value = match.group("label").strip(), match.group("value").strip()
    meaning = lex.meaning(label)
    if meaning is None and " " in label and lex.meaning(label.rsplit(" ", 1)[1]):
        label = label.rsplit(" ", 1)[1]  # a row's cells run together: '职责一 职责表述:…'
        meaning = lex.meaning(label)
    if meaning is None:
        if not _names_a_position(label, value, lex):
            return None
        meaning = ""
    if lex.section(label) == "not-duties" and meaning not in {"summary", "other"}:
        return [Block("heading", number, label, meaning="not-duties")] + ([Block("paragraph", number, value)] if value else [])
    return [Block("field", number, _cut_embedded(value, lex), label=label, meaning=meaning)] + _embedded(number, value, lex)


def _label_alone(number: int, text: str, lex: Lexicon) -> list[Block] | None:
    """A label on a line of its own ('岗位名称'; its value is on the next line)."""
    bare = BOLD.sub(r"\g<inner>\g<rest>", text).strip().rstrip(":：")
    if len(bare) > 30:
        return None
    meaning = lex.meaning(bare)
    if meaning is None or meaning == "duties":
        return None
    return [Block("field", number, "", label=bare, meaning=meaning, marker="alone")]


def _names_a_position(label: str, value: str, lex: Lexicon) -> bool:
    chars = re.sub(rf"[^{CJK}]", "", label)
    if len(chars) != len(label) or not 2 <= len(chars) <= 10 or leading_number(label):
        return False
    clauses = [c for c in re.split(r"[;；。]", value) if c.strip()]
    return len(clauses) >= 2


def _embedded(number: int, value: str, lex: Lexicon) -> list[Block]:
    """A field written after another on one line ('职责表述:… 工作时间百分比:25%')."""
    match = _search(_embedded_pattern(lex), value)
    if match is None:
        return []
    rest = value[match.start() :].strip()
    return _field(number, rest, lex) or []


def _cut_embedded(value: str, lex: Lexicon) -> str:
    match = _search(_embedded_pattern(lex), value)
    return value[: match.start()].strip() if match else value


# --- layouts that span lines ----------------------------------------------------------------------


def _front_matter(lines: Sequence[CleanLine], i: int, lex: Lexicon) -> list[Block] | None:
    """A YAML front matter block ('---', 'key: value' lines, '---'); its title names the page."""
    if lines[i].text != "---" or i + 1 >= len(lines) or not FRONT_KEY.match(lines[i + 1].text):
        return None
    end = next((j for j in range(i + 1, len(lines)) if lines[j].text == "---"), None)
    if end is None:
        return None
    blocks = [Block("meta", lines[i].number, "---", label="front matter")]
    for line in lines[i + 1 : end]:
        key, _, value = line.text.partition(":")
        if key.strip() == "title" and value.strip():
            blocks.append(Block("field", line.number, value.strip().strip("'\""), label="title", meaning="name"))
        else:
            blocks.append(Block("meta", line.number, line.text, label="front matter"))
    blocks.append(Block("meta", lines[end].number, "---", label="front matter"))
    return blocks


def _underlined(lines: Sequence[CleanLine], i: int, levels: list[str]) -> list[Block] | None:
    """A reStructuredText title: a line underlined (and perhaps overlined) with = - ~ …"""
    if i + 1 >= len(lines) or not lines[i].text or UNDERLINE.match(lines[i].text):
        return None
    under = UNDERLINE.match(lines[i + 1].text)
    if under is None or len(lines[i + 1].text) < max(3, len(lines[i].text) // 2) or BULLET.match(lines[i].text):
        return None
    if lines[i].raw[:1].isspace():
        return None
    char = under.group(1)
    if char not in levels:
        levels.append(char)
    title = lines[i].text
    return [
        Block("heading", lines[i].number, title, level=levels.index(char) + 1, meaning=lexicon().section(title) or ""),
        Block("meta", lines[i + 1].number, lines[i + 1].text, label="title underline"),
    ]


def _vertical_label(lines: Sequence[CleanLine], i: int, lex: Lexicon) -> list[Block] | None:
    """A label written one or two characters a line (a table cell flattened: 职 / 责 / 一)."""
    parts: list[CleanLine] = []
    for line in lines[i : i + MAX_LABEL_JOIN]:
        if not (1 <= len(line.text) <= 2 and re.fullmatch(rf"[{CJK}]+", line.text)):
            break
        parts.append(line)
    for size in range(len(parts), 1, -1):
        joined = "".join(p.text for p in parts[:size])
        simplified = to_simplified(joined)
        numbered = re.fullmatch(rf"职责([{CN_NUMERALS}]+)", simplified)
        if lex.meaning(joined) or numbered:
            head = Block("meta", parts[0].number, joined, label=f"vertical label {joined}")
            if numbered:
                head = Block("field", parts[0].number, "", label=joined, meaning="duty_number", number=numbered.group(1))
            elif lex.meaning(joined):
                head = Block("field", parts[0].number, "", label=joined, meaning=lex.meaning(joined) or "")
            return [head] + [Block("meta", p.number, p.text, label=f"part of the vertical label {joined}") for p in parts[1:size]]
    return None


def _marked(line: CleanLine, mark: Mark, lex: Lexicon) -> list[Block]:
    """A line whose format said what it is."""
    number, text, where = line.number, line.text, mark.where
    if line.noise or not text and mark.kind != "field":
        return [replace(b, where=where) for b in line_blocks(line, lex)]
    if mark.kind in {"heading", "title"}:
        found = position_heading(number, text, lex)
        if found:
            return [replace(b, where=where) for b in found]
        return [replace(_heading(number, text, mark.level if mark.kind == "heading" else 0, lex), where=where)]
    if mark.kind == "item":
        lead = leading_number(text)
        bare = text[lead.end() :].strip() if lead else text
        value = number_of(lead) if lead else re.sub(r"[^\w]", "", mark.number)
        return [replace(_item(number, bare, mark.level * 4, mark.number or (lead.group(0) if lead else "•"), value), where=where)]
    if mark.kind == "field":
        meaning = lex.meaning(mark.label)
        section = lex.section(mark.label)
        if meaning is None and DUTY_NUMBER_LABEL.fullmatch(to_simplified(mark.label).replace(" ", "")):
            meaning = "duty"  # '职责一 | 接听来电', 'Duty 1 | Answer calls'
        elif meaning is None and section is None:
            meaning = "unknown"  # a cell label no profile knows: kept as a field, never a position
        if section == "not-duties" and meaning is None:
            return [Block("heading", number, mark.label, meaning="not-duties", where=where)] + (
                [Block("paragraph", number, text, where=where)] if text else []
            )
        return [Block("field", number, text, label=mark.label, meaning=meaning or "", where=where)]
    if mark.kind == "break":
        return [Block("meta", number, text, label="record break", where=where)]
    return [replace(b, where=where) for b in line_blocks(line, lex)]


# --- passes over the blocks -----------------------------------------------------------------------


def _contents_lists(blocks: list[Block]) -> list[Block]:
    """A list item that repeats a heading of the document is a table-of-contents entry."""
    headings = {fold(b.text) for b in blocks if b.kind in {"heading", "position"} and b.text}
    longest = max((len(h) for h in headings), default=0)
    entries, chart = [], False
    for i, b in enumerate(blocks):
        if b.kind == "heading":
            chart = b.meaning == "chart"  # under an org-chart heading, a list of names is the chart
        elif b.kind == "item" and not chart and len(b.text) <= longest + 4 and fold(BOLD.sub(r"\g<inner>", b.text)) in headings:
            entries.append(i)
    if len(entries) < 2:
        return blocks
    out = list(blocks)
    for i in entries:
        out[i] = Block("noise", blocks[i].line, blocks[i].text, label="table of contents entry", where=blocks[i].where)
    return out


NAME_COLON = re.compile(rf"^(?P<name>[{CJK}]{{2,10}}|[A-Z][\w&/'-]*(?: [A-Za-z][\w&/'-]*){{0,5}})\s*[:：]$")


def _previous_content(blocks: list[Block], i: int) -> Block | None:
    """The last block before ``i`` that is not blank or noise."""
    for j in range(i - 1, -1, -1):
        if blocks[j].kind not in {"blank", "noise"}:
            return blocks[j]
    return None


def _next_content(blocks: list[Block], i: int) -> Block | None:
    """The first block after ``i`` that is not blank or noise."""
    for j in range(i + 1, len(blocks)):
        if blocks[j].kind not in {"blank", "noise"}:
            return blocks[j]
    return None


def _units_above_positions(blocks: list[Block], lex: Lexicon) -> list[Block]:
    """A numbered or bracketed short name ending in a unit's word (二、内科, 【前厅】) right above
    a position's heading: the department of the positions below, not a last duty of the one above.
    An item numbered next after the item before it (四、 after 三、) goes on that list, unless
    it is also numbered next after the department heading before it."""
    out = list(blocks)
    unit_number = ""  # the number of the last department heading
    for i, block in enumerate(blocks):
        if block.kind == "department":
            lead = leading_number(block.text)
            unit_number = number_of(lead) if lead else ""
        if block.kind not in {"item", "paragraph"} or block.depth:
            continue
        unit = _match(_unit_pattern(lex), block.written or block.text)
        after = _next_content(blocks, i) if unit else None
        if unit is None or after is None or after.kind != "position":
            continue
        above = _previous_content(blocks, i)
        last_item = above.number if above is not None and above.kind == "item" else ""
        if _continues(block.number, last_item) and not _continues(block.number, unit_number):
            continue
        out[i] = Block("department", block.line, block.written or block.text, label=unit.group("name"), where=block.where)
        unit_number = block.number
    return out


def _continues(number: str, last: str) -> bool:
    """Whether ``number`` comes next after ``last``, in the same numerals."""
    if not number or not last or number.isdigit() != last.isdigit():
        return False
    value, before = number_value(number), number_value(last)
    return value is not None and before is not None and value == before + 1


def _names_before_lists(blocks: list[Block], lex: Lexicon) -> list[Block]:
    """A short name and a colon ('园长:', 'Front Desk Assistant:') or 'Duties of the Cashier' on a
    line of its own, followed by a list: the list's position."""
    out = list(blocks)
    for i, block in enumerate(blocks):
        if block.kind != "paragraph":
            continue
        after = _next_content(blocks, i)
        if after is None or after.kind != "item":
            continue
        if after.marker == "tree" and len(block.text) <= 30:  # the root of a box-drawn chart
            out[i] = replace(block, kind="item", marker="tree", depth=0)
            continue
        named = NAME_COLON.match(block.text) if lex.intro_name(block.text) is None else None
        if named and lex.meaning(named.group("name")) is None and lex.section(named.group("name")) is None:
            out[i] = Block("field", block.line, "", label=named.group("name"), meaning="", where=block.where)
        elif lex.heading_name(block.text.rstrip(":：")) and len(block.text.split()) <= 10:
            out[i] = _heading(block.line, block.text.rstrip(":："), 0, lex)
    return out


def _mark_list_heads(blocks: list[Block]) -> list[Block]:
    """An item is a list head (a role with its duties below it) when the next item is deeper, or
    a bullet right under a numbered item of the same depth, and its own text is a short name."""
    out = list(blocks)
    for i, block in enumerate(blocks):
        if block.kind != "item":
            continue
        after = _next_content(blocks, i)
        if after is None:
            continue
        heads = (after.kind == "heading" and after.meaning == "duties") or (
            after.kind == "item"
            and (after.depth > block.depth or (after.depth == block.depth and bool(block.number) and not after.number))
        )
        if heads and _name_like(block):
            out[i] = replace(block, heads_list=True)
    return out


def _name_like(block: Block) -> bool:
    text = BOLD.sub(r"\g<inner>", block.text).strip()
    text = re.sub(r"\s*[(（]details:.*$|\s*`[^`]*`_*$", "", text)
    if block.bold:
        return True
    if not text or text.endswith(tuple(PUNCT + ".")):
        return False
    cjk = len(re.findall(rf"[{CJK}]", text))
    return cjk <= 20 and len(text.split()) <= 6 and len(text) <= 60


def _with_values(blocks: list[Block], lex: Lexicon) -> list[Block]:
    """A label alone on its line takes its value from the next line (a table flattened a cell a line)."""
    out: list[Block] = []
    skip: set[int] = set()
    for i, block in enumerate(blocks):
        if i in skip:
            continue
        if block.kind == "field" and not block.text and block.meaning in SINGLE_VALUE and block.marker == "alone":
            j = next((k for k in range(i + 1, len(blocks)) if blocks[k].kind != "blank"), None)
            if j is not None and blocks[j].kind in VALUE_KINDS and lex.meaning(blocks[j].text) is None:
                value = blocks[j].written or blocks[j].text
                if blocks[j].kind == "department":
                    value = blocks[j].text
                out.append(replace(block, text=value))
                out.append(Block("meta", blocks[j].line, blocks[j].text, label=f"value of {block.label}", where=blocks[j].where))
                skip.add(j)
                continue
            if j is not None and blocks[j].kind == "field" and not blocks[j].meaning and not blocks[j].text:
                out.append(block)
                continue
        out.append(block)
    return out


def _indent(raw: str) -> int:
    width = 0
    for char in raw:
        if char == " ":
            width += 1
        elif char == "\t":
            width += 4
        elif char == "\u3000":
            width += 2
        else:
            break
    return width


# --- patterns built from the profiles ------------------------------------------------------------


# The profiles are written in Simplified script; a line is matched in its Simplified form and
# what matched is read back from the line as written, so Traditional text keeps its script.


@lru_cache(maxsize=1 << 14)
def simplified(text: str) -> str:
    """The text in Simplified script where that keeps every character in its place, else as written."""
    converted = to_simplified(text)
    return converted if len(converted) == len(text) else text


class _Read:
    """A match on a line's Simplified form, read back from the line as written."""

    __slots__ = ("found", "text")

    def __init__(self, found: re.Match[str], text: str) -> None:
        self.found, self.text = found, text

    def group(self, name: str | int = 0) -> str:
        start, end = self.found.span(name)
        return self.text[start:end] if start >= 0 else ""

    def start(self, name: str | int = 0) -> int:
        return self.found.start(name)

    def end(self, name: str | int = 0) -> int:
        return self.found.end(name)


def _match(pattern: re.Pattern[str], text: str) -> _Read | None:
    found = pattern.match(simplified(text))
    return _Read(found, text) if found else None


def _search(pattern: re.Pattern[str], text: str) -> _Read | None:
    found = pattern.search(simplified(text))
    return _Read(found, text) if found else None


def _finditer(pattern: re.Pattern[str], text: str) -> list[_Read]:
    return [_Read(found, text) for found in pattern.finditer(simplified(text))]


def _alternation(words: Iterable[str]) -> str:
    """The words as a regex alternation, the longest first (部门 before 部), then in code-point
    order, so the pattern is the same in every process; one that matches nothing when there are
    none."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w))) or "(?!)"


def _suffix_pattern(lex: Lexicon) -> str:
    return f"(?:{_alternation(s for p in lex.profiles for s in p.heading_suffixes)})"


@cache
def _position_patterns(lex: Lexicon) -> tuple[re.Pattern[str], ...]:
    suffix = _suffix_pattern(lex)
    return (
        re.compile(
            rf"^(?:[{CN_NUMERALS}]+[、.．]|\d{{1,2}}[、.．])?\s*(?P<name>[^{PUNCT}]{{0,24}}?)\s*"
            rf"(?P<suffix>{suffix})(?P<pos>\d*)\s*(?P<rest>.*)$"
        ),
        # a long name is a heading only as a whole line: '华东区某某汽车销售服务有限公司…顾问岗位职责'
        re.compile(rf"^\s*(?P<name>[^{PUNCT}]{{25,60}}?)\s*(?P<suffix>{suffix})(?P<pos>)\s*(?P<rest>[:：]?)$"),
    )


@cache
def _trailing_patterns(lex: Lexicon) -> tuple[re.Pattern[str], ...]:
    suffix = _suffix_pattern(lex)
    return (re.compile(rf"^(?P<pre>.*[.。;；!！])\s*(?P<heading>[^{PUNCT}.、\s]{{1,16}}{suffix}[:：]?)$"),)


def _chinese(words: object) -> list[str]:
    return [w for w in words if re.search(f"[{CJK}]", w)]  # type: ignore[attr-defined]


@cache
def _inline_section_pattern(lex: Lexicon) -> re.Pattern[str]:
    duties = [label for p in lex.profiles for label, meaning in p.labels.items() if meaning == "duties"]
    others = [name for p in lex.profiles for name in p.not_duties]
    alternation = _alternation([*_chinese(duties), *_chinese(others)])
    numeral = rf"(?:[{CN_NUMERALS}]{{1,3}}、|[(（][{CN_NUMERALS}]{{1,3}}[)）])"
    return re.compile(rf"{numeral}(?P<name>{alternation})(?=\d|[{CN_NUMERALS}]{{1,3}}、|[(（]|$)")


@cache
def _department_pattern(lex: Lexicon) -> re.Pattern[str]:
    """A department's heading on a line of its own: 一、销售部, 【客服中心】, 财务部:."""
    return re.compile(
        rf"^(?:[{CN_NUMERALS}]+[、.．]|\d{{1,2}}[、.．])?\s*【?\s*"
        rf"(?P<name>[{CJK}]{{1,10}}(?:{_alternation(lex.department_endings)}))\s*】?[:：]?$"
    )


@cache
def _unit_pattern(lex: Lexicon) -> re.Pattern[str]:
    """A unit's name numbered in Chinese (二、内科) or in brackets (【前厅】): a department's
    heading when a position's heading comes right after it (``_units_above_positions``)."""
    return re.compile(
        rf"^(?:[{CN_NUMERALS}]+[、.．]|【)\s*(?P<name>[{CJK}]{{1,6}}(?:{_alternation(lex.unit_endings)}))\s*】?[:：]?$"
    )


@cache
def _embedded_pattern(lex: Lexicon) -> re.Pattern[str]:
    labels = _chinese(label for p in lex.profiles for label, meaning in p.labels.items() if meaning == "other")
    return re.compile(rf"\s(?:{_alternation(labels)})\s*[:：]")


@cache
def _suffix_ends(lex: Lexicon) -> frozenset[str]:
    """The last characters of the heading suffixes: a line whose Simplified form has none of them
    cannot be a position heading."""
    return frozenset(s[-1] for p in lex.profiles for s in p.heading_suffixes)
