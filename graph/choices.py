"""The names the command line offers as choices, apart from the modules that implement them:
offering ``--engine`` and ``--format`` then imports neither the engines nor rdflib's SPARQL
parser (a fifth of a second of every ``rolegraph build``), nor ``--per`` the shard writer."""

from __future__ import annotations

ENGINES = ("oxigraph", "rdflib")  # graph.engine.open_engine
FORMATS = ("table", "csv", "tsv", "json")  # graph.queries.format_rows
SHARDS_PER = ("size", "organization")  # graph.shards.write_shards
