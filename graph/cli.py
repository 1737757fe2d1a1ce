"""The command line: each command parses options, calls one graph.* function, reports errors."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from graph import __version__
from graph.errors import RolegraphError
from graph.paths import DEFAULT_CORPUS, DEFAULT_CORRECTIONS, DEFAULT_PACK


def _fail(error: RolegraphError) -> click.ClickException:
    return click.ClickException(str(error))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
    default=DEFAULT_PACK,
    show_default=True,
    help="Knowledge pack (roles, departments, themes).",
)
@click.option(
    "--corrections",
    type=click.Path(path_type=Path),
    default=DEFAULT_CORRECTIONS,
    show_default=True,
    help="Corrections file for damaged text.",
)
@click.option("--no-corrections", is_flag=True, help="Repair damaged text from the bytes alone.")
@click.option("--threshold", type=float, default=None, help="Similarity in (0,1] above which two duties say the same thing.")
@click.option("--max-size", type=float, default=20.0, show_default=True, help="Largest input file, in MB.")
@click.option("--no-validate", is_flag=True, help="Skip the SHACL check of the built graph.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
def build(
    sources: tuple[Path, ...],
    out: Path,
    pack: Path,
    corrections: Path,
    no_corrections: bool,
    threshold: float | None,
    max_size: float,
    no_validate: bool,
    quiet: bool,
) -> None:
    """Build the graph, page, overlaps table and report from SOURCES (default: the bundled corpus).

    SOURCES are .txt/.md files (UTF-8, GB18030/GBK, Big5), .docx files or folders of them.
    """
    from graph.overlaps import DEFAULT_THRESHOLD
    from graph.pipeline import BuildOptions
    from graph.pipeline import build as run_build

    options = BuildOptions(
        sources=sources or (DEFAULT_CORPUS,),
        out=out,
        pack=pack,
        corrections=None if no_corrections else corrections,
        threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
        max_bytes=int(max_size * 1024 * 1024),
        validate=not no_validate,
    )
    progress = (lambda _: None) if quiet else (lambda stage: click.echo(f"… {stage}", err=True))
    try:
        result = run_build(options, progress=progress)
    except RolegraphError as e:
        raise _fail(e) from None
    if quiet:
        return
    counts = result.report["counts"]
    click.echo(
        f"{counts['organizations']} organizations, {counts['posts']} posts, {counts['duties']} duties, "
        f"{counts['roles']} roles, {counts['overlaps']} overlaps, {counts['triples']} triples"
    )
    for warning in result.report["warnings"][:10]:
        click.echo(f"warning: {warning}", err=True)
    if len(result.report["warnings"]) > 10:
        click.echo(f"warning: … {len(result.report['warnings']) - 10} more in build-report.json", err=True)
    for path in result.files:
        click.echo(str(path))


@main.command()
@click.argument("name_or_file")
@click.option("--graph", "graph_file", type=click.Path(path_type=Path), default=Path("out/org.ttl"), show_default=True)
@click.option("--bind", "binds", multiple=True, metavar="VAR=VALUE", help="Bind a query variable (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table", show_default=True)
@click.option("-e", "--expression", "is_text", is_flag=True, help="NAME_OR_FILE is SPARQL text.")
def query(name_or_file: str, graph_file: Path, binds: tuple[str, ...], fmt: str, is_text: bool) -> None:
    """Run a bundled query (by name), a .rq file, or SPARQL text (-e) on the built graph."""
    from graph.queries import find_query, format_rows, parse_bindings, run_query
    from graph.serialize import read_graph

    try:
        text = name_or_file if is_text else find_query(name_or_file).text
        columns, rows = run_query(read_graph(graph_file), text, parse_bindings(binds))
    except RolegraphError as e:
        raise _fail(e) from None
    click.echo(format_rows(columns, rows, fmt), nl=False)


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


@main.command("queries")
def list_queries() -> None:
    """List the bundled queries with what each answers."""
    from graph.queries import bundled_queries

    for stored in bundled_queries():
        click.echo(f"{stored.name:28} {stored.description}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
