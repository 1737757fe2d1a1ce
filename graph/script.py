"""Chinese script: Traditional → Simplified through OpenCC, and the language tag of a text."""

from __future__ import annotations

import re
from functools import lru_cache

import opencc

_SPACE_IN_CJK = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


def to_simplified(text: str) -> str:
    return str(_t2s().convert(text))


@lru_cache(maxsize=1 << 18)
def normalize(text: str) -> str:
    """Simplified script, stray spaces between Chinese characters removed, spaces folded."""
    text = to_simplified(text)
    text = _SPACE_IN_CJK.sub("", text)
    text = re.sub(r"\s*([A-Za-z0-9]+)\s*(?=[\u3400-\u9fff])", r"\1", text)
    text = re.sub(r"(?<=[\u3400-\u9fff])\s+(?=[A-Za-z0-9])", "", text)
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=1 << 18)
def script_tag(text: str) -> str:
    """``zh-Hant`` for Traditional text, ``zh-Hans`` for Simplified, ``zh`` when mixed."""
    traditional = to_simplified(text) != text
    simplified = str(_s2t().convert(text)) != text
    if traditional and simplified:
        return "zh"
    return "zh-Hant" if traditional else "zh-Hans"
