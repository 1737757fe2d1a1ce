"""The org-graph page in a real headless Chromium: what a person sees and does."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.pipeline import BuildOptions, BuildResult, build
from tests.browser import launch, open_page

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    with launch() as b:
        yield b


@pytest.fixture(scope="module")
def page(browser, built: BuildResult):  # type: ignore[no-untyped-def]
    with open_page(browser, built.out / "org-graph.html") as p:
        yield p


def test_loads_offline_without_errors(page) -> None:  # type: ignore[no-untyped-def]
    external = [u for u in page.requests if not u.startswith(("file:", "data:", "blob:"))]
    assert external == []
    assert page.errors == []
    roles = page.evaluate("nodes.get({filter: n => n.kind === 'role' && !n.hidden}).length")
    assert roles == len(page.evaluate("Object.keys(DATA.roles)")) >= 30


def test_search_by_alias_opens_the_role(page) -> None:  # type: ignore[no-untyped-def]
    page.fill("#search", "业务接待")  # an alias of 服务顾问
    page.press("#search", "Enter")
    panel = page.inner_text("#panel")
    assert panel.splitlines()[0] == "服务顾问"
    assert "积极处理客户抱怨。" in panel and "L421" in panel  # a duty of 第四篇 with its source line
    page.fill("#search", "Treasury Cashier")  # English name
    page.press("#search", "Enter")
    assert page.inner_text("#panel h2") == "出纳"


def test_clicking_a_node_shows_posts_chain_and_overlaps(page) -> None:  # type: ignore[no-untyped-def]
    point = page.evaluate(
        "(() => { network.fit({animation: false});"
        " const p = network.getPositions(['role:chief-accountant'])['role:chief-accountant'];"
        " const d = network.canvasToDOM(p); const r = document.querySelector('#network').getBoundingClientRect();"
        " return {x: r.left + d.x, y: r.top + d.y}; })()"
    )
    page.mouse.click(point["x"], point["y"])
    panel = page.inner_text("#panel")
    assert panel.splitlines()[0] == "主办会计"
    assert "主办会计 → 财务经理" in panel  # the reporting chain
    assert "直接对财务经理负责" in panel  # the cue behind the edge
    assert "负责资金的盘点工作。" in panel  # duty 4, line 466
    highlighted = page.evaluate("nodes.get('role:finance-manager').borderWidth")
    assert highlighted == 3


def test_shared_duties_side_by_side(page) -> None:  # type: ignore[no-untyped-def]
    page.fill("#search", "销售顾问")
    page.press("#search", "Enter")
    pairs = page.locator("#panel .pair").all_inner_texts()
    assert any("提高销售能力和销售质量" in p and "L231" in p and "L262" in p for p in pairs)


def test_filters_layout_language_and_png(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page.uncheck("input[data-dept='sales']")
    assert page.evaluate("nodes.get('role:sales-manager').hidden") is True
    page.check("input[data-dept='sales']")
    page.check("input[data-kind='theme']")
    assert page.evaluate("nodes.get('theme:claims').hidden") is False
    page.click("#layout")
    assert "组织图" in page.inner_text("#layout")
    page.click("#lang")
    assert "Sales" in page.inner_text("#legend")
    assert page.evaluate("nodes.get('role:cashier').label") == "Cashier"
    page.click("#lang")
    with page.expect_download() as download:
        page.click("#png")
    saved = tmp_path / "view.png"
    download.value.save_as(saved)
    assert saved.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and saved.stat().st_size > 10_000


def test_theme_filter_shows_the_roles_carrying_it(page) -> None:  # type: ignore[no-untyped-def]
    page.select_option("#theme-filter", "stocktaking")
    visible = set(page.evaluate("nodes.get({filter: n => n.kind === 'role' && !n.hidden}).map(n => n.key)"))
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
    page.select_option("#theme-filter", "")
    assert page.evaluate("nodes.get('role:sales-manager').hidden") is False


def test_responsibility_matrix(page) -> None:  # type: ignore[no-untyped-def]
    header = page.locator("table.matrix tr").first.all_inner_texts()[0]
    assert "索赔" in header and "盘点" in header and "6S" in header and "客户投诉" in header
    row = page.evaluate(
        "(() => { const t = document.querySelector('table.matrix'); const heads = [...t.rows[0].cells].map(c => c.textContent);"
        " const row = [...t.rows].find(r => r.cells[0].textContent === '索赔员');"
        " return row.cells[heads.indexOf('索赔')].textContent; })()"
    )
    assert row == "27"


def test_source_text_is_rendered_as_text(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "xss.txt"
    source.write_text(
        "<script>x</script>出纳岗位职责\n1、<img src=x onerror=alert(2)>登记日记账\n2、保管</script><b>印章</b>\n",
        encoding="utf-8",
    )
    result = build(BuildOptions(sources=(source,), out=tmp_path / "out", corrections=None))
    with open_page(browser, result.out / "org-graph.html") as page:
        assert page.dialogs == [] and page.errors == []
        assert page.evaluate("document.querySelectorAll('#panel img, #panel b, body script').length") == 3  # our 3 scripts
        key = page.evaluate("Object.keys(DATA.roles)[0]")
        page.evaluate(f"showRole({key!r})")
        panel = page.inner_text("#panel")
        assert "<img src=x onerror=alert(2)>登记日记账" in panel and "保管</script><b>印章</b>" in panel
        assert "<script>x</script>出纳" in panel  # the name as written
        assert page.evaluate("document.querySelectorAll('#panel img, #panel b').length") == 0
