"""Write N synthetic documents in the genre and beside it, seeded and deterministic.

``python bench/make_corpus.py N OUT_DIR [--seed S] [--classic] [--manifest FILE]``

By default most documents are dealership stores in the genre of the bundled corpus, and the
rest are documents of other layouts and industries, so that the benchmark meets what real
corpora hold:

- genre (dealership, Chinese): positions drawn from the bundled corpus's posts, named by any
  alias of their role; each store copies one of a few group templates and varies it (duties
  reworded, reordered, dropped; numbering styles; several duties on a line; forum noise;
  pinyin glosses); and now also unnamed positions (``门店各岗位职责``), name variants (the
  other script, a department prefix: ``销售部销售经理``), department headings (``一、销售部``)
  and damage: a character dropped in about one line of ten, often out of a ``(zé)`` gloss;
- genre of other industries (a hospital, a restaurant) in Chinese;
- field forms (``岗位名称：`` / ``所属部门：`` / ``直接上级：`` / ``岗位职责：`` and numbered duties);
- Markdown (``## Role`` / ``### Responsibilities`` / ``- `` bullets) and plain English job
  descriptions (``Job title:`` / ``Reports to:`` / ``Responsibilities:``), of the three industries.

``--classic`` writes what the generator wrote before (genre stores only, about 50 posts and 430
duties a document), byte for byte, so that older figures can be reproduced. ``--manifest`` writes
what was written (per file: layout, industry, and each post's heading and number of duties).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: bench.* importable

from bench.industries import ORGS_EN, ORGS_ZH, POSITIONS_EN, POSITIONS_ZH, SYNONYMS_EN, Position
from graph.clean import clean_source, load_corrections
from graph.model import Pack
from graph.pack import RoleBook, load_pack
from graph.paths import DEFAULT_CORPUS, DEFAULT_CORRECTIONS, DEFAULT_PACK
from graph.read.recognise import split_document
from graph.read.source import read_source
from graph.script import _s2t, normalize

POSTS_PER_STORE = 50
TEMPLATES = 6
SYNONYMS = [
    ("负责", "承担"),
    ("及时", "迅速"),
    ("定期", "按期"),
    ("做好", "落实"),
    ("提高", "提升"),
    ("客户", "顾客"),
    ("管理", "管控"),
    ("协调", "沟通协调"),
    ("工作", "事务"),
    ("检查", "检验"),
]
GLOSSES = {"負": "fù", "責": "zé", "務": "wù", "經": "jīng", "理": "lǐ", "導": "dǎo", "職": "zhí"}
DAMAGED = "當(dāng)?shù)氐氖袌稣加新?"  # a span as the scrape left it: GBK bytes shifted by one
NOISE = ["2008-4-10 16:22 回復(fù)", "車市名片", "0位粉絲", "{n}樓", "221.218.150.* {n}樓"]
CN = "一二三四五六七八九十"
# headings of a position that give no name: the reader must infer one (relate.infer_unnamed)
UNNAMED = ["门店各岗位职责", "岗位职责", "本岗位职责", "其他岗位职责", "各岗位职责"]
# headings of a department, above its positions
DEPARTMENT_STYLES = ["{cn}、{dept}", "第{cn}部分 {dept}", "【{dept}】", "{dept}岗位职责汇编"]
# share of the documents by layout (the rest is the dealership genre)
LAYOUTS = [("genre", 0.70), ("genre-other", 0.06), ("form", 0.10), ("markdown", 0.07), ("english", 0.07)]
UNNAMED_SHARE = 0.08
DAMAGE_SHARE = 0.1  # of the lines of a damaged document, one character dropped


@dataclass
class Written:
    """One file the generator wrote, as it wrote it: what a reader should find in it."""

    file: str
    layout: str
    industry: str
    posts: list[tuple[str, int]] = field(default_factory=list)  # (heading as written, '' if unnamed; duties)


def numbered_lines(duties: list[str], style: str, rng: random.Random) -> list[str]:
    """Duties numbered in one style, now and then two to a line (as stores copy them)."""
    numbered = [style.format(n=n, cn=chinese(n)) + d for n, d in enumerate(duties, start=1)]
    lines: list[str] = []
    while numbered:
        take = 2 if len(numbered) > 1 and rng.random() < 0.05 else 1
        lines.append(" ".join(numbered[:take]))
        numbered = numbered[take:]
    return lines


def chinese(n: int) -> str:
    return CN[n - 1] if n <= 10 else ("十" if n < 20 else CN[n // 10 - 1] + "十") + (CN[n % 10 - 1] if n % 10 else "")


def source_posts() -> list[tuple[str, list[str]]]:
    """(role name, duties in Simplified) of every post of the bundled corpus."""
    doc = split_document(clean_source(read_source(DEFAULT_CORPUS), corrections=load_corrections(DEFAULT_CORRECTIONS)))
    book = RoleBook(load_pack(DEFAULT_PACK))
    found = []
    for org in doc.organizations:
        for post in org.posts:
            role = book.resolve(normalize(post.name), default_rank=7) if post.name else None
            if role is not None:
                found.append((role.key, [normalize(d.text) for d in post.duties]))
    return found


def reword(duty: str, rng: random.Random, synonyms: list[tuple[str, str]] = SYNONYMS) -> str:
    for old, new in rng.sample(synonyms, 2):
        if old in duty:
            duty = duty.replace(old, new, 1)
    return duty


def make_templates(posts: list[tuple[str, list[str]]], rng: random.Random) -> list[list[tuple[str, list[str]]]]:
    templates = []
    for _ in range(TEMPLATES):
        chosen = [rng.choice(posts) for _ in range(POSTS_PER_STORE)]
        templates.append([(role, [reword(d, rng) if rng.random() < 0.3 else d for d in duties]) for role, duties in chosen])
    return templates


def store_text(index: int, template: list[tuple[str, list[str]]], names: dict[str, list[str]], rng: random.Random) -> str:
    """A store as the classic generator wrote it (``--classic``): kept unchanged, byte for byte."""
    traditional = rng.random() < 0.7
    style = rng.choice(["{cn}、", "{n}、", "{n}.", "{n}..", "{n}"])
    lines = [f"第{chinese(index % 99 + 1)}篇:汽车4S店第{index}店各岗位职责"]
    for role, duties in template:
        duties = [reword(d, rng) if rng.random() < 0.1 else d for d in duties if rng.random() > 0.05]
        if len(duties) > 2 and rng.random() < 0.2:
            i = rng.randrange(len(duties) - 1)
            duties[i], duties[i + 1] = duties[i + 1], duties[i]
        if not duties:
            continue
        lines.append(rng.choice(names[role]) + "岗位职责")
        lines.extend(numbered_lines(duties, style, rng))
        if rng.random() < 0.3:
            lines.extend(line.format(n=rng.randrange(2, 40)) for line in NOISE)
    text = "\n".join(lines) + "\n"
    if traditional:
        text = str(_s2t().convert(text))
        text = "".join(ch + f"({GLOSSES[ch]})" if ch in GLOSSES and rng.random() < 0.2 else ch for ch in text)
        if rng.random() < 0.05:
            text = text.replace("市場", DAMAGED, 1)
    return text


# --- the new generator ----------------------------------------------------------------------


@dataclass(frozen=True)
class Dealership:
    """What the generator knows of dealership positions: names, departments and superiors."""

    names: dict[str, list[str]]  # role key: its name and aliases
    department: dict[str, str]  # role key: its department's Chinese name
    superior: dict[str, str]  # role key: the Chinese name of the role above it


def dealership(pack: Pack, keys: list[str]) -> Dealership:
    roles = {r.key: r for r in pack.roles}
    departments = {d.key: d.zh for d in pack.departments}
    superior = {}
    for key in keys:
        role = roles[key]
        above = [r for r in pack.roles if r.department == role.department and r.rank < role.rank]
        superior[key] = max(above, key=lambda r: (r.rank, r.key)).zh if above else "总经理"
    return Dealership(
        names={key: [roles[key].zh, *roles[key].aliases] for key in keys},
        department={key: departments.get(roles[key].department, "管理层") for key in keys},
        superior=superior,
    )


def damage(lines: list[str], rng: random.Random, share: float = DAMAGE_SHARE) -> list[str]:
    """Drop one character from about ``share`` of the lines; out of a gloss ``(zé)`` half the time."""
    damaged = []
    for line in lines:
        if len(line) > 3 and rng.random() < share:
            glosses = [i for i, ch in enumerate(line) if ch in "()"]
            i = rng.choice(glosses) if glosses and rng.random() < 0.5 else rng.randrange(len(line))
            line = line[:i] + line[i + 1 :]
        damaged.append(line)
    return damaged


def vary_duties(duties: list[str], rng: random.Random, synonyms: list[tuple[str, str]] = SYNONYMS) -> list[str]:
    """Duties reworded now and then, a few dropped, two neighbours swapped in one post of five."""
    duties = [reword(d, rng, synonyms) if rng.random() < 0.1 else d for d in duties if rng.random() > 0.05]
    if len(duties) > 2 and rng.random() < 0.2:
        i = rng.randrange(len(duties) - 1)
        duties[i], duties[i + 1] = duties[i + 1], duties[i]
    return duties


def genre_name(name: str, department: str, traditional: bool, rng: random.Random) -> tuple[str, bool]:
    """A position's name as a document writes it, and whether it is in the other script already."""
    if rng.random() < 0.1 and not name.startswith(department[:2]):
        name = department + name  # 销售部销售经理
    if rng.random() < 0.1:
        return (name if traditional else str(_s2t().convert(name))), True
    return name, False


