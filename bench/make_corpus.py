"""Write N synthetic dealership documents in the genre, seeded and deterministic.

``python bench/make_corpus.py N OUT_DIR [--seed S]``

Positions are drawn from the bundled corpus's posts and named by any alias of their role;
each store copies one of a few group templates and varies it: duties reworded (synonyms),
reordered, dropped or borrowed from another post; numbering styles of the genre; several
duties run together on a line; forum noise; pinyin glosses and now and then a damaged span.
About 50 posts and 430 duties a document.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from graph.clean import clean_source, load_corrections
from graph.pack import RoleBook, load_pack
from graph.paths import DEFAULT_CORPUS, DEFAULT_CORRECTIONS, DEFAULT_PACK
from graph.read.recognise import split_document
from graph.script import _s2t, normalize
from graph.source import read_source

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


def reword(duty: str, rng: random.Random) -> str:
    for old, new in rng.sample(SYNONYMS, 2):
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
        numbered = [style.format(n=n, cn=chinese(n)) + d for n, d in enumerate(duties, start=1)]
        while numbered:
            take = 2 if len(numbered) > 1 and rng.random() < 0.05 else 1
            lines.append(" ".join(numbered[:take]))
            numbered = numbered[take:]
        if rng.random() < 0.3:
            lines.extend(line.format(n=rng.randrange(2, 40)) for line in NOISE)
    text = "\n".join(lines) + "\n"
    if traditional:
        text = str(_s2t().convert(text))
        text = "".join(ch + f"({GLOSSES[ch]})" if ch in GLOSSES and rng.random() < 0.2 else ch for ch in text)
        if rng.random() < 0.05:
            text = text.replace("市場", DAMAGED, 1)
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    posts = source_posts()
    book = RoleBook(load_pack(DEFAULT_PACK))
    names = {key: [book.roles[key].zh, *book.roles[key].aliases] for key, _ in posts}
    templates = make_templates(posts, rng)
    args.out.mkdir(parents=True, exist_ok=True)
    for index in range(1, args.count + 1):
        text = store_text(index, rng.choice(templates), names, rng)
        (args.out / f"store-{index:04d}.txt").write_text(text, encoding="utf-8")
    print(f"{args.count} documents in {args.out}")


if __name__ == "__main__":
    main()
