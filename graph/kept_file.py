"""One JSON file of what a build worked out and the next may take again: the role scores
(``score_cache``) and the org-chart layouts (``layout_cache``). Each is named ``NAME-VERSION.json``
after the code that makes its entries, holds the entries the last build used, and is written
whole or not at all."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import orjson

from graph.atomic import replaced_atomically

log = logging.getLogger(__name__)


def read_entries(path: Path, valid: Callable[[Any], bool], what: str) -> dict[str, Any]:
    """The file's entries by key; none when it is absent, or (with a warning naming ``what``)
    when it is not a JSON object whose every value is ``valid``."""
    try:
        data = path.read_bytes()
    except OSError:
        return {}
    try:
        found = orjson.loads(data)
    except orjson.JSONDecodeError:
        found = None
    if not isinstance(found, dict) or not all(valid(v) for v in found.values()):
        log.warning("the %s in %s are damaged: they are worked out again", what, path)
        return {}
    return found


def save_entries(path: Path, used: Mapping[str, Any], kept: Mapping[str, Any], what: str) -> None:
    """Write the entries this build ``used``, atomically, when they are not what the file held
    (``kept``), and remove the files of other versions beside it. A file that cannot be written
    is a slower next build, with a warning."""
    try:
        for other in path.parent.glob(f"{path.name.rsplit('-', 1)[0]}-*.json"):
            if other != path:
                other.unlink(missing_ok=True)
        if used != kept:
            with replaced_atomically(path) as f:
                f.write(orjson.dumps(used, option=orjson.OPT_SORT_KEYS))
    except OSError as e:
        log.warning("cannot write the %s to the cache %s: %s", what, path.parent, e)
