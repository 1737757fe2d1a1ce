"""The command line: each command parses options, calls one graph.* function, reports errors."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from graph import __version__
from graph.choices import ENGINES, FORMATS, SHARDS_PER
from graph.errors import InvocationError, RolegraphError, excerpt
from graph.paths import DEFAULT_CORPUS, DEFAULT_CORRECTIONS


def _fail(error: RolegraphError) -> click.ClickException:
    """Our error as click's: exit 2 for a command that must not run as asked, 1 for bad data."""
    if isinstance(error, InvocationError):
        return click.UsageError(str(error))
    return click.ClickException(str(error))


# graph.overlaps.DEFAULT_THRESHOLD, written here so that the command line need not import the
# similarity libraries to show it; tests/test_cli_errors.py checks the two agree
DEFAULT_THRESHOLD = 0.48
GRAPH_HELP = (
    "The graph file to ask (Turtle, JSON-LD or N-Triples, by its suffix), as 'rolegraph build' wrote it, "
    "or the store folder a build wrote beside it (out/org.oxigraph)."
)
NO_STORE_HELP = "Parse the graph file even when the build's store (out/org.oxigraph) is beside it."


def _note(message: str) -> None:
    click.echo(f"note: {message}", err=True)


def no_store_option(command: Any) -> Any:
    return click.option("--no-store", is_flag=True, help=NO_STORE_HELP)(command)


# the options that bind a variable of a bundled query, by the variable
_NAMED_OPTIONS = {
    "givenRole": ("--role", "role"),
    "givenTheme": ("--theme", "theme"),
    "givenOrganization": ("--organization", "organization"),
}


def _check_variables(text: str, bindings: Mapping[str, object]) -> None:
    """A value given for a variable the query does not have would be silently ignored: refuse it."""
    from graph.queries import query_variables

    present = query_variables(text)
    for var in bindings:
        if var in present:
            continue
        if var in _NAMED_OPTIONS:
            option, kind = _NAMED_OPTIONS[var]
            raise click.UsageError(f"{option}: this query takes no {kind} (it has no ?{var})")
        known = ", ".join(f"?{v}" for v in sorted(present)) or "none"
        raise click.UsageError(f"--bind {excerpt(var)}: the query has no variable ?{excerpt(var)} (its variables: {known})")


def _stop_on_sigterm() -> None:
    """SIGTERM ends a build as Ctrl-C does: the staging folder and the check's worker are removed."""
    import signal

    def stop(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)


class StageProgress:
    """Progress on stderr: a bar per stage on a terminal, one plain line per stage otherwise."""

    WIDTH = 30

    def __init__(self, terminal: bool) -> None:
        self.terminal, self.stage = terminal, ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            if self.terminal and self.stage:
                click.echo("", err=True)
            self.stage = stage
            if not self.terminal:
                click.echo(f"… {stage}", err=True)
        if self.terminal and total:
            filled = self.WIDTH * done // total
            click.echo(f"\r{stage:<10} [{'#' * filled}{' ' * (self.WIDTH - filled)}] {done}/{total}", err=True, nl=False)
        elif self.terminal:
            click.echo(f"\r{stage:<10} …", err=True, nl=False)

    def finish(self) -> None:
        if self.terminal and self.stage:
            click.echo("", err=True)


class _Commands(click.Group):
    """The command group, with each usage error's message cut to a readable length: an argument
    of a megabyte is not echoed whole."""

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        with _short_messages():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        with _short_messages():
            try:
                return super().invoke(ctx)
            except BrokenPipeError:  # the reader of our output went away (rolegraph query … | head)
                raise
            except OSError as e:  # the machine's refusal, not the data's: a full disk, a folder not ours
                raise click.ClickException(machine_refusal(e)) from None


def machine_refusal(error: OSError) -> str:
    """An error of the system, said in one line: what it refused and where. A build and the
    shards are written in a staging folder first, so the folder they replace is left as it was."""
    where = f": {error.filename}" if error.filename else ""
    return f"the system refused to go on: {error.strerror or error}{where}"


MESSAGE_LIMIT = 1000