def genre_text(title: str, posts: list[tuple[str, str, list[str]]], rng: random.Random, written: Written) -> str:
    """A document in the genre of the bundled corpus from (name, department, duties) triples;
    a name '' is an unnamed position. Records each post's heading and duties in ``written``."""
    traditional = rng.random() < 0.7
    style = rng.choice(["{cn}、", "{n}、", "{n}.", "{n}..", "{n}"])
    heading = None
    if rng.random() < 0.5:
        heading = rng.choice([s for s in DEPARTMENT_STYLES if not (style == "{cn}、" and s.startswith("{cn}"))])
        order = list(dict.fromkeys(dept for _, dept, _ in posts))
        posts = sorted(posts, key=lambda p: order.index(p[1]))
    lines, keep = [title], set()
    department, departments = "", 0
    for name, dept, duties in posts:
        duties = vary_duties(duties, rng)
        if not duties:
            continue
        if heading is not None and dept != department:
            department, departments = dept, departments + 1
            lines.append(heading.format(cn=chinese(departments), dept=dept))
        if not name or rng.random() < UNNAMED_SHARE:
            post_heading, other_script = rng.choice(UNNAMED), False
            written.posts.append(("", len(duties)))
        else:
            name, other_script = genre_name(name, dept, traditional, rng)
            post_heading = name + "岗位职责"
            written.posts.append((post_heading, len(duties)))
        if other_script:
            keep.add(len(lines))
        lines.append(post_heading)
        lines.extend(numbered_lines(duties, style, rng))
        if rng.random() < 0.3:
            lines.extend(line.format(n=rng.randrange(2, 40)) for line in NOISE)
    if traditional:
        converted = str(_s2t().convert("\n".join(lines))).split("\n")
        lines = [line if i in keep else gloss(converted[i], rng) for i, line in enumerate(lines)]
        hit = [i for i, line in enumerate(lines) if "市場" in line][:1] if rng.random() < 0.05 else []
        for i in hit:
            lines[i] = lines[i].replace("市場", DAMAGED, 1)
    return "\n".join(damage(lines, rng)) + "\n"


