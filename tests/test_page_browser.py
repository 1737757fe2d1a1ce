"""The org-graph page in a real headless Chromium: what a person sees and does."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.page import render_page
from graph.pipeline import BuildOptions, BuildResult, build
from tests.browser import launch, open_page

pytestmark = pytest.mark.browser

FOURTH = 3  # the store index of 第四篇, whose finance department is 财务经理 ← 主办会计 ← 出纳


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    with launch() as b:
        yield b


@pytest.fixture(scope="module")
def page(browser, built: BuildResult):  # type: ignore[no-untyped-def]
    with open_page(browser, built.out / "org-graph.html") as p:
        yield p


@pytest.fixture(autouse=True)
def fresh(request):  # type: ignore[no-untyped-def]
    """Each test starts from the group's org chart with nothing selected."""
    if "page" in request.fixturenames:
        p = request.getfixturevalue("page")
        p.evaluate(
            "(async () => { S.hiddenDepts.clear(); S.theme = ''; S.mode = 'chart'; S.shown.shared = false;"
            " if (S.lang !== 'zh') setLang('zh'); await setScope(-1); applyMode(); themeOptions(); refresh();"
            " clearSelection(); })()"
        )


def on_screen(page, ids: list[str]) -> dict[str, dict[str, float]]:  # type: ignore[no-untyped-def]
    """Where each node is drawn, in page pixels, and how big its box is."""
    return page.evaluate(
        """ids => { const r = document.querySelector('#network').getBoundingClientRect(); const out = {};
        ids.forEach(id => { const b = network.getBoundingBox(id); const tl = network.canvasToDOM({x: b.left, y: b.top}),
          br = network.canvasToDOM({x: b.right, y: b.bottom});
          out[id] = {x: r.left + (tl.x + br.x) / 2, y: r.top + (tl.y + br.y) / 2, w: br.x - tl.x, h: br.y - tl.y,
                     left: r.left + tl.x, right: r.left + br.x, top: r.top + tl.y, bottom: r.top + br.y}; });
        return out; }""",
        ids,
    )


def visible_nodes(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.evaluate("nodes.getIds({filter: n => !!VIEW.info[n.id] && !n.hidden})")


def assert_fitted(page) -> None:  # type: ignore[no-untyped-def]
    """Every visible box lies inside the chart's area."""
    area = page.evaluate(
        "(() => { const r = document.querySelector('#network').getBoundingClientRect();"
        " return [r.left, r.top, r.right, r.bottom]; })()"
    )
    for node, box in on_screen(page, visible_nodes(page)).items():
        assert area[0] - 1 <= box["left"] and box["right"] <= area[2] + 1, node
        assert area[1] - 1 <= box["top"] and box["bottom"] <= area[3] + 1, node


def test_loads_offline_without_errors(page) -> None:  # type: ignore[no-untyped-def]
    external = [u for u in page.requests if not u.startswith(("file:", "data:", "blob:"))]
    assert external == []
    assert page.errors == []
    assert len(visible_nodes(page)) == len(page.evaluate("Object.keys(DATA.roles)")) >= 30
    csp = page.evaluate("document.querySelector('meta[http-equiv=Content-Security-Policy]').content")
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp
    scripts = next(d for d in csp.split(";") if d.strip().startswith("script-src")).split()[1:]
    assert scripts and all(s.startswith("'sha256-") for s in scripts)  # the page's own scripts, no 'unsafe-inline'
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<img id=rg-x src=data:, onerror=\"window.rgInjected = 1\">')")
    page.wait_for_function("() => document.getElementById('rg-x').complete")
    assert page.evaluate("window.rgInjected") is None  # markup that got in runs nothing
    page.evaluate("document.getElementById('rg-x').remove()")
    page.errors.clear()  # the CSP's report of what it blocked


