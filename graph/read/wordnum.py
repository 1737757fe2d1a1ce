"""Word's automatic numbering rendered as a reader sees it: ``1.``, ``(一)``, ``a)``, ``2.1``.

python-docx does not render list numbers. This reads the numbering part (``w:num`` → ``w:abstractNum``
→ ``w:lvl`` with ``w:start``, ``w:numFmt``, ``w:lvlText``, ``w:lvlRestart``) and keeps one counter per
list (``numId``) and level; a level restarts when a higher level of its list advances.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PLACEHOLDER = re.compile(r"%([1-9])")
_ZH_DIGITS = "〇一二三四五六七八九"
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
_ROMAN = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)


@dataclass(frozen=True)
class Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    restart: int | None = None  # restart after this (1-based) level advances; None = any higher level
    legal: bool = False  # w:isLgl: the higher levels' numbers shown as decimal


def chinese_counting(n: int, *, zero: str = "零") -> str:
    """一 … 十 十一 … 二十 … 九十九 一百 一百零一 … (Word's chineseCounting / chineseCountingThousand)."""
    if n <= 0 or n >= 10000:
        return str(n)
    if 10 <= n < 20:
        return "十" + (_ZH_DIGITS[n % 10] if n % 10 else "")
    out, pending_zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit:
            out += (zero if pending_zero else "") + _ZH_DIGITS[digit] + unit
            pending_zero = False
        elif out:
            pending_zero = True
    return out


def roman(n: int) -> str:
    if n <= 0:
        return str(n)
    out = ""
    for value, numeral in _ROMAN:
        count, n = divmod(n, value)
        out += numeral * count
    return out


def letters(n: int) -> str:
    """a … z, aa … zz, aaa (Word repeats the letter)."""
    if n <= 0:
        return str(n)
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _enclosed(first: int, last: int) -> Callable[[int], str]:
    return lambda n: chr(first + n - 1) if 1 <= n <= last else str(n)


FORMATS: dict[str, Callable[[int], str]] = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "decimalFullWidth": lambda n: str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    "decimalFullWidth2": lambda n: str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    "decimalHalfWidth": str,
    "decimalEnclosedCircle": _enclosed(0x2460, 20),
    "decimalEnclosedCircleChinese": _enclosed(0x2460, 20),
    "decimalEnclosedParen": _enclosed(0x2474, 20),
    "decimalEnclosedFullstop": _enclosed(0x2488, 20),
    "lowerLetter": letters,
    "upperLetter": lambda n: letters(n).upper(),
    "lowerRoman": lambda n: roman(n).lower(),
    "upperRoman": roman,
    "chineseCounting": chinese_counting,
    "chineseCountingThousand": chinese_counting,
    "chineseLegalSimplified": chinese_counting,
    "japaneseCounting": chinese_counting,
    "taiwaneseCounting": chinese_counting,
    "taiwaneseCountingThousand": chinese_counting,
    "ideographTraditional": lambda n: _STEMS[(n - 1) % 10] if n > 0 else str(n),
    "ideographZodiac": lambda n: _BRANCHES[(n - 1) % 12] if n > 0 else str(n),
    "ideographDigital": lambda n: "".join(_ZH_DIGITS[int(d)] for d in str(n)),
    "none": lambda n: "",
    "bullet": lambda n: "",
}


def format_number(n: int, fmt: str) -> str:
    return FORMATS.get(fmt, str)(n)


def _val(element: etree._Element | None, default: str = "") -> str:
    if element is None:
        return default
    return str(element.get(f"{W}val", default))


def _int(element: etree._Element | None, default: int) -> int:
    try:
        return int(_val(element, str(default)))
    except ValueError:
        return default


def read_level(lvl: etree._Element) -> Level:
    restart = lvl.find(f"{W}lvlRestart")
    return Level(
        start=_int(lvl.find(f"{W}start"), 1),
        fmt=_val(lvl.find(f"{W}numFmt"), "decimal"),
        text=_val(lvl.find(f"{W}lvlText"), ""),
        restart=_int(restart, 0) if restart is not None else None,
        legal=lvl.find(f"{W}isLgl") is not None and _val(lvl.find(f"{W}isLgl"), "1") not in ("0", "false"),
    )


def read_definitions(numbering: etree._Element | None) -> dict[str, dict[int, Level]]:
    """The levels of each list (``numId``), with the list's own start overrides applied."""
    if numbering is None:
        return {}
    abstract = {
        a.get(f"{W}abstractNumId", ""): {_int_attr(lvl, "ilvl"): read_level(lvl) for lvl in a.iter(f"{W}lvl")}
        for a in numbering.iter(f"{W}abstractNum")
    }
    # A list style's definition (w:styleLink) lends its levels to the lists that use it (w:numStyleLink).
    styles = {_val(a.find(f"{W}styleLink")): abstract[a.get(f"{W}abstractNumId", "")] for a in numbering.iter(f"{W}abstractNum")}
    for a in numbering.iter(f"{W}abstractNum"):
        link = _val(a.find(f"{W}numStyleLink"))
        if link and not abstract[a.get(f"{W}abstractNumId", "")]:
            abstract[a.get(f"{W}abstractNumId", "")] = styles.get(link, {})
    lists: dict[str, dict[int, Level]] = {}
    for num in numbering.iter(f"{W}num"):
        levels = dict(abstract.get(_val(num.find(f"{W}abstractNumId")), {}))
        for override in num.iter(f"{W}lvlOverride"):
            ilvl = _int_attr(override, "ilvl")
            own = override.find(f"{W}lvl")
            if own is not None:
                levels[ilvl] = read_level(own)
            start = override.find(f"{W}startOverride")
            if start is not None:
                base = levels.get(ilvl, Level())
                levels[ilvl] = Level(_int(start, 1), base.fmt, base.text, base.restart, base.legal)
        lists[num.get(f"{W}numId", "")] = levels
    return lists


def _int_attr(element: etree._Element, name: str) -> int:
    try:
        return int(element.get(f"{W}{name}", "0"))
    except ValueError:
        return 0


@dataclass
class Counters:
    """The running numbers of every list in a document, advanced paragraph by paragraph."""

    lists: dict[str, dict[int, Level]]
    counts: dict[str, dict[int, int]] = field(default_factory=dict)

    def advance(self, num_id: str, ilvl: int) -> str:
        """The number the paragraph at ``ilvl`` of list ``num_id`` shows (and count it)."""
        levels = self.lists.get(num_id)
        if not levels:
            return ""
        level = levels.get(ilvl, Level())
        counts = self.counts.setdefault(num_id, {})
        counts[ilvl] = counts[ilvl] + 1 if ilvl in counts else level.start
        for deeper in [k for k in counts if k > ilvl]:
            deeper_level = levels.get(deeper, Level())
            if deeper_level.restart is None or deeper_level.restart > ilvl:  # 0: never restarts
                del counts[deeper]
        if level.fmt == "bullet":
            return ""
        return self.render(levels, counts, ilvl)

    @staticmethod
    def render(levels: dict[int, Level], counts: dict[int, int], ilvl: int) -> str:
        def one(match: re.Match[str]) -> str:
            k = int(match.group(1)) - 1
            shown = levels.get(k, Level())
            value = counts.get(k, shown.start)
            fmt = "decimal" if levels.get(ilvl, Level()).legal and k < ilvl else shown.fmt
            return format_number(value, fmt)

        return _PLACEHOLDER.sub(one, levels.get(ilvl, Level()).text).strip()