def gloss(line: str, rng: random.Random) -> str:
    """Pinyin after a few characters, as the scrape of the genre has them: 負(fù)責(zé)."""
    return "".join(ch + f"({GLOSSES[ch]})" if ch in GLOSSES and rng.random() < 0.2 else ch for ch in line)


def dealership_store(
    index: int, template: list[tuple[str, list[str]]], known: Dealership, rng: random.Random, written: Written
) -> str:
    posts = [(rng.choice(known.names[role]), known.department[role], list(duties)) for role, duties in template]
    return genre_text(f"第{chinese(index % 99 + 1)}篇:汽车4S店第{index}店各岗位职责", posts, rng, written)


def pick(positions: tuple[Position, ...], rng: random.Random, low: int = 8, high: int = 24) -> list[Position]:
    """Between ``low`` and ``high`` positions, each at least once when there are enough."""
    count = rng.randint(low, high)
    chosen = list(positions[:count]) + [rng.choice(positions) for _ in range(count - len(positions))]
    rng.shuffle(chosen)
    return chosen


def other_industry(index: int, industry: str, rng: random.Random, written: Written) -> str:
    org = rng.choice(ORGS_ZH[industry])
    posts = [(p.name, p.department, list(p.duties)) for p in pick(POSITIONS_ZH[industry], rng)]
    return genre_text(
        f"{org}第{index}分院各岗位职责" if industry == "hospital" else f"{org}第{index}店岗位职责", posts, rng, written
    )