def test_levels_follow_the_reporting_lines(page) -> None:  # type: ignore[no-untyped-def]
    where = on_screen(page, ["role:finance-manager", "role:chief-accountant", "role:treasury-cashier", "role:general-manager"])
    assert where["role:general-manager"]["y"] < where["role:finance-manager"]["y"]
    assert where["role:finance-manager"]["y"] < where["role:chief-accountant"]["y"] < where["role:treasury-cashier"]["y"]
    levels = page.evaluate("Object.fromEntries(Object.entries(DATA.roles).map(([k, r]) => [k, r.level]))")
    assert (levels["finance-manager"], levels["chief-accountant"], levels["treasury-cashier"]) == (1, 2, 3)
    lines = page.evaluate(
        "DATA.edges.filter(e => e.kind === 'reports' && !e.back).map(e => [e.from.slice(5), e.to.slice(5), e.basis])"
    )
    assert len(lines) >= 30
    superiors: dict[str, set[str]] = {}
    for sub, sup, _ in lines:
        superiors.setdefault(sub, set()).add(sup)
    for sub, sup, basis in lines:
        assert levels[sub] > levels[sup], (sub, sup)  # every line points up
        if basis == "explicit" and len(superiors[sub]) == 1:
            assert levels[sub] == levels[sup] + 1, (sub, sup)  # a lone explicit line skips no level
        assert levels[sub] == max(levels[s] for s in superiors[sub]) + 1  # just below its lowest superior
    ys = on_screen(page, [f"role:{k}" for k in levels])
    for sub, sup, _ in lines:
        assert ys[f"role:{sub}"]["y"] > ys[f"role:{sup}"]["y"], (sub, sup)


def test_boxes_of_one_size_fitted_and_readable(page) -> None:  # type: ignore[no-untyped-def]
    boxes = on_screen(page, visible_nodes(page))
    widths = {round(b["w"]) for b in boxes.values()}
    assert max(widths) - min(widths) <= 1  # one size
    assert page.evaluate("network.getScale()") >= 0.4  # 22 px labels drawn at ≥ 9 px
    assert_fitted(page)
    assert page.evaluate("network.physics.options.enabled") is False
    placed = page.evaluate("network.getPositions(['role:cashier'])['role:cashier']")
    assert placed == {"x": page.evaluate("DATA.roles.cashier.x"), "y": page.evaluate("DATA.roles.cashier.y")}
    page.uncheck("input[data-dept='after-sales']")  # a filter refits to what is left
    assert "role:service-manager" not in visible_nodes(page)
    assert_fitted(page)
    page.check("input[data-dept='after-sales']")


def test_selection_highlights_the_chain_and_the_subtree(page) -> None:  # type: ignore[no-untyped-def]
    page.evaluate("select('role:treasury-cashier')")
    lit = page.evaluate("window.rgHighlight")
    assert lit["chain"] == ["role:chief-accountant", "role:finance-manager"] and lit["subtree"] == []
    assert len(lit["chainEdges"]) == 2  # one arrow per step
    assert [e["color"] for e in page.evaluate(f"edges.get({lit['chainEdges']!r})")] == ["#c0392b", "#c0392b"]
    paths = page.locator("#panel .path").all_inner_texts()
    assert paths == ["出纳 → 主办会计 → 财务经理"]
    page.evaluate("select('role:finance-manager')")
    lit = page.evaluate("window.rgHighlight")
    assert set(lit["subtree"]) == {"role:chief-accountant", "role:treasury-cashier", "role:cashier"} and lit["chain"] == []
    border = page.evaluate("nodes.get('role:treasury-cashier').color.border")
    faded = page.evaluate("nodes.get('role:sales-manager').color.border")
    assert border == "#2e86c1" and faded == "#dddddd"


def test_shared_duty_lines_only_in_the_network_view(page) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("edges.get({filter: e => e.kind === 'shared' && !e.hidden}).length") == 0
    assert page.inner_text("#layout") == "视图：组织图"
    page.click("#layout")
    assert page.inner_text("#layout") == "视图：网络"
    assert page.evaluate("edges.get({filter: e => e.kind === 'shared' && !e.hidden}).length") > 10
    page.click("#layout")
    assert page.evaluate("edges.get({filter: e => e.kind === 'shared' && !e.hidden}).length") == 0


def test_search_by_alias_opens_the_role(page) -> None:  # type: ignore[no-untyped-def]
    page.fill("#search", "业务接待")  # an alias of 服务顾问
    page.press("#search", "Enter")
    panel = page.inner_text("#panel")
    assert page.inner_text("#panel h2") == "服务顾问"
    assert "积极处理客户抱怨。" in panel and "L421" in panel  # a duty of 第四篇 with its source line
    page.fill("#search", "Treasury Cashier")  # English name
    page.press("#search", "Enter")
    assert page.inner_text("#panel h2") == "出纳"


