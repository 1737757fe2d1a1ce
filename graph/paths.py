"""Where the project's data lives, resolved from this file, never from the working directory."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = ROOT / "ontology"
QUERIES_DIR = ROOT / "queries"
DATA_DIR = ROOT / "data"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"

ONTOLOGY_FILE = ONTOLOGY_DIR / "role.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"
DEFAULT_PACK = ONTOLOGY_DIR / "dealership.ttl"
DEFAULT_CORPUS = DATA_DIR / "4s-dealership-roles.txt"
DEFAULT_CORRECTIONS = DATA_DIR / "corrections.tsv"
