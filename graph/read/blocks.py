"""The document model: what each line (or part of a line) of a document is, as the layout says.

A reader of any format ends in blocks; the recogniser reads positions out of blocks only.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Block:
    """One unit of layout.

    kinds: ``blank``, ``noise`` (forum debris, link lists, comments, directives), ``meta``
    (front matter and other data about the page), ``organization`` (第N篇 …), ``department``
    (一、销售部), ``heading`` (level 1 = top), ``item`` (a list item: ``depth`` 0 = top, with its
    ``marker`` and ``number``), ``field`` (``label``: ``text``), ``paragraph``.
    """

    kind: str
    line: int
    text: str = ""
    level: int = 0  # heading level
    depth: int = 0  # indentation of an item or paragraph, in columns
    marker: str = ""  # '-', '*', '1.', '一、', '(1)' … as written
    number: str = ""  # the number in the marker, if any
    label: str = ""  # a field's label as written
    meaning: str = ""  # a field's meaning from the profile; a heading's 'duties' / 'not-duties' section
    bold: bool = False  # the whole text is bold (**Role**)
    heads_list: bool = False  # an item followed by items of its own (a role with its duties below)
    where: str = ""  # the format's locator, when it has one
    written: str = ""  # a numbered item's line as written, its number included (it may hold several)

    @property
    def family(self) -> str:
        """'bullet' or 'number': two items of one list have the same family."""
        return "number" if self.number else "bullet"
