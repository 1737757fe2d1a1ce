"""Build the graph from the bundled corpus (or the files given): ``python build.py [SOURCES]``."""

from graph.cli import build, main

if __name__ == "__main__":
    import sys

    if len(sys.argv) > 1 and sys.argv[1] in main.commands:
        main()
    else:
        build()
