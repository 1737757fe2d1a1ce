"""Open the zip of a Word or Excel file safely: refuse what is corrupt, a zip bomb or XML with a DTD.

Everything is checked from the zip's directory before a byte is inflated; XML is parsed with
entity expansion and network access off.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path

from lxml import etree

from graph.errors import SourceError

MAX_UNCOMPRESSED = 200 * 1024 * 1024  # all members together, as the zip's directory declares them
MAX_RATIO = 100  # uncompressed / compressed, for members over RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
MAX_MEMBERS = 10_000
_DTD = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


def open_zip(path: Path, data: bytes, *, what: str) -> zipfile.ZipFile:
    """The zip inside ``data``, after checking its directory; ``what`` names the format ("Word file")."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, NotImplementedError, OSError, ValueError) as e:
        raise SourceError(
            f"{path}: a corrupt or truncated {what} (its zip cannot be opened: {e}); open it and save it again"
        ) from None
    check_members(path, archive, what=what)
    return archive


def check_members(path: Path, archive: zipfile.ZipFile, *, what: str) -> None:
    """Refuse a zip bomb from the sizes the directory declares, before inflating anything."""
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise SourceError(f"{path}: the {what} holds {len(members)} parts, over the limit of {MAX_MEMBERS}; it is not a document")
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED:
        raise SourceError(
            f"{path}: the {what} would inflate to {total / 2**20:.0f} MB, over the {MAX_UNCOMPRESSED / 2**20:.0f} MB "
            "limit (a zip bomb?); it was not opened"
        )
    for member in members:
        if member.file_size > RATIO_FLOOR and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            ratio = member.file_size / max(member.compress_size, 1)
            raise SourceError(
                f"{path}: part {member.filename} of the {what} is compressed {ratio:.0f} to 1, over the limit of "
                f"{MAX_RATIO} (a zip bomb?); it was not opened"
            )


def read_member(path: Path, archive: zipfile.ZipFile, name: str, *, what: str) -> bytes:
    """One member's bytes; a CRC error or a size that lies is a corrupt file."""
    try:
        return archive.read(name)
    except KeyError:
        raise SourceError(f"{path}: the {what} has no part {name}; open it and save it again") from None
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, OSError, EOFError, ValueError) as e:
        raise SourceError(f"{path}: a corrupt or truncated {what} (part {name}: {e}); open it and save it again") from None


def check_xml_members(path: Path, archive: zipfile.ZipFile, *, what: str) -> None:
    """Refuse a package any of whose XML parts declares a DTD or entities (entity expansion attacks)."""
    for member in archive.infolist():
        if member.filename.endswith((".xml", ".rels", ".vml")):
            refuse_dtd(path, read_member(path, archive, member.filename, what=what), member=member.filename, what=what)


def refuse_dtd(path: Path, data: bytes, *, member: str, what: str) -> None:
    if _DTD.search(data):
        raise SourceError(
            f"{path}: part {member} of the {what} declares a DTD or entities, which Office never writes "
            "(an entity-expansion attack?); it was not read"
        )


def parse_xml(path: Path, data: bytes, *, member: str, what: str) -> etree._Element:
    """Parse one XML part with entity expansion and network access off."""
    refuse_dtd(path, data, member=member, what=what)
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as e:
        raise SourceError(
            f"{path}: part {member} of the {what} is not well-formed XML ({e}); open it and save it again"
        ) from None