@contextmanager
def _short_messages() -> Iterator[None]:
    try:
        yield
    except click.ClickException as e:
        if len(e.message) > MESSAGE_LIMIT:
            e.message = excerpt(e.message, MESSAGE_LIMIT)  # type: ignore[misc]  # Final in click's stubs only
        if isinstance(e, click.BadParameter) and e.param_hint is not None and isinstance(e.param_hint, str):
            e.param_hint = excerpt(e.param_hint)
        raise


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rolegraph")
def main() -> None:
    """Turn job-description documents (岗位职责) into a knowledge graph of an organization."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")


@main.command()
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option("--out", "out", type=click.Path(path_type=Path), default=Path("out"), show_default=True, help="Output folder.")
@click.option(
    "--pack",
    type=click.Path(path_type=Path),
    default=None,
    help="Knowledge pack (roles, departments, themes) for every organization; "
    "default: each organization gets the pack of ontology/ that knows most of its post names.",
)
@click.option(
    "--corrections",
    type=click.Path(path_type=Path),
    default=DEFAULT_CORRECTIONS,
    show_default=True,
    help="Corrections file for damaged text.",
)
@click.option("--no-corrections", is_flag=True, help="Repair damaged text from the bytes alone.")
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1, min_open=True),
    default=DEFAULT_THRESHOLD,
    show_default=True,
    help="Similarity in (0,1] above which two duties say the same thing.",
)
@click.option(
    "--max-size", type=click.FloatRange(0, min_open=True), default=20.0, show_default=True, help="Largest input file, in MB."
)
@click.option("--no-validate", is_flag=True, help="Skip the SHACL check of the built graph.")
@click.option(
    "--jobs",
    type=click.IntRange(1, 256),
    default=None,
    help=(
        "Processes that read the documents and make the graph, the page and the CSV "
        "(default: the cores available); the output is the same for any number."
    ),
)
@click.option(
    "--cache",
    "cache_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder of earlier readings and graph pieces, keyed by what they are made of (default: ~/.cache/rolegraph/readings).",
)
@click.option("--no-cache", is_flag=True, help="Read every document afresh and make every piece of the graph; keep none.")
@click.option(
    "--store",
    is_flag=True,
    help="Also write org.oxigraph/, an on-disk Oxigraph store of the graph that query, show, chain, overlaps "
    "and serve open at once instead of parsing org.ttl (loaded in the background while the page is made: "
    "at 1,000 stores about 70 s of CPU "
    "for 6.6M triples, which is why it is not the default).",
)
@click.option(
    "--page-stores/--no-page-stores",
    default=None,
    help="Write each store's data for the page as a file of its own in org-graph-stores/ (read from disk "
    "when the store is chosen), or inside the one page; default: files from 500 stores on.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
def build(
    sources: tuple[Path, ...],
    out: Path,
    pack: Path | None,
    corrections: Path,
    no_corrections: bool,
    threshold: float,
    max_size: float,
    no_validate: bool,
    jobs: int | None,
    cache_dir: Path | None,
    no_cache: bool,
    store: bool,
    page_stores: bool | None,
    quiet: bool,
) -> None:
    """Build the graph, page, overlaps table and report from SOURCES (default: the bundled corpus).

    SOURCES are text (.txt, .md, .rst), Word (.docx), Excel (.xlsx), PDF and web pages (.html),
    or folders of them.
    """
    from graph.pipeline import BuildOptions
    from graph.pipeline import build as run_build
    from graph.read.documents import default_cache, default_jobs

    options = BuildOptions(
        sources=sources or (DEFAULT_CORPUS,),
        out=out,
        pack=pack,
        corrections=None if no_corrections else corrections,
        threshold=threshold,
        max_bytes=int(max_size * 1024 * 1024),
        validate=not no_validate,
        jobs=jobs or default_jobs(),
        cache=None if no_cache else (cache_dir or default_cache()),
        store=store,
        page_stores=page_stores,
    )
    progress = (lambda *_: None) if quiet else StageProgress(sys.stderr.isatty())
    _stop_on_sigterm()
    try:
        result = run_build(options, progress=progress)
        if isinstance(progress, StageProgress):
            progress.finish()
    except RolegraphError as e:
        raise _fail(e) from None
    if quiet:
        return
    counts = result.report["counts"]
    click.echo(
        f"{counts['organizations']} organizations, {counts['posts']} posts, {counts['duties']} duties, "
        f"{counts['roles']} roles, {counts['overlaps']} overlaps, {counts['triples']} triples"
    )
    unused = counts["lines"].get("unused", 0)
    if unused:
        lines = "1 line was" if unused == 1 else f"{unused} lines were"
        click.echo(f"note: {lines} not read as part of a position; build-report.json says why", err=True)
    for warning in result.report["warnings"][:10]:
        click.echo(f"warning: {warning}", err=True)
    if len(result.report["warnings"]) > 10:
        click.echo(f"warning: … {len(result.report['warnings']) - 10} more in build-report.json", err=True)
    for path in result.files:
        click.echo(str(path))


@main.command()
@click.argument("name_or_file")
@click.option(
    "--graph", "graph_file", type=click.Path(path_type=Path), default=Path("out/org.ttl"), show_default=True, help=GRAPH_HELP
)
@click.option("--bind", "binds", multiple=True, metavar="VAR=VALUE", help="Bind a query variable (repeatable).")
@click.option("--role", "roles", multiple=True, metavar="NAME", help="The role a query asks about (?givenRole), by any name.")
@click.option("--theme", "themes", multiple=True, metavar="NAME", help="The theme a query asks about (?givenTheme).")
@click.option(
    "--organization",
    "organizations",
    multiple=True,
    metavar="NAME",
    help="The organization a query asks about (?givenOrganization): its heading, 第N篇, or its file name.",
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("-e", "--expression", "is_text", is_flag=True, help="NAME_OR_FILE is SPARQL text.")
@click.option("--endpoint", metavar="URL", help="Query this SPARQL 1.1 endpoint instead of the graph file.")
@click.option("--allow-update", is_flag=True, help="Let an update (INSERT/DELETE …) run against --endpoint.")
@click.option(
    "--allow-service", is_flag=True, help="Let a SERVICE clause make the engine send a request to the address it names."
)
@click.option(
    "--engine", type=click.Choice(ENGINES), default="oxigraph", show_default=True, help="The engine that runs the query."
)
@no_store_option
def query(
    name_or_file: str,
    graph_file: Path,
    binds: tuple[str, ...],
    roles: tuple[str, ...],
    themes: tuple[str, ...],
    organizations: tuple[str, ...],
    fmt: str,
    is_text: bool,
    endpoint: str | None,
    allow_update: bool,
    allow_service: bool,
    engine: str,
    no_store: bool,
) -> None:
    """Run a bundled query (by name), a .rq file, or SPARQL text (-e) on the built graph or an endpoint.

    A query with a SERVICE clause runs only with --allow-service."""
    from graph.endpoint import RemoteEngine, remote_update
    from graph.engine import open_engine
    from graph.queries import find_query, format_rows, is_update, parse_bindings, with_values

    try:
        text = name_or_file if is_text else find_query(name_or_file).text
        named = (
            tuple(f"givenRole={r}" for r in roles)
            + tuple(f"givenTheme={t}" for t in themes)
            + tuple(f"givenOrganization={o}" for o in organizations)
        )
        bindings = parse_bindings(binds + named)
        _check_variables(text, bindings)
        if is_update(text):
            if not (endpoint and allow_update):
                raise RolegraphError("this is an update query; it runs only with --endpoint URL --allow-update")
            remote_update(endpoint, with_values(text, bindings), allow_service=allow_service)
            click.echo("update done")
            return
        if endpoint:
            opened: Any = RemoteEngine(endpoint, allow_service=allow_service)
        else:
            opened = open_engine(graph_file, engine, allow_service=allow_service, use_store=not no_store, note=_note)
        columns, rows = opened.select(text, bindings)
        _note_missing_terms(text, opened)
    except RolegraphError as e:
        raise _fail(e) from None
    click.echo(format_rows(columns, rows, fmt), nl=False)


def _note_missing_terms(text: str, engine: Any) -> None:
    """A note for each term the query needs that the graph lacks: built by an older rolegraph."""
    from graph.queries import missing_terms

    for term in missing_terms(text, lambda ask: engine.select(ask)[1]):
        _note(f"the graph has no {term}, which this query needs: it was built by an older rolegraph; rebuild it")


@main.command()
@click.argument("graph_file", type=click.Path(path_type=Path), default=Path("out/org.ttl"))
@click.option("--endpoint", required=True, metavar="URL", help="Graph Store Protocol address (Oxigraph: http://HOST:PORT/store).")
@click.option("--named-graph", metavar="IRI", help="Put the triples in this named graph (default: the default graph).")
def push(graph_file: Path, endpoint: str, named_graph: str | None) -> None:
    """Upload GRAPH_FILE (default out/org.ttl) to a triple store, replacing the target graph."""
    from graph.endpoint import push_graph

    try:
        push_graph(graph_file, endpoint, named_graph=named_graph)
    except RolegraphError as e:
        raise _fail(e) from None
    click.echo(f"pushed {graph_file} to {endpoint}" + (f" as <{named_graph}>" if named_graph else ""))


@main.command()
@click.argument("graph_file", type=click.Path(path_type=Path), default=Path("out/org.ttl"))
@click.option("--port", type=click.IntRange(1, 65535), default=7878, show_default=True, help="The port on 127.0.0.1.")
@click.option("--writable", is_flag=True, help="Accept updates and uploads (rolegraph push … --endpoint URL/store).")
@click.option("--allow-service", is_flag=True, help="Let a query's SERVICE clause make the server call the address it names.")
@no_store_option
def serve(graph_file: Path, port: int, writable: bool, allow_service: bool, no_store: bool) -> None:
    """Serve GRAPH_FILE on 127.0.0.1 with Oxigraph: a SPARQL endpoint and a query UI, read-only
    unless --writable. A query with SERVICE is refused unless --allow-service.

    Read-only, the build's store beside GRAPH_FILE (out/org.oxigraph) is served as it is, without
    loading; --writable serves a copy of it (or of GRAPH_FILE, loaded), never the build's own."""
    import signal

    from graph.endpoint import serve_graph

    # a plain 'kill' or a closed terminal stops the server cleanly too: the context manager ends
    # the oxigraph child and removes its store (a child outlives no parent: see serve_graph)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, lambda *_: sys.exit(0))
    try:
        with serve_graph(
            graph_file, port=port, read_only=not writable, allow_service=allow_service, use_store=not no_store, note=_note
        ) as server:
            click.echo(f"SPARQL endpoint: {server.query_url}")
            click.echo(f"query UI:        {server.base}/")
            if writable:
                click.echo(f"graph store:     {server.store_url} (writable)")
            click.echo("press Ctrl-C to stop")
            try:
                code = server.process.wait()
            except KeyboardInterrupt:
                return
            raise RolegraphError(f"the oxigraph server stopped on its own (exit status {code})")
    except RolegraphError as e:
        raise _fail(e) from None


