"""The position recogniser: a small state machine over blocks.

A position starts at a heading that names it (出纳岗位职责, ## Software Engineer, Duties of
President), at a name field (岗位名称 / Job title / title:), at a list item that heads a list
of its own (1. 总经理(General Manager) with '- ' duties under it), at a sentence that opens its
list (保育员的主要职责如下: / The treasurer shall:), or at a short name before a list of clauses
(园长:…;…。). Its duties are the top-level items, or the clauses of paragraphs, of its duty
section; sections that are not duties (任职要求, Authority …) are kept apart. Every block is
accounted for in the document's uses.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace

from graph.errors import SourceError
from graph.model import ChartLink, CleanText, Document, DutyText, LineUse, OrganizationText, PostField, PostText
from graph.read.blocks import Block
from graph.read.numbering import CN_NUMERALS, continues, last_number, leading_number, numbering_warnings, split_duties, tidy
from graph.read.profile import Lexicon, fold, lexicon
from graph.read.text import BOLD, text_blocks

GLOSS = re.compile(r"^(?P<zh>.*[\u3400-\u9fff].*?)\s*[(（](?P<en>[A-Za-z][A-Za-z .&/'-]{1,60})[)）]$")
DETAILS = re.compile(r"\s*[(（]details:.*$|\s*`[^`]*`_*\s*$|\s*:doc:`[^`]*`\s*$")
SENTENCE = re.compile(r"(?<=[.;])\s+(?=[A-Z(])")
CLAUSE = re.compile(r"(?<=[;；。])")


@dataclass
class _Entry:
    block: Block
    section: str  # '' (none named), 'duties', 'intro' (a sentence opened the list), or a section's name
    after_blank: bool


@dataclass
class _Draft:
    index: int
    name: str | None
    heading: str
    line: int
    department: str | None
    named_by: str
    depth: int = -1  # an item-named position: the depth of its item
    section: str = ""
    prose: bool = False  # a 'Duties of X' heading: its sentences are its duties
    titled: bool = False  # opened by a heading that says its lines are duties (出纳岗位职责)
    entries: list[_Entry] = field(default_factory=list)
    fields: list[PostField] = field(default_factory=list)
    summary: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class _Org:
    index: int
    heading: str
    line: int
    posts: list[_Draft] = field(default_factory=list)
    chart: list[ChartLink] = field(default_factory=list)


@dataclass
class _State:
    clean: CleanText
    lex: Lexicon
    orgs: list[_Org] = field(default_factory=list)
    post: _Draft | None = None
    department: str | None = None
    uses: list[LineUse] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    blank: bool = False
    chart: list[tuple[int, str]] | None = None  # in an org chart: the (depth, name) path above

    def org(self) -> _Org:
        if not self.orgs:
            self.orgs.append(_Org(1, self.clean.source.path.stem, 1))
        return self.orgs[-1]

    def use(self, block: Block, kind: str, detail: str = "") -> None:
        self.uses.append(LineUse(block.line, kind, detail))

    def start(self, block: Block, name: str | None, named_by: str, *, depth: int = -1) -> _Draft:
        org = self.org()
        self.post = _Draft(len(org.posts) + 1, name, block.text or block.label, block.line, self.department, named_by, depth)
        org.posts.append(self.post)
        self.use(block, "post-heading", name or f"unnamed position {block.marker or self.post.index}")
        return self.post


def split_document(clean: CleanText, *, lex: Lexicon | None = None) -> Document:
    """Read organizations, posts and duties out of a cleaned source."""
    lex = lex or lexicon()
    blocks = text_blocks(clean, lex=lex)
    state = _State(clean, lex)
    for block in blocks:
        _step(state, block)
    return _finish(state, blocks)


def _step(state: _State, block: Block) -> None:
    kind = block.kind
    if kind in {"blank", "noise", "meta"}:
        state.use(block, {"blank": "empty", "noise": "noise", "meta": "meta"}[kind], block.label)
        state.blank = state.blank or kind == "blank"
        return
    if kind in {"item", "paragraph"} and (state.chart is not None or block.marker == "tree"):
        _chart_line(state, block)
    else:
        if kind != "heading" or block.meaning != "chart":
            state.chart = None
        handler = _HANDLERS.get(kind, _content)
        handler(state, block)
    state.blank = False


def _organization(state: _State, block: Block) -> None:
    state.orgs.append(_Org(len(state.orgs) + 1, block.text, block.line))
    state.post, state.department = None, None
    state.use(block, "organization-heading", block.text)


def _department(state: _State, block: Block) -> None:
    state.department, state.post = block.label, None
    state.use(block, "department-heading", block.label)


def _position(state: _State, block: Block) -> None:
    post = state.post
    if not block.label and post is not None and post.name and not any(e.block.kind == "item" for e in post.entries):
        # '岗位职责:' in a form, '一、崗位職責' under '收銀員崗位職責': the duties of the named position
        post.section = "duties"
        state.use(block, "section", block.text)
        return
    started = state.start(block, block.label or None, "heading")
    started.titled = state.lex.says_duties(block.text)


def _heading(state: _State, block: Block) -> None:
    lex = state.lex
    if block.meaning == "end":
        state.post = None
        state.use(block, "unused", f"section heading '{block.text}' is not a position")
        return
    if block.meaning:
        _section(state, block, block.meaning)
        return
    bare = lex.strip_heading_number(block.text)
    unit = lex.department_heading(bare)
    if unit:
        state.department, state.post = unit, None
        state.use(block, "department-heading", unit)
        return
    named = lex.heading_name(bare)
    if named:
        post = state.start(block, named, "heading")
        post.section, post.prose = "duties", True
        return
    state.start(block, bare or block.text, "title", depth=-1 - block.level)


def _section(state: _State, block: Block, meaning: str) -> None:
    if meaning == "chart":  # 组织架构 / Org chart: the lines below are a chart, not duties
        state.post, state.chart = None, []
        state.use(block, "chart", block.text)
        return
    post = state.post
    if post is None:
        state.use(block, "unused", f"section heading '{block.text}' outside a position")
        return
    if meaning == "duties" and block.label and post.titled:
        # '其他职责' below the items of '收银员岗位职责': more of its duties, and those above were
        # duties already (the heading said so), not items outside a duty section
        for entry in post.entries:
            if entry.section == "" and entry.block.kind == "item":
                entry.section = "duties"
    post.section = "duties" if meaning == "duties" else block.text
    state.use(block, "section" if meaning == "duties" else "not-duty-section", block.text)


def _field(state: _State, block: Block) -> None:
    meaning, post = block.meaning, state.post
    if meaning == "name":
        if post is not None and not post.entries and post.named_by in {"heading", "title"} and not _has_name_field(post):
            post.name, post.named_by = block.text or post.name, "field"
            post.fields.append(PostField("name", block.label, block.text, block.line))
            state.use(block, "field", f"{block.label}: names the position")
        else:
            post = state.start(block, block.text or None, "field")
            post.fields.append(PostField("name", block.label, block.text, block.line))
        return
    if meaning == "":
        post = state.start(block, block.label, "label")
        post.section = "clauses"
        _add(state, replace(block, kind="paragraph"))
        return
    if post is None:
        state.use(block, "unused", f"field '{block.label}' outside a position")
        return
    if meaning == "duties":
        post.section = "duties"
        state.use(block, "section", block.label)
        if block.text:
            _add(state, replace(block, kind="paragraph"))
    elif meaning == "duty":
        post.section = "duties"
        _add(state, replace(block, kind="item", number=""))
    elif meaning == "summary":
        if block.text:
            post.summary.append((block.text, block.line))
        post.section = "summary" if not block.text else post.section
        state.use(block, "summary", post.name or "")
    elif meaning in {"department", "superior", "subordinates"}:
        post.fields.append(PostField(meaning, block.label, block.text, block.line))
        if meaning == "department" and block.text:
            post.department = block.text
        state.use(block, "field", f"{block.label}: {block.text}")
    elif meaning == "duty_number":
        post.section = "duties"
        state.use(block, "field", block.label)
    elif meaning == "duty_detail":
        if block.text:  # the detail is on the field's own line
            state.use(block, "duty-detail", f"{block.label}: belongs to the duty above")
        else:
            post.section = "detail"
            state.use(block, "field", block.label)
    else:
        state.use(block, "field", f"{block.label}: {block.text}")


def _has_name_field(post: _Draft) -> bool:
    return any(f.meaning == "name" for f in post.fields)


def _item(state: _State, block: Block) -> None:
    post = state.post
    explicit = post is not None and post.section not in {"", "summary"} and post.named_by != "item"
    under_title = post is not None and post.named_by == "title" and not (block.bold or block.number)
    # a list of roles stands on its own or under a page title, not inside a position's duties
    inside = post is not None and post.named_by not in {"title", "item"} and bool(post.entries or post.fields or post.section)
    if (
        block.heads_list
        and not explicit
        and not under_title
        and not inside
        and (post is None or post.depth < 0 or block.depth <= post.depth)
    ):
        state.start(block, _item_name(block.text), "item", depth=block.depth)
        return
    _content(state, block)


def _content(state: _State, block: Block) -> None:
    lex, post = state.lex, state.post
    if block.kind == "paragraph":
        article = lex.starts_article(block.text)
        intro = lex.intro_name(block.text) or (lex.intro_name(last_sentence(block.text)) if article else None)
        if article and not intro:
            state.post = None
            state.use(block, "unused", "an article of a regulation, not a duty")
            return
        if intro:
            if post is not None and post.name and fold(intro) in fold(post.name) and post.named_by != "item":
                post.section = "intro"
                state.use(block, "intro", f"opens a list of duties of {post.name}")
            else:
                post = state.start(block, intro, "sentence")
                post.section = "intro"
            return
    if post is None:
        reason = "text before the first position heading" if block.kind == "paragraph" else f"{block.kind} outside a position"
        state.use(block, "unused", reason)
        return
    _add(state, block)


def _add(state: _State, block: Block) -> None:
    assert state.post is not None
    state.post.entries.append(_Entry(block, state.post.section, state.blank))


CHART_ARROW = re.compile(r"\s*(?:→|->|=>|⟶)\s*(?:(?P<supports>supports?|reports? to|汇报给|向)\s+)?")
CHART_CHAIN = re.compile(r"\s+/\s+|\s*／\s*|\s*(?:→|->|=>|⟶)\s*")
NAME_LIMIT_CHART = 30


def _chart_line(state: _State, block: Block) -> None:
    """A line of an org chart: 'A → supports B', an 'A / B / C' chain from the top down, or a name
    in a tree or an outline, under the nearest shallower name above it."""
    links = state.org().chart
    if state.chart is None:
        state.chart = []
    text = re.sub(r"\*\*|__", "", block.text).strip()
    supports = CHART_ARROW.search(text)
    if supports and supports.group("supports"):
        links.append(ChartLink(text[: supports.start()].strip(), text[supports.end() :].strip(), block.line, block.text))
        state.use(block, "chart", block.text)
        return
    names = [n.strip() for n in CHART_CHAIN.split(text) if n.strip()]
    if len(names) > 1 and all(len(n) <= NAME_LIMIT_CHART for n in names):
        links.extend(ChartLink(low, high, block.line, block.text) for high, low in zip(names, names[1:], strict=False))
        state.use(block, "chart", block.text)
        return
    if not text or len(text) > NAME_LIMIT_CHART:
        state.use(block, "unused", "a line in an org chart that names no position")
        return
    path = state.chart
    while path and path[-1][0] >= block.depth:
        path.pop()
    if path:
        links.append(ChartLink(text, path[-1][1], block.line, block.text))
    path.append((block.depth, text))
    state.use(block, "chart", text)


_HANDLERS = {
    "organization": _organization,
    "department": _department,
    "position": _position,
    "heading": _heading,
    "field": _field,
    "item": _item,
}


# --- a position's entries into duties --------------------------------------------------------------


@dataclass
class _Duties:
    found: list[tuple[str, str, int]] = field(default_factory=list)  # (number, text, line)
    summary: list[tuple[str, int]] = field(default_factory=list)
    depth: int | None = None  # the depth of its top-level items
    last_kind: str = ""  # 'item' or 'paragraph' or 'clause'
    shape: str = ""  # the marker shape of its top-level items ('9、', '(一)', '-')


def _read_post(draft: _Draft, state: _State) -> PostText:
    uses, file = state.uses, state.clean.source.path.name
    label = draft.name or f"unnamed position {draft.index}"
    explicit = any(e.section in {"duties", "intro", "clauses"} for e in draft.entries) or draft.prose
    numbered = any(e.block.kind == "item" and e.block.number for e in draft.entries)
    acc = _Duties(summary=list(draft.summary))
    warnings: list[str] = []
    for entry in draft.entries:
        block, section = entry.block, entry.section
        if section not in {"", "duties", "intro", "clauses", "summary", "detail"}:
            uses.append(LineUse(block.line, "not-duty", f"section '{section}' of {label}"))
        elif section == "summary" or (section == "" and explicit and block.kind == "paragraph" and not acc.found):
            acc.summary.append((block.text, block.line))
            uses.append(LineUse(block.line, "summary", label))
        elif section == "detail":
            uses.append(LineUse(block.line, "duty-detail", f"belongs to duty {len(acc.found)} of {label}"))
        elif section == "" and explicit:
            uses.append(LineUse(block.line, "unused", f"{block.kind} of {label} outside its duty section"))
        elif block.kind == "item":
            _add_item(acc, entry, uses, label)
        elif section in {"clauses"} or (draft.prose and section == "duties"):
            _add_clauses(acc, block, uses, label, prose=draft.prose, lex=state.lex)
        elif draft.named_by == "title" and section == "" and not _wrapped(acc, entry):
            # under a plain heading, prose is its description; only its list items are duties
            kind = "summary" if not acc.found else "unused"
            if not acc.found:
                acc.summary.append((block.text, block.line))
            uses.append(LineUse(block.line, kind, label if not acc.found else f"prose under the heading of {label}"))
        else:
            _add_paragraph(acc, entry, uses, warnings, label, file, numbered=numbered, section=section)
    warnings.extend(numbering_warnings(acc.found, file, label))
    state.warnings.extend(warnings)
    name, gloss = _gloss(draft.name)
    name, unit = split_name(name, state.lex)
    return PostText(
        index=draft.index,
        name=name,
        heading=draft.heading,
        line=draft.line,
        duties=tuple(DutyText(i, n, tidy(t), ln) for i, (n, t, ln) in enumerate(acc.found, start=1) if tidy(t)),
        summary="".join(t for t, _ in acc.summary) or None,
        summary_line=acc.summary[0][1] if acc.summary else None,
        department=draft.department or unit,
        fields=tuple(draft.fields),
        gloss=gloss,
        named_by=draft.named_by,
    )


def _add_item(acc: _Duties, entry: _Entry, uses: list[LineUse], label: str) -> None:
    block = entry.block
    if acc.depth is None or block.depth < acc.depth:
        acc.depth, acc.shape = block.depth, _shape(block.marker)
    if block.depth > acc.depth and acc.found and (not block.number or _shape(block.marker) != acc.shape):
        uses.append(LineUse(block.line, "sub-item", f"part of duty {len(acc.found)} of {label}"))
        acc.last_kind = "sub-item"
        return
    text = BOLD.sub(r"\g<inner>\g<rest>", block.text) if block.bold else block.text
    if block.number and block.written:  # a numbered line may hold several duties: 1、… 2、…
        pieces = split_duties(block.written, last_number(acc.found))
    else:
        pieces = [(block.number, text.strip())]
    for number, piece in pieces:
        acc.found.append((number, piece, block.line))
        uses.append(LineUse(block.line, "duty", f"duty {len(acc.found)} of {label}"))
    acc.last_kind = "item"


def _add_clauses(acc: _Duties, block: Block, uses: list[LineUse], label: str, *, prose: bool, lex: Lexicon) -> None:
    """A paragraph whose clauses are duties: '负责…;组织…。' or bylaws' 'shall' sentences."""
    if leading_number(block.text):
        for number, piece in split_duties(block.text, last_number(acc.found)):
            acc.found.append((number, piece, block.line))
            uses.append(LineUse(block.line, "duty", f"duty {len(acc.found)} of {label}"))
        return
    parts = SENTENCE.split(block.text) if prose or not re.search(r"[\u3400-\u9fff]", block.text) else CLAUSE.split(block.text)
    kept = 0
    for part in (p.strip() for p in parts):
        if not part or (prose and not lex.is_duty_sentence(part)):
            continue
        acc.found.append(("", part, block.line))
        kept += 1
        uses.append(LineUse(block.line, "duty", f"duty {len(acc.found)} of {label}"))
    if not kept:
        uses.append(LineUse(block.line, "unused", f"prose of {label} that states no duty"))
    acc.last_kind = "clause"