def test_clicking_a_box_shows_posts_chain_and_grouped_superiors(page) -> None:  # type: ignore[no-untyped-def]
    box = on_screen(page, ["role:chief-accountant"])["role:chief-accountant"]
    page.mouse.click(box["x"], box["y"])
    panel = page.inner_text("#panel")
    assert page.inner_text("#panel h2") == "主办会计"
    assert "主办会计 → 财务经理" in panel  # the reporting chain
    assert "直接对财务经理负责" in panel  # the cue behind the edge, with its whole sentence
    assert "负责资金的盘点工作。" in panel  # duty 4, line 466
    assert page.evaluate("nodes.get('role:finance-manager').borderWidth") == 3


def test_shared_duties_side_by_side(page) -> None:  # type: ignore[no-untyped-def]
    page.evaluate("select('role:sales-consultant')")
    while page.locator("#panel button.more", has_text="显示更多").count() and not any(
        "L231" in p and "L262" in p for p in page.locator("#panel .pair").all_inner_texts()
    ):
        page.locator("#panel button.more", has_text="显示更多").last.click()
    pairs = page.locator("#panel .pair").all_inner_texts()
    assert any("提高销售能力和销售质量" in p and "L231" in p and "L262" in p for p in pairs)


def test_store_selector_draws_one_stores_posts(page) -> None:  # type: ignore[no-untyped-def]
    page.select_option("#store", str(FOURTH))
    page.wait_for_function("() => S.scope === 3 && Object.keys(VIEW.info).length > 0")
    names = page.evaluate("Object.fromEntries(Object.entries(VIEW.info).map(([id, i]) => [nodes.get(id).labelZh, id]))")
    assert {"服务经理", "财务经理", "主办会计", "出纳", "收银员"} <= set(names)
    assert len(names) == 11 + page.evaluate("Object.values(VIEW.info).filter(i => i.ghost).length")
    where = on_screen(page, [names["财务经理"], names["主办会计"], names["出纳"]])
    assert where[names["财务经理"]]["y"] < where[names["主办会计"]]["y"] < where[names["出纳"]]["y"]
    assert_fitted(page)
    assert "org=" in page.evaluate("location.hash")


def test_store_post_against_the_group_norm(page) -> None:  # type: ignore[no-untyped-def]
    page.select_option("#store", str(FOURTH))
    page.wait_for_function("() => S.scope === 3")
    post = page.evaluate("Object.entries(VIEW.info).find(([id]) => nodes.get(id).labelZh === '服务经理')[0]")
    page.evaluate(f"select({post!r})")
    panel = page.inner_text("#panel")
    assert "与集团同角色对比" in panel
    norm = page.evaluate("DATA.roles['service-manager'].norm.length")
    counts = [int(h.split("(")[-1].rstrip(")")) for h in page.locator("#panel h4").all_inner_texts()[:3]]
    assert counts[0] + counts[1] == norm > 0  # what it has and lacks of the norm
    assert "主题数" in panel


def test_theme_filter_shows_the_roles_carrying_it(page) -> None:  # type: ignore[no-untyped-def]
    page.select_option("#theme-filter", "stocktaking")
    visible = {n.removeprefix("role:") for n in visible_nodes(page)}
    # 盘点 duties: 配件经理 L40, 配件收发员 L130, 工具保管员 L187, 配件主管 L271/273 and 备件主管, 仓库管理员 L275/434,
    # 财务经理 L452 (实物抽查), 主办会计 L466/468, 出纳 L481
    assert {
        "parts-manager",
        "parts-clerk",
        "tool-keeper",
        "parts-supervisor",
        "warehouse-keeper",
        "finance-manager",
        "chief-accountant",
        "treasury-cashier",
    } == visible
    assert_fitted(page)
    assert [h for h in page.locator("table.matrix thead th").all_inner_texts() if h] == ["盘点"]  # the matrix follows
    page.select_option("#theme-filter", "")
    assert page.evaluate("nodes.get('role:sales-manager').hidden") is False