@main.command()
@click.argument("source", type=click.Path(path_type=Path), default=Path("out/org.ttl"))
@click.option("--out", "out", type=click.Path(path_type=Path), required=True, help="Folder for the shards (replaced whole).")
@click.option(
    "--per",
    type=click.Choice(SHARDS_PER),
    default="size",
    show_default=True,
    help="size: the graph cut every --size MB; organization: each organization's triples in files of its own, "
    "and what no single organization owns (roles, themes, overlaps across organizations …) in shared-*.nq.",
)
@click.option(
    "--size",
    "size_mb",
    type=click.FloatRange(0, min_open=True),
    default=100.0,
    show_default=True,
    help="Largest shard, in MB (per organization too: a larger one goes on in a next file).",
)
@click.option("--graph-iri", metavar="IRI", help="Put every triple in this named graph (default: the default graph).")
def shards(source: Path, out: Path, per: str, size_mb: float, graph_iri: str | None) -> None:
    """Write SOURCE (default out/org.ttl; or a store folder) as N-Quads shards of at most --size MB
    for a cluster's bulk loader, with manifest.json (each shard's quads and SHA-256, and with
    --per organization its organization) and SHA256SUMS."""
    from graph.shards import write_shards

    try:
        result = write_shards(source, out, size_mb=size_mb, graph_iri=graph_iri, per=per)
    except RolegraphError as e:
        raise _fail(e) from None
    of = f" of {result.organizations} organizations and shared" if per == "organization" else ""
    click.echo(f"{len(result.shards)} shards{of}, {result.quads} quads, in {out}")