def _add_paragraph(
    acc: _Duties,
    entry: _Entry,
    uses: list[LineUse],
    warnings: list[str],
    label: str,
    file: str,
    *,
    numbered: bool,
    section: str,
) -> None:
    block, text = entry.block, entry.block.text
    if numbered and not acc.found and section != "intro":
        acc.summary.append((text, block.line))
        uses.append(LineUse(block.line, "summary", label))
        return
    if acc.found and acc.last_kind in {"item", "paragraph"} and _wraps(acc, entry) and not _new_line_item(entry, section):
        number, previous, line = acc.found[-1]
        acc.found[-1] = (number, _join(previous, text), line)
        uses.append(LineUse(block.line, "duty-continuation", f"duty {len(acc.found)} of {label}"))
        return
    if acc.last_kind in {"item", "sub-item"} and not numbered and section != "intro":
        uses.append(LineUse(block.line, "unused", f"paragraph between the list items of {label}"))
        return
    if numbered and acc.found:
        warnings.append(f"{file}:{block.line}: unnumbered line after a complete duty read as a new duty of {label}")
    acc.found.append(("", text, block.line))
    uses.append(LineUse(block.line, "duty", f"duty {len(acc.found)} of {label} (unnumbered)"))
    acc.last_kind = "paragraph"


