"""The numbering of duties: 一、 1、 1. 1.. (1) (一) 1) and bare 1 before a character, several
numbers to a line, numbers missing or repeated; and Chinese numerals read by a small grammar."""

from __future__ import annotations

import re

CJK = r"\u3400-\u9fff"
CN_NUMERALS = "零〇一二三四五六七八九十百千两"
_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_UNITS = {"十": 10, "百": 100, "千": 1000}

LEADING_NUMBER = re.compile(
    rf"^\s*(?:(?P<cn>[{CN_NUMERALS}]{{1,5}})\s*[、.．]|[(（]\s*(?P<par>\d{{1,3}}|[{CN_NUMERALS}]{{1,4}})\s*[)）]"
    rf"|(?P<ar>\d{{1,3}})\s*(?P<sep>、|\.{{1,2}}(?!\d)|．|[)）]|(?=[{CJK}])))\s*"
)
# An inline duty number: after sentence punctuation or white space, a number and its separator.
INLINE_NUMBER = re.compile(
    rf"(?:(?<=[.。;；!！])|(?<=\s))\s*(?:(?P<ar>\d{{1,3}})\s*(?P<sep>、|\.{{1,2}}(?!\d)|．|(?=[{CJK}]))"
    rf"|(?P<cn>[{CN_NUMERALS}]{{1,4}})、|[(（](?P<par>[{CN_NUMERALS}]{{1,4}}|\d{{1,3}})[)）])"
)
MISSING_NUMBER = re.compile(r"(?<=[;；。])\s*、")
TERMINAL = tuple(".。;；!！?？")


def chinese_number(text: str) -> int | None:
    """一 → 1, 十 → 10, 十三 → 13, 二十一 → 21, 一百零五 → 105; None for what is not a numeral
    (十十, 九九, 百百)."""
    total, current, last_unit, zero = 0, None, 10_000, False
    for char in text:
        if char in _DIGITS:
            value = _DIGITS[char]
            if value == 0:
                if current is not None or zero:
                    return None
                zero = True
                continue
            if current is not None:
                return None
            current, zero = value, False
        elif char in _UNITS:
            unit = _UNITS[char]
            if unit >= last_unit or zero:
                return None
            if current is None:
                if total or unit != 10:
                    return None
                current = 1
            total += current * unit
            last_unit, current = unit, None
        else:
            return None
    if current is not None:
        total += current
    elif zero and not total:
        return 0
    return total if total or text in {"零", "〇"} else None


def number_value(number: str | None) -> int | None:
    if not number:
        return None
    return int(number) if number.isdigit() else chinese_number(number)


def leading_number(text: str) -> re.Match[str] | None:
    """The list marker a text starts with. ``十十、`` is a marker whose number cannot be read
    (``number_value`` is None, and the duty is numbered by its place); ``十十.`` is not a marker."""
    match = LEADING_NUMBER.match(text)
    if match is None:
        return None
    number = match.group("cn") or match.group("par") or match.group("ar")
    if number_value(number) is not None or match.group(0).rstrip().endswith("、"):
        return match
    return None


def number_of(match: re.Match[str]) -> str:
    return match.group("cn") or match.group("par") or match.group("ar")


def split_duties(text: str, last: int) -> list[tuple[str, str]]:
    """Split a numbered text into (number as written, duty text) pairs."""
    lead = leading_number(text)
    if lead is None:
        return [("", tidy(text))]
    number = number_of(lead)
    current = number_value(number) or 0
    rest = text[lead.end() :]
    found: list[tuple[str, str]] = []
    while True:
        cut = _next_marker(rest, current)
        if cut is None:
            found.append((number, tidy(rest)))
            return found
        start, end, next_number = cut
        found.append((number, tidy(rest[:start])))
        number, rest = next_number, rest[end:]
        current = (number_value(next_number) or 0) if next_number else current + 1


def _next_marker(text: str, current: int) -> tuple[int, int, str] | None:
    """The next inline duty number after ``current``: (start, end, number or '' if missing)."""
    best: tuple[int, int, str] | None = None
    for match in INLINE_NUMBER.finditer(text):
        number = match.group("ar") or match.group("cn") or match.group("par")
        value = number_value(number)
        if value is None:
            continue
        no_separator = match.group("ar") is not None and not match.group("sep")
        if value == current + 1 or (value == current + 2 and not no_separator):
            best = (match.start(), match.end(), number)
            break
    missing = MISSING_NUMBER.search(text)
    if missing and (best is None or missing.start() < best[0]):
        return missing.start(), missing.end(), ""
    return best


def last_number(duties: list[tuple[str, str, int]]) -> int:
    for number, _, _ in reversed(duties):
        value = number_value(number)
        if value is not None:
            return value
    return len(duties)


def tidy(text: str) -> str:
    return text.strip().rstrip(";；,，").strip()


def continues(previous: str, text: str) -> bool:
    """Does an unnumbered line carry on the duty before it (a line wrapped mid-sentence)?"""
    return not previous.rstrip().endswith(TERMINAL) or text[:1] in "(（)）,，、"


def numbering_warnings(duties: list[tuple[str, str, int]], file: str, label: str) -> list[str]:
    warnings: list[str] = []
    previous = 0
    arabic: bool | None = None
    for number, _, line in duties:
        value = number_value(number)
        if value is None:
            warnings.append(f"{file}:{line}: duty of {label} has no number; read as number {previous + 1}")
            previous += 1
            continue
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