@main.command()
@click.argument("graph_file", type=click.Path(path_type=Path), default=Path("out/org.ttl"))
def validate(graph_file: Path) -> None:
    """Check GRAPH_FILE (default out/org.ttl) against the contract's SHACL shapes; exit 1 on violations."""
    from graph.serialize import read_graph
    from graph.validate import check_graph

    try:
        check_graph(read_graph(graph_file))
    except RolegraphError as e:
        raise _fail(e) from None
    click.echo(f"{graph_file}: conforms to the contract's shapes")


@main.command()
@click.argument("role")
@click.option("--organization", help="Only posts of this organization: its heading, 第N篇, or its file name.")
@click.option(
    "--graph", "graph_file", type=click.Path(path_type=Path), default=Path("out/org.ttl"), show_default=True, help=GRAPH_HELP
)
@no_store_option
def show(role: str, organization: str | None, graph_file: Path, no_store: bool) -> None:
    """A role's posts and duties, its superiors and subordinates, with the evidence for each."""
    from graph.engine import open_engine
    from graph.explore import role_card
    from graph.queries import find_query, format_rows

    try:
        engine = open_engine(graph_file, use_store=not no_store, note=_note)
        duties, links = role_card(engine, role, organization=organization)
        _note_missing_terms(find_query("role-links").text, engine)
    except RolegraphError as e:
        raise _fail(e) from None
    click.echo(format_rows(duties.columns, duties.rows, "table"))
    click.echo(format_rows(links.columns, links.rows, "table"), nl=False)