def last_sentence(text: str) -> str:
    """The sentence a paragraph ends with ('第十条 …。保育员的主要职责如下:' → '保育员的主要职责如下:')."""
    return re.split(r"(?<=[。.;；!！?？])\s*", text.strip().rstrip(":："))[-1] + text.strip()[-1:]


def _new_line_item(entry: _Entry, section: str) -> bool:
    """Under 'The treasurer shall:' each line is an item whose marker was lost, unless it starts in
    lower case (English carried on)."""
    first = entry.block.text[:1]
    return section == "intro" and bool(first) and not (first.isascii() and first.islower())


def _wrapped(acc: _Duties, entry: _Entry) -> bool:
    return bool(acc.found) and acc.last_kind == "item" and _wraps(acc, entry)


def _wraps(acc: _Duties, entry: _Entry) -> bool:
    """Does a paragraph carry on the duty before it (a line wrapped mid-sentence)? Word
    paragraphs, table cells and spreadsheet rows are never wrapped; a PDF's lines may be."""
    where = entry.block.where
    if where and not where.startswith("page"):
        return False
    previous = acc.found[-1][1]
    if acc.last_kind == "item" and entry.after_blank:
        return False
    if acc.depth is not None and entry.block.depth > acc.depth and not entry.after_blank:
        return True
    return continues(previous, entry.block.text)