def form_text(index: int, positions: list[Position], rng: random.Random, written: Written) -> str:
    """Field forms in Chinese, one block a position: 岗位名称 / 所属部门 / 直接上级 / 岗位职责."""
    colon = rng.choice(["：", "：", ":"])
    number = rng.choice(["{n}、", "{n}.", "（{n}）"])
    lines = [f"第{index}号单位岗位说明书", ""]
    for position in positions:
        duties = vary_duties(list(position.duties), rng) or list(position.duties[:1])
        lines += [f"岗位名称{colon}{position.name}", f"所属部门{colon}{position.department}"]
        if rng.random() < 0.8:
            lines.append(f"直接上级{colon}{position.superior}")
        lines.append(f"岗位职责{colon}")
        lines += [number.format(n=n) + d for n, d in enumerate(duties, start=1)]
        lines.append("")
        written.posts.append((position.name, len(duties)))
    return "\n".join(lines)


def dealership_positions(template: list[tuple[str, list[str]]], known: Dealership, rng: random.Random) -> list[Position]:
    chosen = rng.sample(template, rng.randint(8, 24))
    return [Position(rng.choice(known.names[r]), known.department[r], known.superior[r], tuple(d)) for r, d in chosen]


def markdown_text(org: str, positions: list[Position], rng: random.Random, written: Written) -> str:
    """Markdown: ``## Role``, its fields in bold, ``### Responsibilities`` and ``- `` bullets."""
    lines = [f"# {org}: job descriptions", ""]
    for position in positions:
        duties = vary_duties(list(position.duties), rng, SYNONYMS_EN) or list(position.duties[:1])
        lines += [f"## {position.name}", ""]
        if rng.random() < 0.7:
            lines += [f"**Department:** {position.department}", "", f"**Reports to:** {position.superior}", ""]
        lines += [rng.choice(["### Responsibilities", "### Key responsibilities", "### Duties"]), ""]
        lines += [f"{rng.choice('-*')} {d}" for d in duties]
        lines.append("")
        written.posts.append((position.name, len(duties)))
    return "\n".join(lines)


def english_text(org: str, positions: list[Position], rng: random.Random, written: Written) -> str:
    """Plain English job descriptions: ``Job title:`` / ``Reports to:`` / ``Responsibilities:``."""
    number = rng.choice(["{n}. ", "{n}) ", "- "])
    lines = [f"{org} Job Descriptions", ""]
    for position in positions:
        duties = vary_duties(list(position.duties), rng, SYNONYMS_EN) or list(position.duties[:1])
        lines.append(f"Job title: {position.name}")
        if rng.random() < 0.7:
            lines.append(f"Department: {position.department}")
        lines += [f"Reports to: {position.superior}", "Responsibilities:"]
        lines += [number.format(n=n) + d for n, d in enumerate(duties, start=1)]
        lines.append("")
        written.posts.append((position.name, len(duties)))
    return "\n".join(lines)


