"""Measure the reader against what the benchmark's generator wrote.

``python bench/agreement.py COUNT [--seed S]`` generates COUNT documents with
``bench/make_corpus.py`` (every layout), reads each one alone (read, clean, split: no build) and
compares, document by document, the posts found with the posts the generator wrote (its
``Written`` records: each heading and its number of duties):

- posts, and their duties: how many the generator wrote, how many the reader found;
- same count: documents with as many posts as were written;
- exact: documents whose posts have, in order, the numbers of duties written;
- departments: posts found that carry a department.

One row per layout and industry, and a TOTAL row. The genre's documents are damaged on purpose
(a character dropped in one line of ten, glosses cut): a heading that lost a character of its
suffix is not read, so they do not agree exactly; the plain layouts should.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path

from bench.make_corpus import Written, generate
from graph.clean import clean_source
from graph.errors import RolegraphError
from graph.read.recognise import split_document
from graph.read.source import read_source


@dataclass
class Agreement:
    documents: int = 0
    written: int = 0
    found: int = 0
    duties_written: int = 0
    duties_found: int = 0
    same_count: int = 0
    exact: int = 0
    with_department: int = 0
    refused: list[str] = field(default_factory=list)  # why the reader refused a document, each

    def add(self, other: Agreement) -> None:
        """Add ``other``'s counts and reasons to these."""
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


def compare(folder: Path, written: Written) -> Agreement:
    """What the reader finds in one generated document, beside what was written in it."""
    wanted = [duties for _, duties in written.posts]
    try:
        doc = split_document(clean_source(read_source(folder / written.file)))
    except RolegraphError as e:
        return Agreement(documents=1, written=len(wanted), duties_written=sum(wanted), refused=[str(e)])
    posts = [post for org in doc.organizations for post in org.posts]
    found = [len(post.duties) for post in posts]
    return Agreement(
        documents=1,
        written=len(wanted),
        found=len(found),
        duties_written=sum(wanted),
        duties_found=sum(found),
        same_count=int(len(found) == len(wanted)),
        exact=int(found == wanted),
        with_department=sum(1 for post in posts if post.department),
    )


def agreement(folder: Path, written: Iterable[Written]) -> dict[tuple[str, str], Agreement]:
    rows: dict[tuple[str, str], Agreement] = {}
    for w in written:
        rows.setdefault((w.layout, w.industry), Agreement()).add(compare(folder, w))
    return dict(sorted(rows.items()))


def format_table(rows: dict[tuple[str, str], Agreement]) -> str:
    total = Agreement()
    for row in rows.values():
        total.add(row)
    lines = [
        "| layout | industry | documents | posts written | posts found | duties written | duties found "
        "| same count | exact | with department |"
    ]
    lines.append("|---|---|---|---|---|---|---|---|---|---|")
    for (layout, industry), row in [*rows.items(), (("TOTAL", ""), total)]:
        lines.append(
            f"| {layout} | {industry} | {row.documents} | {row.written:,} | {row.found:,} | "
            f"{row.duties_written:,} | {row.duties_found:,} | "
            f"{row.same_count} | {row.exact} | {row.with_department:,} |"
        )
    if total.refused:
        lines.append(f"{len(total.refused)} documents refused by the reader:")
        lines += [f"- {why}" for why in total.refused]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("count", type=int, help="documents to generate")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="rolegraph-agreement-") as scratch:
        folder = Path(scratch)
        written = generate(args.count, folder, args.seed)
        rows = agreement(folder, written)
    print(f"{args.count} generated documents, seed {args.seed}: the reader against what was written")
    print(format_table(rows))
    counts = Counter(w.layout for w in written)
    print("layouts: " + ", ".join(f"{n} {layout}" for layout, n in sorted(counts.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
