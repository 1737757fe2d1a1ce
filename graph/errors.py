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


class QueryNotFound(QueryError, InvocationError):
    """The query named on the command line is neither bundled nor a .rq file: exit 2."""


class BindingError(QueryError, InvocationError):
    """A value given for a query variable cannot go in: no such variable, or not a valid term."""


class ServiceRefused(QueryError, InvocationError):
    """A query would make the engine call another endpoint (SERVICE) and --allow-service is not given."""


def excerpt(text: str, limit: int = 200) -> str:
    """A user's argument as a message may echo it: cut to ``limit`` characters, with '…'."""
    return text if len(text) <= limit else text[:limit] + "…"
