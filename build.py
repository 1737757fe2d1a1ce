"""Build the graph from the bundled corpus (or the files given): ``python build.py [SOURCES]``."""

from graph.cli import build, main, run

if __name__ == "__main__":
    import sys

    run(main if len(sys.argv) > 1 and sys.argv[1] in main.commands else build)