def _join(previous: str, text: str) -> str:
    """Chinese joins without a space, English with one."""
    end, start = previous[-1:], text[:1]
    if end.isascii() and start.isascii() and (end.isalnum() or end in ",;:)") and start.isalnum():
        return f"{previous} {text}"
    return previous + text


def _shape(marker: str) -> str:
    """A list marker's shape: '3、' and '12、' are one shape, '(1)' another."""
    return re.sub(r"\d+", "9", re.sub(rf"[{CN_NUMERALS}]+", "一", marker.replace(" ", "")))


DEPARTMENT_PREFIX = re.compile(r"^(?P<unit>[\u3400-\u9fff]{2,12}?(?:部门|部))(?P<rest>[\u3400-\u9fff、]{2,})$")


def split_name(name: str | None, lex: Lexicon) -> tuple[str | None, str | None]:
    """A position's name less the institution it is written with (幼儿园保育员 → 保育员), and the
    department its name starts with (物业客户服务部总台接待 → 物业客户服务部), which stays in the name."""
    if not name:
        return name, None
    for ending in sorted(lex.institution_endings, key=len, reverse=True):
        at = name.find(ending)
        if 0 <= at and len(name) - at - len(ending) >= 2:
            name = name[at + len(ending) :]
            break
    unit = DEPARTMENT_PREFIX.match(name)
    return name, unit.group("unit") if unit else None


