"""The exceptions rolegraph raises; each message names the file (and line) and says what to do."""


class RolegraphError(Exception):
    """Base of every error rolegraph reports to a user."""


class SourceError(RolegraphError):
    """An input document cannot be read or holds nothing usable."""


class OntologyError(RolegraphError):
    """The ontology, a knowledge pack or the corrections file is missing or malformed."""


class QueryError(RolegraphError):
    """A SPARQL query cannot be found, parsed, bound or run."""


class ValidationError(RolegraphError):
    """A graph breaks the SHACL shapes of the contract."""


class InvocationError(RolegraphError):
    """The command asks for something it must not do; the CLI exits 2, as for a bad option."""


class OutputFolderError(InvocationError):
    """``--out`` names a folder a build may not replace (it holds other files, or a source)."""
