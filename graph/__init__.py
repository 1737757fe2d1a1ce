"""rolegraph: turn job-description documents (岗位职责) into a knowledge graph of an organization."""

__version__ = "0.1.0"
