"""The self-check page end to end in a real browser: `report-lint serve` in a subprocess, Debian's Chromium
driven by Playwright for Python (the system browser, never a downloaded one).

Uploads the bundled example and a DOCX filled into the official 2021 Word template
(../shared/spec/template-2021.docx) with one wrong total, and checks what a clerk sees: the highlighted
cell, the value expected, the notes (by keyboard and by mouse), the rule page, the downloads, the
comparison tab. Screenshots are kept in tests/artifacts/web/ (REPORT_LINT_ARTIFACTS overrides).

Outside CI these tests skip, saying why, when Chromium, Playwright or the template is missing; under
CI=true a missing piece is a failure.
"""
from __future__ import annotations

import base64
import io
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import report_lint
from report_lint.templates import get_template
from report_lint.testing import valid_report
from shared_paths import SPEC

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "jidong-2020.txt"
TEMPLATE_DOCX = SPEC / "template-2021.docx"
ARTIFACTS = Path(os.environ.get("REPORT_LINT_ARTIFACTS", REPO / "tests" / "artifacts")) / "web"
IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# As the machine's notes prescribe for a closed network: no background connections, no updates, no sync.
# Playwright gives every launch a fresh, empty user-data-dir of its own.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


def _require(ok: bool, reason: str) -> None:
    if not ok:
        if IN_CI:
            pytest.fail(f"{reason} (required under CI=true: .ci/run installs it)")
        pytest.skip(reason)


# ---------------------------------------------------------------------------------------------
# the DOCX a clerk would fill in


def template_draft(wrong_by: int = 1) -> tuple[bytes, int]:
    """The official Word template filled in with a consistent 2023 report of a department, except that
    表三 （七）总计 × 自然人 is `wrong_by` too high. Returns (docx bytes, the right total)."""
    import docx

    report = valid_report("2021", year=2023, seed=7, organ="示例市交通运输局")
    d = docx.Document(str(TEMPLATE_DOCX))
    paragraphs = d.paragraphs
    assert paragraphs[1].text == "政府信息公开工作年度报告格式模板" and paragraphs[4].text == "（文字描述）"
    paragraphs[1].text = "示例市交通运输局2023年政府信息公开工作年度报告"
    paragraphs[4].text = report.section(1).text
    paragraphs[29].text = report.section(5).text
    paragraphs[31].text = report.section(6).text
    t2, t3, t4 = d.tables

    def put(table, row: int, column: int, value) -> None:
        table.cell(row, column).text = str(int(value)) if float(value).is_integer() else f"{value:.2f}"

    disclosure = report.tables.disclosure
    for row, key in ((2, "regulations"), (3, "normative_documents")):  # 第二十条第（一）项: three columns
        for column, col in enumerate(("issued", "repealed", "in_force"), 1):
            put(t2, row, column, disclosure[key][col].value)
    for row, key, col in ((6, "licensing", "decisions"), (9, "punishment", "decisions"),
                          (10, "coercion", "decisions"), (13, "fees", "amount")):
        put(t2, row, 1, disclosure[key][col].value)
    spec = get_template("2021").tables.applications
    applications = report.tables.applications
    right = int(applications["total"]["natural_person"].value)
    for i, row in enumerate(spec.rows):  # 表三: data from grid row 3, column 3 on
        for j, col in enumerate(spec.columns):
            value = applications[row.key][col.key].value
            put(t3, 3 + i, 3 + j, value + (wrong_by if (row.key, col.key) == ("total", "natural_person") else 0))
    reviews = report.tables.reviews
    cells = [reviews[g][c].value for g in ("review", "litigation_direct", "litigation_after_review")
             for c in ("upheld", "corrected", "other", "pending", "total")]
    for column, value in enumerate(cells):  # 表四: the one data row
        put(t4, 3, column, value)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue(), right


# ---------------------------------------------------------------------------------------------
# fixtures: the server and the browser


