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
