"""Render the interactive org-graph page: pyvis builds the network, our template the tool around it.

The page opens from disk with no network: vis-network's script and style are inlined from the
pyvis package, and every text from the sources travels as JSON and reaches the page as text.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import jinja2
import orjson
import pyvis
from pyvis.network import Network

from graph.model import OrgModel
from graph.paths import TEMPLATES_DIR
from graph.relate import summary_id

VIS_DIR = Path(pyvis.__file__).resolve().parent / "lib" / "vis-9.1.2"
PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac")
SHARED_COLOUR = "#d4a017"
# Past these, the page lists the first posts and overlaps of a role and counts the rest:
# a dealer group's 50,000 posts stay in the graph and in 'rolegraph show', not in the page.
MAX_POSTS_PER_ROLE = 25
# Past this many roles the page places them in Python (a grid per department) and draws
# without physics or the hierarchical layout, which vis.js cannot run on thousands of nodes.
LARGE = 300
MAX_SHARED_PER_ROLE = 40


def render_page(model: OrgModel) -> str:
    """The whole HTML page as a string."""
    data = page_data(model)
    net = _network(model, data)
    nodes, edges, *_ = net.get_network_data()
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES_DIR), autoescape=True)
    template = env.get_template("org-graph.html")
    payload = {"nodes": nodes, "edges": edges, "large": len(data["roles"]) > LARGE, **data}
    return template.render(
        title="rolegraph · 岗位图谱",
        vis_js=jinja2.utils.markupsafe.Markup(_script_safe((VIS_DIR / "vis-network.min.js").read_text(encoding="utf-8"))),
        vis_css=jinja2.utils.markupsafe.Markup((VIS_DIR / "vis-network.css").read_text(encoding="utf-8")),
        data_json=jinja2.utils.markupsafe.Markup(to_script_json(payload)),
    )


def to_script_json(value: Any) -> str:
    """JSON that is safe inside a <script> element: no '<', '>' or '&' left unescaped."""
    text = orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text


def _script_safe(js: str) -> str:
    return js.replace("</script", "<\\/script")


def page_data(model: OrgModel) -> dict[str, Any]:
    """What the side panel, filters and matrix show, keyed by role."""
    roles = {r.key: r for r in model.roles}
    depts = {d.key: d for d in model.departments}
    themes = {t.key: t for t in model.themes}
    orgs = {o.id: o for o in model.organizations}
    duty_text = {d.id: (d.label, d.line, p) for p in model.posts for d in p.duties}
    duty_text.update({summary_id(p): (p.summary or "", p.summary_line or p.line, p) for p in model.posts if p.summary})
    role_posts: dict[str, list[dict[str, Any]]] = defaultdict(list)  # the first MAX_POSTS_PER_ROLE
    post_count: Counter[str] = Counter()
    written: dict[str, set[str]] = defaultdict(set)
    matrix: dict[str, dict[str, int]] = defaultdict(dict)
    for count in model.theme_counts:
        matrix[count.role][count.theme] = count.duties
    for post in model.posts:
        if not post.name_inferred:
            written[post.role].add(post.name_written)
        post_count[post.role] += 1
        if post_count[post.role] > MAX_POSTS_PER_ROLE:  # counted, not listed
            continue
        role_posts[post.role].append(
            {
                "id": post.id,
                "label": post.label,
                "written": post.name_written,
                "line": post.line,
                "org": orgs[post.org_id].heading,
                "inferred": post.name_inferred,
                "duties": [
                    {
                        "n": d.ordinal,
                        "line": d.line,
                        "text": d.label,
                        "themes": [themes[t].zh for t in d.themes],
                        "boilerplate": d.boilerplate,
                    }
                    for d in post.duties
                ],
            }
        )
    ups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    downs: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for line in model.reporting:
        sub, sup = model.role_of(line.subordinate), model.role_of(line.superior)
        text, where, post = duty_text.get(line.evidence, ("", 0, None))  # type: ignore[arg-type,assignment]
        entry = {
            "basis": line.basis,
            "cue": line.cue,
            "text": text,
            "line": where,
            "org": orgs[post.org_id].heading if post else "",
        }
        ups[sub].append({"role": sup, **entry})
        downs[sup].append({"role": sub, **entry})
    # the overlaps of each role as (score, order, index, mine-is-a): the panel lists the best, in a stable order
    sides: dict[str, list[tuple[float, int, bool]]] = defaultdict(list)
    for index, o in enumerate(model.overlaps):
        sides[duty_text[o.duty_a][2].role].append((o.score, index, True))
        sides[duty_text[o.duty_b][2].role].append((o.score, index, False))
    shared = {role: _shared_entries(model, duty_text, found) for role, found in sides.items()}
    used = sorted({p.role for p in model.posts} | set(ups) | set(downs))
    return {
        "roles": {
            key: _capped(
                {
                    "zh": roles[key].zh,
                    "en": roles[key].en,
                    "aliases": list(roles[key].aliases) + sorted(written[key]),
                    "dept": roles[key].department,
                    "rank": roles[key].rank,
                    "posts": (role_posts[key], post_count[key]),
                    "themes": dict(sorted(matrix[key].items())),
                    "superiors": ups[key],
                    "subordinates": downs[key],
                    "shared": shared.get(key, ([], 0)),
                }
            )
            for key in used
        },
        "departments": {d.key: {"zh": d.zh, "en": d.en, "colour": _colour(model, d.key)} for d in depts.values()},
        "themes": {t.key: {"zh": t.zh, "en": t.en} for t in model.themes},
    }


def _shared_entries(
    model: OrgModel, duty_text: dict[str, tuple[str, int, Any]], found: list[tuple[float, int, bool]]
) -> tuple[list[dict[str, Any]], int]:
    """The role's best overlaps (highest score first, ties in model order), and how many there are."""
    best = heapq.nsmallest(MAX_SHARED_PER_ROLE, found, key=lambda f: (-f[0], f[1]))
    entries = []
    for score, index, mine_is_a in best:
        o = model.overlaps[index]
        (ta, la, pa), (tb, lb, pb) = duty_text[o.duty_a], duty_text[o.duty_b]
        if mine_is_a:
            entries.append({"role": pb.role, "score": score, "mine": ta, "mineLine": la, "theirs": tb, "theirsLine": lb})
        else:
            entries.append({"role": pa.role, "score": score, "mine": tb, "mineLine": lb, "theirs": ta, "theirsLine": la})
    return entries, len(found)