def layout_of(rng: random.Random, only: tuple[str, ...] = ()) -> str:
    shares = [(name, share) for name, share in LAYOUTS if not only or name in only]
    return rng.choices([name for name, _ in shares], weights=[share for _, share in shares])[0]


def industry_of(layout: str, rng: random.Random) -> str:
    if layout == "genre":
        return "dealership"
    if layout == "genre-other":
        return rng.choice(["hospital", "restaurant"])
    if layout == "form" and rng.random() < 0.6:
        return "dealership"
    return rng.choice(["hospital", "restaurant"] if layout == "form" else ["dealership", "hospital", "restaurant"])


def new_document(
    index: int, templates: list[list[tuple[str, list[str]]]], known: Dealership, rng: random.Random, only: tuple[str, ...] = ()
) -> tuple[str, str, Written]:
    """(file name, text, what was written) of document ``index``, of one of the layouts ``only`` (all if empty)."""
    layout = layout_of(rng, only)
    industry = industry_of(layout, rng)
    stem = f"store-{index:04d}"
    if layout == "genre":
        written = Written(f"{stem}.txt", layout, industry)
        return written.file, dealership_store(index, rng.choice(templates), known, rng, written), written
    if layout == "genre-other":
        written = Written(f"{stem}.txt", layout, industry)
        return written.file, other_industry(index, industry, rng, written), written
    if layout == "form":
        written = Written(f"{stem}.txt", layout, industry)
        if industry == "dealership":
            positions = dealership_positions(rng.choice(templates), known, rng)
        else:
            positions = pick(POSITIONS_ZH[industry], rng)
        return written.file, form_text(index, positions, rng, written), written
    org = f"{rng.choice(ORGS_EN[industry])} {index}"
    positions = pick(POSITIONS_EN[industry], rng, 5, 16)
    if layout == "markdown":
        written = Written(f"{stem}.md", layout, industry)
        return written.file, markdown_text(org, positions, rng, written), written
    written = Written(f"{stem}.txt", layout, industry)
    return written.file, english_text(org, positions, rng, written), written


def generate(count: int, out: Path, seed: int = 7, classic: bool = False, layouts: tuple[str, ...] = ()) -> list[Written]:
    """Write ``count`` documents into ``out`` (of the ``layouts`` only, if given); what each holds, as written."""
    rng = random.Random(seed)
    posts = source_posts()
    pack = load_pack(DEFAULT_PACK)
    book = RoleBook(pack)
    names = {key: [book.roles[key].zh, *book.roles[key].aliases] for key, _ in posts}
    templates = make_templates(posts, rng)
    known = dealership(pack, sorted(names))
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for index in range(1, count + 1):
        if classic:
            name, text = f"store-{index:04d}.txt", store_text(index, rng.choice(templates), names, rng)
            written.append(Written(name, "classic", "dealership"))
        else:
            name, text, what = new_document(index, templates, known, rng, layouts)
            written.append(what)
        (out / name).write_text(text, encoding="utf-8")
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--classic", action="store_true", help="the generator's old output: genre stores only")
    parser.add_argument("--manifest", type=Path, help="write what was written (JSON) to this file")
    parser.add_argument("--layouts", nargs="*", default=[], choices=[name for name, _ in LAYOUTS], help="only these layouts")
    args = parser.parse_args()
    written = generate(args.count, args.out, args.seed, args.classic, tuple(args.layouts))
    if args.manifest:
        args.manifest.write_text(json.dumps([asdict(w) for w in written], ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    layouts = {w.layout for w in written}
    counts = ", ".join(f"{sum(w.layout == layout for w in written)} {layout}" for layout in sorted(layouts))
    print(f"{args.count} documents in {args.out} ({counts})")


if __name__ == "__main__":
    main()