@pytest.fixture(scope="module")
def server():
    """`python -m report_lint serve --port 0` (any free port); its address is read from its first line."""
    proc = subprocess.Popen([sys.executable, "-m", "report_lint", "serve", "--port", "0", "--workers", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, encoding="utf-8")
    found: dict[str, str] = {}
    ready = threading.Event()

    def read() -> None:
        for line in proc.stderr:
            m = re.search(r"http://127\.0\.0\.1:\d+/", line)
            if m and not found:
                found["url"] = m.group(0)
                ready.set()
            found.setdefault("log", "")
            found["log"] += line

    threading.Thread(target=read, daemon=True).start()
    if not ready.wait(60):
        proc.kill()
        pytest.fail(f"report-lint serve did not start: {found.get('log', '')}")
    yield found["url"]
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="module")
def browser():
    _require(Path(CHROMIUM).exists(), f"Chromium is not installed ({CHROMIUM}); apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _require(False, "Playwright for Python is not installed; pip install -e '.[e2e]'")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True, locale="zh-CN")
    pg = context.new_page()
    yield pg
    context.close()


def shot(pg, name: str, **kw) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    pg.screenshot(path=str(path), **kw)
    return path


def drop_files(pg, files: list[tuple[str, bytes]]) -> None:
    """Drop files on the drop zone the way a file manager does (a DataTransfer with File objects)."""
    pg.evaluate("""(files) => {
        const dt = new DataTransfer();
        for (const [name, b64] of files) {
            const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
            dt.items.add(new File([bytes], name));
        }
        const zone = document.getElementById("drop");
        zone.dispatchEvent(new DragEvent("dragover", {dataTransfer: dt, bubbles: true, cancelable: true}));
        zone.dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
    }""", [[name, base64.b64encode(data).decode("ascii")] for name, data in files])


def submit(pg) -> None:
    with pg.expect_navigation():
        pg.click("#submit")


# ---------------------------------------------------------------------------------------------


def test_bundled_example(server, page):
    page.goto(server)
    assert page.title().endswith("年报自查")
    page.set_input_files("#file", str(EXAMPLE))
    assert "jidong-2020.txt" in page.inner_text("#chosen")
    submit(page)
    expected = report_lint.check(EXAMPLE).files[0]  # the page shows what the library computes
    assert page.inner_text("#score") == f"{expected.score:.1f}" and page.inner_text("#grade") == expected.grade
    missing = page.locator("li.part.missing")
    assert missing.count() == 1 and "六、其他需要报告的事项" in missing.inner_text() and "缺失" in missing.inner_text()
    notes = page.locator("#table-reviews .table-notes")  # 16 numbers in the 15-cell 表四
    assert notes.is_visible() and "P101" in notes.inner_text()
    assert page.locator("li.finding").count() >= 5
    shot(page, "example-result.png", full_page=True)


def test_draft_from_the_word_template_with_a_wrong_total(server, page):
    _require(TEMPLATE_DOCX.is_file(), f"{TEMPLATE_DOCX} is not present (the reference template in ../shared)")
    data, right = template_draft()
    page.goto(server)
    drop_files(page, [("2023年报草稿.docx", data)])
    assert "2023年报草稿.docx" in page.inner_text("#chosen")
    submit(page)

    cell = page.locator("#cell-applications-total-natural_person")
    assert "hit" in (cell.get_attribute("class") or "")
    assert cell.locator(".written").inner_text().strip().endswith(str(right + 1))
    assert cell.locator(".expected").inner_text().replace("\xa0", " ") == f"应为 {right}"
    assert "⚠" in cell.inner_text()  # a mark, not only a colour
    assert page.locator("td.hit").count() == 1  # one wrong total, one marked cell

    # keyboard only: Tab reaches the cell, and its note shows the messages
    note = page.locator("#cell-applications-total-natural_person-note")
    assert not note.is_visible()
    for _ in range(300):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('#cell-applications-total-natural_person') !== null"):
            break
    else:
        pytest.fail("the wrong cell cannot be reached with the Tab key")
    assert note.is_visible()
    text = note.inner_text()
    # one wrong cell is one finding that lists every equation it breaks
    assert "Z101" in text and "使 3 个等式不成立" in text
    assert "第一项加第二项之和，等于第三项加第四项之和" in text
    cell.scroll_into_view_if_needed()
    box = cell.bounding_box()
    top = max(0, box["y"] - 420)
    shot(page, "draft-wrong-total-note.png", clip={"x": 0, "y": top, "width": 1280, "height": 760})
    # Enter follows the cell's link to its finding
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash").startswith("#finding-")

    # the mouse shows the same note
    page.keyboard.press("Escape")
    page.mouse.move(0, 0)
    page.locator("#cell-applications-total-natural_person a.hitbox").hover()
    assert note.is_visible()

    findings = page.locator("section.findings li.finding")
    assert findings.count() == 1  # one wrong total, one finding naming the equations it breaks
    assert "写的是：" + str(right + 1) in findings.first.inner_text().replace(" ", "")
    timeliness = page.inner_text("#timeliness")
    assert "未识别发布日期" in timeliness and "2024-01-31" in timeliness
    shot(page, "draft-result.png", full_page=True)

    # the rule's explanation page, served locally, in a new tab
    with page.context.expect_page() as new:
        page.locator("li.finding a.rule").first.click()
    rule_page = new.value
    rule_page.wait_for_load_state()
    assert rule_page.url.startswith(server + "rules/Z10") and "如何修改" in rule_page.inner_text("main")
    rule_page.close()

    # the corrected-values checklist
    with page.expect_download() as dl:
        page.click("#download-checklist")
    checklist = Path(dl.value.path()).read_text(encoding="utf-8")
    assert dl.value.suggested_filename == "2023年报草稿-待更正清单.txt"
    assert f"现为 {right + 1}，应为 {right}" in checklist


def test_unreadable_file_is_a_one_line_message(server, page):
    page.goto(server)
    page.set_input_files("#file", files=[{"name": "草稿.wps", "mimeType": "application/octet-stream",
                                          "buffer": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512}])
    submit(page)
    error = page.locator("#error")
    assert error.is_visible() and "是旧版二进制格式（WPS (.wps)）" in error.inner_text()
    assert "Traceback" not in page.content()


def test_too_large_a_file_is_stopped_before_upload(server, page):
    page.goto(server)
    page.evaluate("document.getElementById('check-form').setAttribute('data-max-bytes', '1000')")
    page.set_input_files("#file", str(EXAMPLE))
    assert "文件过大" in page.inner_text("#form-error")
    page.click("#submit")
    assert page.url == server  # nothing was sent


def test_two_files_open_the_comparison_tab(server, page):
    now = valid_report("2021", year=2023, seed=4, organ="示例县人民政府")
    before = valid_report("2021", year=2022, seed=5, organ="示例县人民政府")
    page.goto(server + "?lang=en")
    drop_files(page, [("2022.json", before.to_json().encode()), ("2023.json", now.to_json().encode())])
    assert page.locator("#previous-box").get_attribute("open") is not None
    submit(page)
    assert page.locator("html").get_attribute("lang") == "en"
    this_tab, compare_tab = page.locator("#tab-this"), page.locator("#tab-compare")
    assert this_tab.get_attribute("aria-selected") == "true" and not page.locator("#panel-compare").is_visible()
    this_tab.focus()
    page.keyboard.press("ArrowRight")
    assert compare_tab.get_attribute("aria-selected") == "true"
    assert page.locator("#panel-compare").is_visible() and not page.locator("#panel-this").is_visible()
    assert "Y101" in page.inner_text("#panel-compare") and "differs" in page.inner_text("#panel-compare")
    shot(page, "compare-tab.png", full_page=True)
