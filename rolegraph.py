"""The ``rolegraph`` command's entry point.

It lives outside the package ``graph`` on purpose: ``graph`` is a common top-level name, and when
``import graph`` finds another project's package (installed over ours, or earlier on sys.path),
the command says which one instead of failing with a traceback inside it.
"""

from __future__ import annotations

import sys


def foreign_graph_package() -> str | None:
    """Why the package ``import graph`` finds is not rolegraph's, or None when it is."""
    try:
        import graph
    except ImportError as e:
        return f"rolegraph: its package 'graph' cannot be imported ({e}); reinstall rolegraph"
    if getattr(graph, "__distribution__", None) == "rolegraph":
        return None
    where = getattr(graph, "__file__", None) or ", ".join(getattr(graph, "__path__", [])) or "?"
    from importlib.metadata import packages_distributions

    others = sorted(set(packages_distributions().get("graph", [])) - {"rolegraph"})
    owner = f"installed by {', '.join(others)}" if others else "of another project"
    remedy = f"pip uninstall {others[0]}" if others else "remove it from the path"
    return (
        f"rolegraph: 'import graph' finds {where}, a package {owner}, not rolegraph's: both use the "
        f"top-level name 'graph'. Install rolegraph in a virtual environment of its own (or pipx), or {remedy}."
    )


def run() -> None:
    problem = foreign_graph_package()
    if problem:
        sys.exit(problem)
    from graph.cli import run as run_command

    run_command()


if __name__ == "__main__":  # pragma: no cover
    run()
