"""Where the project's data lives, found from the package itself, never from the working directory.

In a checkout, the data sits beside the package (``ontology/``, ``queries/``, ``data/`` at the top
of the repository). An installed wheel carries the same folders inside the package, in
``graph/bundled/`` (pyproject.toml maps them there); ``importlib.resources`` finds the package
either way. ROOT is the folder that holds ``ontology/``, ``queries/`` and ``data/``.
"""

from importlib.resources import files
from pathlib import Path

PACKAGE_DIR = Path(str(files("graph")))  # a folder on disk: rolegraph is not run from a zip
BUNDLED_DIR = PACKAGE_DIR / "bundled"
ROOT = BUNDLED_DIR if (BUNDLED_DIR / "ontology").is_dir() else PACKAGE_DIR.parent
ONTOLOGY_DIR = ROOT / "ontology"
QUERIES_DIR = ROOT / "queries"
DATA_DIR = ROOT / "data"
TEMPLATES_DIR = PACKAGE_DIR / "templates"

ONTOLOGY_FILE = ONTOLOGY_DIR / "role.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"
DEFAULT_PACK = ONTOLOGY_DIR / "dealership.ttl"
DEFAULT_CORPUS = DATA_DIR / "4s-dealership-roles.txt"
DEFAULT_CORRECTIONS = DATA_DIR / "corrections.tsv"