def _item_name(text: str) -> str:
    text = BOLD.sub(r"\g<inner>\g<rest>", text).strip()
    return DETAILS.sub("", text).strip().rstrip(":：")


def _gloss(name: str | None) -> tuple[str | None, str | None]:
    """'总经理(General Manager)' → ('总经理', 'General Manager')."""
    if not name:
        return name, None
    match = GLOSS.match(name.strip())
    if match:
        return match.group("zh").strip(), match.group("en").strip()
    return name.strip(), None


# --- the document ------------------------------------------------------------------------------------


def _finish(state: _State, blocks: list[Block]) -> Document:
    clean, uses = state.clean, state.uses
    organizations: list[OrganizationText] = []
    dutyless: list[PostText] = []
    for org in state.orgs:
        posts: list[PostText] = []
        for draft in org.posts:
            post = _read_post(draft, state)
            if post.duties:
                posts.append(replace(post, index=len(posts) + 1))
            elif post.named_by == "field" and post.name:
                dutyless.append(post)
                uses.append(LineUse(draft.line, "dutyless", f"position '{post.name}' is named but given no duties"))
            else:
                uses.append(LineUse(draft.line, "unused", f"heading '{draft.heading}' has no duties under it"))
        if posts:
            organizations.append(OrganizationText(len(organizations) + 1, org.heading, org.line, tuple(posts), tuple(org.chart)))
        elif org.line and any(b.kind == "organization" and b.line == org.line for b in blocks):
            uses.append(LineUse(org.line, "unused", f"heading '{org.heading}' has no positions under it"))
    warnings = state.warnings
    if not organizations:
        raise SourceError(f"{clean.source.path}: no position found ({_what_was_seen(blocks)})")
    uses.sort(key=lambda use: use.line)
    source, found, without_duties = clean.source.kept(), tuple(organizations), tuple(dutyless)
    return Document(source, found, tuple(uses), clean.repairs, tuple(warnings), without_duties, clean.glosses_removed)


def _what_was_seen(blocks: list[Block]) -> str:
    counts = Counter(b.kind for b in blocks if b.kind not in {"blank", "meta"})
    sections = sum(1 for b in blocks if b.kind in {"heading", "field"} and b.meaning == "duties")
    names = {
        "heading": "heading",
        "position": "position heading",
        "item": "list item",
        "field": "field",
        "paragraph": "paragraph",
        "noise": "line of noise",
    }
    seen = [f"{counts[k]} {v}{'s' if counts[k] != 1 else ''}" for k, v in names.items() if counts[k]]
    what = ", ".join(seen) or "no text"
    tail = "but no duty section" if not sections else "but no duties in its duty sections"
    return (
        f"found {what}, {tail}; expected headings such as '销售经理岗位职责' or '## Sales Manager' "
        "followed by numbered or bulleted duties, or fields such as '岗位名称:' / 'Responsibilities:'"
    )
