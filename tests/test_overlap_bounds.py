"""The overlaps stay linear in the corpus (issue 16): at most MAX_PER_DUTY overlaps per duty, a
text that many posts carry is a cluster, and every pair of roles that share a duty keeps one.

The posts are made here (no document), so that each case holds exactly the duties it needs."""

from __future__ import annotations

import random
from collections import Counter

from graph.model import Duty, Post, ThemeCount, ThemeShare
from graph.overlaps import (
    COMPARED_CHARS,
    HARD_MAX_PER_DUTY,
    MAX_PER_DUTY,
    PARTNERS,
    content,
    duty_similarity,
    find_overlaps,
    similar_pairs,
)
from graph.themes import CO_OWNERS, share_themes

PATROL = "负责本区域的日常巡查，发现问题及时上报。"


def post(org: int, index: int, role: str, *duties: str) -> Post:
    post_id = f"post/s{org}/1/{index}"
    return Post(
        id=post_id,
        source=f"s{org}",
        org_id=f"org/s{org}/1",
        index=index,
        name_written=role,
        label=role,
        role=role,
        department="service",
        line=index,
        duties=tuple(
            Duty(f"{post_id.replace('post', 'duty')}/{n}", post_id, n, f"{n}.", t, t, index) for n, t in enumerate(duties, 1)
        ),
    )


def per_duty(overlaps: list) -> Counter[str]:
    counted: Counter[str] = Counter()
    for o in overlaps:
        counted[o.duty_a] += 1
        counted[o.duty_b] += 1
    return counted


def test_one_text_in_many_posts_of_one_organization_is_a_cluster_not_every_pair() -> None:
    # 40 posts of one store carry the same duty: every pair would be 40·39/2 = 780 overlaps
    posts = [post(1, i, "巡检员", PATROL) for i in range(1, 41)]
    overlaps, clusters = find_overlaps(posts)
    assert len(clusters) == 1 and len(clusters[0].members) == 40
    assert max(per_duty(overlaps).values()) <= MAX_PER_DUTY
    # each duty tries partners after it in id order until it or they are full: at most 16·40/2
    assert 0 < len(overlaps) <= MAX_PER_DUTY * 40 // 2 < 780


def test_a_few_posts_keep_every_pair() -> None:
    # under the bound nothing is left out: 4 posts of one store, 4·3/2 = 6 overlaps
    posts = [post(1, i, "巡检员", PATROL) for i in range(1, 5)]
    overlaps, _ = find_overlaps(posts)
    assert len(overlaps) == 6
    assert set(per_duty(overlaps).values()) == {3}


def test_every_pair_of_roles_sharing_a_duty_keeps_an_overlap_when_its_duties_are_full() -> None:
    # 30 stores, each with a 巡检员 and a 班长 carrying the patrol duty: within each store the
    # pair (巡检员, 班长) is one overlap. A 31st store's 安全员 carries it too, alone in its store:
    # across stores one overlap per pair of roles, 安全员–巡检员 and 安全员–班长.
    posts = [p for s in range(1, 31) for p in (post(s, 1, "巡检员", PATROL), post(s, 2, "班长", PATROL))]
    posts.append(post(31, 1, "安全员", PATROL))
    overlaps, clusters = find_overlaps(posts)
    role_of = {d.id: p.role for p in posts for d in p.duties}
    pairs = Counter(frozenset((role_of[o.duty_a], role_of[o.duty_b])) for o in overlaps)
    assert pairs[frozenset(("巡检员", "班长"))] >= 30  # one in each store at least
    assert pairs[frozenset(("安全员", "巡检员"))] >= 1
    assert pairs[frozenset(("安全员", "班长"))] >= 1
    assert len(clusters) == 1 and len(clusters[0].members) == 61


def test_a_role_for_each_post_is_bounded_too() -> None:
    # 100 posts of one store, each of a role of its own (第1区巡检员, 第2区巡检员 …), share a duty:
    # one overlap per pair of roles would be 100·99/2 = 4,950; each duty takes 32 at most
    posts = [post(1, i, f"第{i}区巡检员", PATROL) for i in range(1, 101)]
    overlaps, _ = find_overlaps(posts)
    assert max(per_duty(overlaps).values()) == HARD_MAX_PER_DUTY
    assert len(overlaps) <= HARD_MAX_PER_DUTY * 100 // 2