def _capped(role: dict[str, Any]) -> dict[str, Any]:
    """The first posts and the best overlaps of a role for the panel, and how many the rest are."""
    (posts, post_count), (shared, shared_count) = role["posts"], role["shared"]
    return {
        **role,
        "posts": posts,
        "morePosts": max(0, post_count - MAX_POSTS_PER_ROLE),
        "shared": shared,
        "moreShared": max(0, shared_count - MAX_SHARED_PER_ROLE),
        "postCount": post_count,
    }


def _colour(model: OrgModel, dept: str) -> str:
    keys = [d.key for d in model.departments]
    return PALETTE[keys.index(dept) % len(PALETTE)]


def _grid(data: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """Positions for a large page: departments side by side, each a block of its roles."""
    by_dept: dict[str, list[str]] = defaultdict(list)
    for key, role in data["roles"].items():
        by_dept[role["dept"]].append(key)
    positions: dict[str, tuple[int, int]] = {}
    left = 0
    for dept in sorted(by_dept):
        keys = sorted(by_dept[dept], key=lambda k: (data["roles"][k]["rank"], k))
        width = max(1, int(math.sqrt(len(keys))))
        for i, key in enumerate(keys):
            positions[key] = (left + (i % width) * 90, (i // width) * 70)
        left += width * 90 + 200
    return positions


def _network(model: OrgModel, data: dict[str, Any]) -> Network:
    net = Network(directed=True, cdn_resources="in_line")
    grid = _grid(data) if len(data["roles"]) > LARGE else {}
    for key, role in data["roles"].items():
        duties = sum(len(p["duties"]) for p in role["posts"]) * role["postCount"] // max(1, len(role["posts"]))
        net.add_node(
            f"role:{key}",
            label=role["zh"],
            shape="dot",
            size=8 + 4 * math.sqrt(duties),
            color=data["departments"][role["dept"]]["colour"],
            kind="role",
            key=key,
            dept=role["dept"],
            labelZh=role["zh"],
            labelEn=role["en"],
            level=role["rank"],
            duties=duties,
            **({"x": grid[key][0], "y": grid[key][1], "physics": False} if key in grid else {}),
        )
    for key, dept in data["departments"].items():
        net.add_node(
            f"dept:{key}",
            label=dept["zh"],
            shape="box",
            color=dept["colour"],
            kind="department",
            key=key,
            dept=key,
            labelZh=dept["zh"],
            labelEn=dept["en"],
            hidden=True,
            level=0,
        )
    for key, theme in data["themes"].items():
        net.add_node(
            f"theme:{key}",
            label=theme["zh"],
            shape="diamond",
            color="#888888",
            kind="theme",
            key=key,
            labelZh=theme["zh"],
            labelEn=theme["en"],
            hidden=True,
            level=8,
        )
    for key, role in data["roles"].items():
        net.add_edge(f"role:{key}", f"dept:{role['dept']}", kind="department", hidden=True, color="#cccccc", arrows="")
        for theme in role["themes"]:
            net.add_edge(f"role:{key}", f"theme:{theme}", kind="theme", hidden=True, color="#dddddd", arrows="", theme=theme)
    reports: dict[tuple[str, str], set[str]] = defaultdict(set)
    for key, role in data["roles"].items():
        for up in role["superiors"]:
            if up["role"] != key:
                reports[(key, up["role"])].add(up["basis"])
    for (sub, sup), bases in sorted(reports.items()):
        net.add_edge(
            f"role:{sub}",
            f"role:{sup}",
            kind="reports",
            arrows="to",
            dashes="explicit" not in bases,
            color="#333333",
            basis="explicit" if "explicit" in bases else "inferred",
            width=2,
        )
    # from every overlap, not the panel's best few: a pair of roles whose overlaps all rank low
    # in both their lists still shares duties
    best: dict[tuple[str, str], float] = {}
    owner = model.duty_owner  # overlaps are between duties (find_overlaps compares nothing else)
    for o in model.overlaps:
        a, b = sorted((owner[o.duty_a].role, owner[o.duty_b].role))
        if a != b:
            best[(a, b)] = max(best.get((a, b), 0), o.score)
    for (a, b), score in sorted(best.items()):
        net.add_edge(
            f"role:{a}", f"role:{b}", kind="shared", arrows="", color=SHARED_COLOUR, width=1 + 6 * (score - 0.5), score=score
        )
    return net