@main.command()
@click.argument("role")
@click.option(
    "--graph", "graph_file", type=click.Path(path_type=Path), default=Path("out/org.ttl"), show_default=True, help=GRAPH_HELP
)
@no_store_option
def chain(role: str, graph_file: Path, no_store: bool) -> None:
    """The reporting chain from ROLE to the top, one line per path."""
    from graph.engine import open_engine
    from graph.explore import role_chains

    try:
        paths = role_chains(open_engine(graph_file, use_store=not no_store, note=_note), role)
    except RolegraphError as e:
        raise _fail(e) from None
    for path in paths:
        click.echo(" → ".join(path))


@main.command()
@click.option("--role", help="Only overlaps of this role (any of its names).")
@click.option("--organization", help="Only posts of this organization: its heading, 第N篇, or its file name.")
@click.option("--min-score", type=click.FloatRange(0, 1), default=0.0, show_default=True)
@click.option(
    "--graph", "graph_file", type=click.Path(path_type=Path), default=Path("out/org.ttl"), show_default=True, help=GRAPH_HELP
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@no_store_option
def overlaps(role: str | None, organization: str | None, min_score: float, graph_file: Path, fmt: str, no_store: bool) -> None:
    """Duties that two roles share, with both texts and the score."""
    from graph.engine import open_engine
    from graph.explore import role_overlaps
    from graph.queries import format_rows

    try:
        engine = open_engine(graph_file, use_store=not no_store, note=_note)
        table = role_overlaps(engine, role=role, min_score=min_score, organization=organization)
    except RolegraphError as e:
        raise _fail(e) from None
    click.echo(format_rows(table.columns, table.rows, fmt), nl=False)


@main.command("queries")
def list_queries() -> None:
    """List the bundled queries with what each answers."""
    import shutil
    import textwrap

    from graph.queries import bundled_queries

    width = max(60, min(shutil.get_terminal_size((100, 24)).columns, 120))
    for stored in bundled_queries():
        # the whole description, wrapped under itself: never cut mid-sentence
        lines = textwrap.wrap(stored.description, width - 29) or [""]
        click.echo(f"{stored.name:28} {lines[0]}")
        for line in lines[1:]:
            click.echo(" " * 29 + line)


def run(command: click.Command = main) -> None:
    """The console entry point (``rolegraph``; ``python build.py``): the command, then an exit
    that skips tearing the interpreter down. Freeing some 900 modules and the build's objects one
    by one took 0.25 s of a 1.9 s build, for nothing: by then every file is written and closed,
    the check's worker has stopped, and the output is flushed here. An exception that is not
    an exit goes up as usual, with its traceback."""
    try:
        command()
        code: int | str | None = 0
    except SystemExit as stop:
        code = stop.code
    logging.shutdown()
    if isinstance(code, str):  # sys.exit("message"): the message goes to stderr, status 1
        print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a pipe closed by its reader (rolegraph query … | head)
            pass
    os._exit(code or 0)


if __name__ == "__main__":  # pragma: no cover
    run()
