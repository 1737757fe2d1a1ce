"""Wheel build hook: the repository's data goes inside the package of a wheel, in graph/bundled/,
where graph/paths.py finds it, and the entry module beside the package. An editable install
copies none of it: it reads the checkout, where graph/paths.py finds the same files."""

from __future__ import annotations

from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

BUNDLED = {
    "rolegraph.py": "rolegraph.py",
    "ontology": "graph/bundled/ontology",
    "queries": "graph/bundled/queries",
    "data/corrections.tsv": "graph/bundled/data/corrections.tsv",
    "data/4s-dealership-roles.txt": "graph/bundled/data/4s-dealership-roles.txt",
}


class CustomBuildHook(BuildHookInterface):  # type: ignore[misc]
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if version == "standard":
            build_data["force_include"].update(BUNDLED)