def test_blocking_gives_each_text_a_bounded_number_of_partners() -> None:
    # 300 texts alike but for the area's number: all-pairs would score 300·299/2 = 44,850 pairs
    texts = sorted(f"负责第{i}区的日常巡查发现问题及时上报" for i in range(1, 301))
    blocked = similar_pairs(texts, threshold=0.48, exact=False)
    partners = Counter(a for a, _, _ in blocked) + Counter(b for _, b, _ in blocked)
    assert len(blocked) <= PARTNERS * len(texts)
    assert all(partners[i] >= 1 for i in range(len(texts)))  # no text is left without a partner
    exact = {(a, b) for a, b, _ in similar_pairs(texts, threshold=0.48, exact=True)}
    assert len(exact) == 300 * 299 // 2  # they do all say the same thing
    assert {(a, b) for a, b, _ in blocked} <= exact


def test_theme_co_owners_weighted_by_shared_themes() -> None:
    # 班长 carries 6S and 巡查, 巡检员 巡查 alone, 出纳 盘点: one pair, 1 theme of 2 in common
    counts = [
        ThemeCount("班长", "6S", 2),
        ThemeCount("班长", "巡查", 1),
        ThemeCount("巡检员", "巡查", 3),
        ThemeCount("出纳", "盘点", 1),
    ]
    assert share_themes(counts) == [ThemeShare("巡检员", "班长", 0.5, ("巡查",))]


def test_theme_co_owners_bounded_per_role() -> None:
    # 100 roles all carrying 巡查: every pair would be 4,950; each role keeps its 32 closest
    # (all alike, so the first 32 by key), and a pair stays when either role keeps the other
    counts = [ThemeCount(f"role-{i:03d}", "巡查", 1) for i in range(100)]
    shares = share_themes(counts)
    partners = Counter(s.role_a for s in shares) + Counter(s.role_b for s in shares)
    assert len(shares) <= CO_OWNERS * 100
    assert min(partners.values()) >= CO_OWNERS
    # role-099 keeps role-000 … role-031; role-050 keeps those too, and is kept by no one else
    assert partners["role-050"] == CO_OWNERS
    assert all(s.weight == 1.0 and s.themes == ("巡查",) for s in shares)


def test_a_long_duty_is_compared_on_its_first_characters() -> None:
    # two walls of text that open alike and then differ: compared on their first COMPARED_CHARS
    # characters of content they say the same thing (the cost of a comparison stays bounded)
    opening = "负责检查本区域设备运行情况发现问题及时上报并跟进处理" * 10
    first = post(1, 1, "巡检员", opening + "配合其他部门完成相关工作" * 200)
    second = post(1, 2, "班长", opening + "做好记录与交接班台账" * 200)
    overlaps, _ = find_overlaps([first, second])
    assert [o.score for o in overlaps] == [1.0]
    assert len(content(opening)) == 210 > COMPARED_CHARS  # 负责, 及时, 并 are filler: 21 characters a time


def test_blocking_scores_each_candidate_pair_as_duty_similarity_does() -> None:
    # texts with no filler word and no punctuation are their own content, so duty_similarity
    # gives the score of the pair itself; blocking scores its candidates in bulk (cpdist)
    rng = random.Random(16)
    alphabet = "车辆维修保养客户接待档案整理配件库存盘点索赔申请"
    base = ["".join(rng.choice(alphabet) for _ in range(rng.randint(6, 14))) for _ in range(40)]
    texts = sorted({t[: rng.randint(4, len(t))] + "".join(rng.choice(alphabet) for _ in range(2)) for t in base} | set(base))
    assert all(content(t) == t for t in texts)
    found = similar_pairs(texts, threshold=0.3, exact=False)
    assert found and found == sorted(found)
    for a, b, score in found:
        assert a < b and score == duty_similarity(texts[a], texts[b]) >= 0.3