def test_responsibility_matrix(page) -> None:  # type: ignore[no-untyped-def]
    header = page.locator("table.matrix thead tr").first.all_inner_texts()[0]
    assert "索赔" in header and "盘点" in header and "6S" in header and "客户投诉" in header
    row = page.evaluate(
        "(() => { const t = document.querySelector('table.matrix'); const heads = [...t.rows[0].cells].map(c => c.textContent);"
        " const row = [...t.rows].find(r => r.cells[0].textContent === '索赔员');"
        " return row.cells[heads.indexOf('索赔')].textContent; })()"
    )
    assert row == "27"
    shades = page.evaluate(
        "[...document.querySelectorAll('table.matrix td.hit')].map(td => [Number(td.textContent), td.style.background])"
    )
    most = max(n for n, _ in shades)
    assert {b for n, b in shades if n == most} == {"rgba(78, 121, 167, 0.9)"}  # the scale spans the data
    assert len({b for _, b in shades}) >= 8  # and tells small counts apart
    assert page.locator("table.matrix thead th").first.evaluate("th => getComputedStyle(th).position") == "sticky"


def test_source_text_is_rendered_as_text(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "xss.txt"
    source.write_text(
        "<script>x</script>出纳岗位职责\n1、<img src=x onerror=alert(2)>登记日记账\n2、保管</script><b>印章</b>\n",
        encoding="utf-8",
    )
    result = build(BuildOptions(sources=(source,), out=tmp_path / "out", corrections=None))
    with open_page(browser, result.out / "org-graph.html") as page:
        assert page.dialogs == [] and page.errors == []
        assert page.evaluate("document.querySelectorAll('#panel img, #panel b, body script').length") == 4  # our 4 scripts
        key = page.evaluate("Object.keys(DATA.roles)[0]")
        page.evaluate(f"showRole({key!r})")
        panel = page.inner_text("#panel")
        assert "<img src=x onerror=alert(2)>登记日记账" in panel and "保管</script><b>印章</b>" in panel
        assert "<script>x</script>出纳" in panel  # the name as written
        page.evaluate("setScope(0)")
        page.wait_for_function("() => S.scope === 0")
        page.evaluate("select(Object.keys(VIEW.info)[0])")
        assert "<img src=x onerror=alert(2)>登记日记账" in page.inner_text("#panel")
        assert page.evaluate("document.querySelectorAll('#panel img, #panel b').length") == 0
        assert page.dialogs == [] and page.errors == []


def test_search_lists_every_match_with_its_kind(page) -> None:  # type: ignore[no-untyped-def]
    page.fill("#search", "经理")
    kinds = page.locator("#results button").evaluate_all("bs => bs.map(b => b.dataset.kind)")
    roles = page.evaluate(
        "Object.values(DATA.roles).filter(r => [r.zh, r.en, ...r.aliases].some(n => n.includes('经理'))).length"
    )
    assert kinds.count("role") == roles >= 8  # every matching role, not the first one
    assert "duty" in kinds  # duty texts that name it too
    page.fill("#search", "盘点")
    kinds = page.locator("#results button").evaluate_all("bs => bs.map(b => b.dataset.kind)")
    assert kinds[0] == "theme" and "duty" in kinds
    page.fill("#search", "第四篇")
    first = page.locator("#results button").first
    assert first.get_attribute("data-kind") == "store"
    first.click()
    page.wait_for_function("() => S.scope === 3")
    page.fill("#search", "zzzz")
    assert page.inner_text("#status") == "未找到"


def test_address_round_trip(browser, built: BuildResult) -> None:  # type: ignore[no-untyped-def]
    with open_page(browser, built.out / "org-graph.html") as p:
        p.evaluate("select('role:chief-accountant')")
        assert p.evaluate("location.hash") == "#role=chief-accountant"
        p.select_option("#theme-filter", "stocktaking")
        p.click("#lang")
        address = p.url
        assert "theme=stocktaking" in address and "lang=en" in address
    with open_page(browser, built.out / "org-graph.html") as p:  # a fresh page at that address
        p.goto(address)
        p.reload()
        p.wait_for_function("() => window.rgReady === true")
        assert p.inner_text("#panel h2") == "Chief Accountant"
        assert p.evaluate("S.theme") == "stocktaking" and p.input_value("#theme-filter") == "stocktaking"
        assert p.evaluate("window.rgHighlight.chain") == ["role:finance-manager"]
    target = built.out.resolve().as_uri() + "/org-graph.html#org=org%2F4s-dealership-roles%2F4&post=10"
    with open_page(browser, built.out / "org-graph.html") as p:  # a store's post
        p.goto(target)
        p.reload()
        p.wait_for_function("() => window.rgReady === true && S.scope === 3")
        assert p.inner_text("#panel h2") == "出纳"
        assert p.locator("#panel .path").all_inner_texts() == ["出纳 → 主办会计 → 财务经理"]


def test_escape_clears_the_selection(page) -> None:  # type: ignore[no-untyped-def]
    page.evaluate("select('role:cashier')")
    page.fill("#search", "经理")
    page.keyboard.press("Escape")
    assert page.evaluate("S.selected") is None and page.evaluate("window.rgHighlight.chain") == []
    assert page.locator("#results li").count() == 0
    assert page.locator("#panel h2").count() == 0
    assert page.evaluate("location.hash") == ""


def test_keyboard_reaches_nodes_and_matrix_cells(page) -> None:  # type: ignore[no-untyped-def]
    button = page.locator("#node-list button", has_text="出纳")
    button.focus()
    page.keyboard.press("Enter")
    assert page.inner_text("#panel h2") == "出纳"
    cell = page.locator("table.matrix td.hit").first
    cell.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("document.activeElement.tagName") == "TD"
    page.keyboard.press("Enter")
    name = page.evaluate("document.activeElement.parentElement.cells[0].textContent")
    theme = page.evaluate("document.activeElement.dataset.theme")
    assert page.inner_text("#panel h2") == name and page.evaluate("S.theme") == theme


def test_language_switch_rerenders_labels_and_panel(page) -> None:  # type: ignore[no-untyped-def]
    page.evaluate("select('role:service-manager')")
    page.click("#lang")
    assert page.inner_text("#panel h2") == "Service Manager"
    headings = page.locator("#panel h3, #panel h4, #legend h3, footer h3").all_inner_texts()
    assert headings and not [h for h in headings if any("\u4e00" <= c <= "\u9fff" for c in h)]
    assert page.evaluate("nodes.get('role:cashier').label") == "Cashier"
    assert page.inner_text("#layout") == "View: org chart" and "Sales" in page.inner_text("#legend")
    assert "Warranty claims" in page.inner_text("table.matrix thead")
    page.click("#lang")
    assert page.inner_text("#panel h2") == "服务经理"


def test_phone_width_one_column_and_a_drawer(browser, built: BuildResult) -> None:  # type: ignore[no-untyped-def]
    with open_page(browser, built.out / "org-graph.html", width=390, height=844) as p:
        assert p.evaluate("document.documentElement.scrollWidth") <= 390
        chart = p.evaluate("document.querySelector('#network').getBoundingClientRect().width")
        assert chart >= 380  # the chart spans the phone
        assert p.evaluate("getComputedStyle(document.getElementById('panel')).transform") != "none"  # drawer shut
        p.evaluate("select('role:chief-accountant')")
        p.wait_for_timeout(300)
        box = p.evaluate("document.getElementById('panel').getBoundingClientRect().toJSON()")
        assert box["left"] == 0 and box["right"] <= 390 and box["top"] < 844  # the drawer is open, on screen
        assert p.evaluate("document.documentElement.scrollWidth") <= 390
        p.click("#close-panel")
        assert p.evaluate("document.getElementById('panel').classList.contains('open')") is False


def test_whole_chart_png_and_matrix_csv(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page.evaluate("network.moveTo({scale: 2, position: {x: 0, y: 0}, animation: false})")  # zoomed in: the export is still whole
    with page.expect_download() as download:
        page.click("#png")
    saved = tmp_path / "chart.png"
    download.value.save_as(saved)
    data = saved.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and saved.stat().st_size > 20_000
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    span = page.evaluate(
        "(() => { const p = network.getPositions(visibleIds()); const xs = Object.values(p).map(v => v.x);"
        " return Math.max(...xs) - Math.min(...xs); })()"
    )
    assert width >= span + 140 and height > 400  # every box, a title and a legend
    with page.expect_download() as download:
        page.click("#csv")
    csv_file = tmp_path / "matrix.csv"
    download.value.save_as(csv_file)
    rows = csv_file.read_text(encoding="utf-8-sig").splitlines()
    assert rows[0].startswith(",") and "索赔" in rows[0]
    assert len(rows) == 1 + len(visible_nodes(page))


def test_overlap_table_filtered_by_theme_roles_and_store(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page.click("#tab-overlaps")
    every = page.evaluate("overlapRows().length")
    assert every > 20
    page.select_option("#theme-filter", "claims")
    rows = page.evaluate("overlapRows()")
    assert 0 < len(rows) < every and all("claims" in r["themes"] for r in rows)
    page.fill("#pair-filter", "服务顾问 索赔员")  # which roles overlap on 索赔, and where
    rows = page.evaluate("overlapRows()")
    assert rows and all({r["a"], r["b"]} == {"服务顾问", "索赔员"} for r in rows)
    assert all("L" in r["wa"] and "L" in r["wb"] for r in rows)
    with page.expect_download() as download:
        page.click("#csv")
    saved = tmp_path / "overlaps.csv"
    download.value.save_as(saved)
    assert len(saved.read_text(encoding="utf-8-sig").splitlines()) == 1 + len(rows)
    page.fill("#pair-filter", "")
    page.select_option("#store", str(FOURTH))  # one store: its own pairs
    page.wait_for_function("() => S.scope === 3")
    rows = page.evaluate("overlapRows()")
    names = set(page.evaluate("Object.keys(VIEW.info).map(id => nodeName(id))"))
    assert all(r["a"] in names and r["b"] in names for r in rows)
    page.click("#tab-matrix")
    page.select_option("#theme-filter", "")
    posts = page.evaluate("Object.values(VIEW.info).filter(i => !i.ghost).length")
    assert page.locator("table.matrix tbody tr").count() == posts  # counted per post


def test_collapse_and_expand_a_subtree(page) -> None:  # type: ignore[no-untyped-def]
    page.evaluate("select('role:finance-manager')")
    page.click("#fold")
    hidden = {"role:chief-accountant", "role:treasury-cashier", "role:cashier"}
    assert not hidden & set(visible_nodes(page))
    assert page.evaluate("nodes.get('role:finance-manager').label") == "财务经理 ＋3"
    assert_fitted(page)
    page.click("#fold")
    assert hidden <= set(visible_nodes(page))


def test_whole_chart_svg_with_title_and_legend(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page.uncheck("input[data-dept='sales']")
    with page.expect_download() as download:
        page.click("#svg")
    saved = tmp_path / "chart.svg"
    download.value.save_as(saved)
    text = saved.read_text(encoding="utf-8")
    assert text.startswith("<svg") and 'fill="#ffffff"' in text
    assert text.count('class="box"') == len(visible_nodes(page))
    assert "集团" in text and "销售部" in text  # the title names the filter; the legend the departments
    assert ">总经理<" in text and ">销售经理<" not in text


def test_tooltips_and_no_request_after_use(page) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("nodes.get('role:service-manager').title").startswith("服务经理 · 售后服务部 · 4 个岗位")
    page.select_option("#store", "0")
    page.wait_for_function("() => S.scope === 0")
    page.evaluate("select(Object.keys(VIEW.info)[0])")
    page.click("#tab-overlaps")
    page.click("#tab-matrix")
    assert [u for u in page.requests if not u.startswith(("file:", "data:", "blob:"))] == []
    assert page.errors == []


def test_panel_lists_are_capped_with_show_more(page) -> None:  # type: ignore[no-untyped-def]
    page.evaluate("select('role:service-manager')")
    role = page.evaluate("DATA.roles['service-manager']")
    assert len(role["posts"]) == 4 and len(role["subordinates"]) == 8
    posts = page.locator("#panel .muted").filter(has=page.locator("button", has_text="在门店中查看"))
    assert posts.count() == 3  # three posts, then "show more (1)"
    page.locator("#panel button.more", has_text="显示更多 (1)").click()
    assert posts.count() == 4 and page.locator("#panel button.more", has_text="显示更多 (1)").count() == 0
    subs = page.locator("#panel h3", has_text="下级").locator("xpath=following-sibling::ul[1]/li")
    assert page.locator("#panel h3", has_text="下级").inner_text() == "下级 (8)"
    assert subs.count() == 6  # subordinates grouped by role: six, then "show more (2)"
    first, top = subs.first.inner_text(), role["subordinates"][0]
    assert first.startswith(page.evaluate(f"roleName({top['role']!r})")) and f"×{top['count']}" in first
    assert all(e["text"] in first for e in top["examples"])  # each evidence sentence, whole
    page.locator("#panel button.more", has_text="显示更多 (2)").click()
    assert subs.count() == 8


def test_group_overlap_table_is_capped_with_show_more(page) -> None:  # type: ignore[no-untyped-def]
    page.click("#tab-overlaps")
    rows = page.evaluate("overlapRows().length")
    assert rows > 50
    assert page.locator("table.overlaps tbody tr").count() == 50
    assert page.inner_text("#matrix-note") == f"· {rows} 行"
    more = page.locator("#overlaps > button.more")
    assert more.inner_text() == f"显示更多 ({rows - 50})" and more.is_visible()
    more.click()
    assert page.locator("table.overlaps tbody tr").count() == min(rows, 100)
    first = page.locator("table.overlaps tbody tr").first.locator("td").all_inner_texts()
    best = page.evaluate("overlapRows()[0]")
    assert first[:2] == [best["a"], best["ta"]] and first[6] == f"{best['score']:.2f}"  # best first, as text
    page.click("#tab-matrix")


def test_split_layout_loads_each_store_from_its_file(browser, built: BuildResult, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    html = render_page(built.model, stores=tmp_path / "org-graph-stores")
    (tmp_path / "org-graph.html").write_text(html, encoding="utf-8")
    files = sorted(p.name for p in (tmp_path / "org-graph-stores").iterdir())
    assert files == sorted(f"{k}.js" for k in range(len(built.model.organizations)))
    assert render_page(built.model, stores=tmp_path / "again" / "org-graph-stores") == html  # the same bytes every time
    again = (tmp_path / "again" / "org-graph-stores" / "3.js").read_bytes()
    assert again == (tmp_path / "org-graph-stores" / "3.js").read_bytes()
    assert len(html) < len((built.out / "org-graph.html").read_text(encoding="utf-8"))
    with open_page(browser, tmp_path / "org-graph.html") as p:
        csp = p.evaluate("document.querySelector('meta[http-equiv=Content-Security-Policy]').content")
        scripts = next(d for d in csp.split(";") if d.strip().startswith("script-src")).split()[1:]
        assert scripts[-1] == "'strict-dynamic'" and all(s.startswith("'sha256-") for s in scripts[:-1])
        assert "connect-src 'none'" in csp
        p.select_option("#store", str(FOURTH))
        p.wait_for_function("() => S.scope === 3 && Object.keys(VIEW.info).length > 0")
        names = p.evaluate("Object.values(VIEW.info).map(i => T[i.post.n])")
        assert {"服务经理", "财务经理", "主办会计", "出纳"} <= set(names)
        post = p.evaluate("Object.entries(VIEW.info).find(([id]) => nodes.get(id).labelZh === '出纳')[0]")
        p.evaluate(f"select({post!r})")
        assert p.locator("#panel .path").all_inner_texts() == ["出纳 → 主办会计 → 财务经理"]
        assert p.requests[-1] == (tmp_path / "org-graph-stores" / "3.js").resolve().as_uri()
        assert all(u.startswith("file:") for u in p.requests) and p.errors == []
        (tmp_path / "org-graph-stores" / "0.js").unlink()  # a store file missing: said, and the view stays
        p.select_option("#store", "0")
        p.wait_for_function("() => document.getElementById('status').textContent.includes('0.js')")
        assert p.evaluate("S.scope") == 3 and p.input_value("#store") == "3"


def test_a_large_groups_store_list_fills_when_first_used(page) -> None:  # type: ignore[no-untyped-def]
    stores = page.evaluate("DATA.stores.length")
    page.evaluate("storesListed = false; storeOptions()")  # as a group of more than 50 stores opens
    assert page.locator("#store option").all_inner_texts() == ["集团 · 全部门店（按角色）"]
    page.focus("#store")
    assert page.locator("#store option").count() == 1 + stores
    page.select_option("#store", str(FOURTH))
    page.wait_for_function("() => S.scope === 3")
    assert page.input_value("#store") == "3"
