"""rolegraph: turn job-description documents (岗位职责) into a knowledge graph of an organization."""

__version__ = "0.1.0"
# what the 'rolegraph' command checks, to tell this package from another project's 'graph'
__distribution__ = "rolegraph"
