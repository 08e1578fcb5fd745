"""The self-check page's HTTP side (report_lint.web) through Starlette's test client: every upload format,
bad and hostile input, the upload limit and the time budget, concurrent uploads, the downloads, the rule
pages, and the pieces of the result page (tables, parts, facts, timeliness, last-year comparison)."""
from __future__ import annotations

import base64
import json
import re
import socket
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from html import unescape
from pathlib import Path
from types import SimpleNamespace

import pytest

with warnings.catch_warnings():  # Starlette ≥ 1.0 prefers httpx2 and warns about httpx, which older Starlette needs
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

from report_lint import cli
from report_lint.model import Location, Report
from report_lint.parsing import parse_bytes
from report_lint.testing import valid_report
from report_lint.web import WebSettings, create_app
from report_lint.web.pages import markdown_html
from report_lint.web.view import facts_html
from synth.render_docx import render_docx
from synth.render_html import render_html
from synth.render_markdown import render_markdown
from synth.render_text import render_text

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "jidong-2020.txt"
GENERATED = REPO / "tests" / "fixtures" / "generated"
WRONG_CELL = 'id="cell-applications-total-natural_person"'
BASE = "http://127.0.0.1"


def wrong_total_report(year: int = 2023) -> tuple[Report, int]:
    """A consistent 2021-format report with one wrong total: 表三 （七）总计 × 自然人 one too high."""
    report = valid_report("2021", year=year, seed=7, organ="示例市交通运输局")
    cell = report.tables.applications["total"]["natural_person"]
    right = int(cell.value)
    cell.value, cell.raw = right + 1, str(right + 1)
    return report, right


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(WebSettings(workers=2)), base_url=BASE) as c:
        yield c


def post(client, files=None, path="/check", **data):
    files = files or {}
    return client.post(path, files=dict(files.items()), data=data)


def text_of(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


# ---------------------------------------------------------------------------------------------
# the upload page


def test_upload_page_is_chinese_labelled_and_self_contained(client):
    r = client.get("/")
    assert r.status_code == 200
    assert '<html lang="zh-CN">' in r.text and "把报告文件拖到这里" in r.text
    # every form control has a label (screen readers) and the page loads nothing from elsewhere
    for control in re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', r.text):
        assert f'for="{control}"' in r.text, control
    assert not re.search(r'(?:src|href)="(?:https?:)?//', r.text)
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert r.headers["cache-control"] == "no-store"
    en = client.get("/?lang=en")
    assert '<html lang="en">' in en.text and "Drop the report file here" in en.text


def test_static_assets_are_served_by_the_package(client):
    for name, kind in (("app.css", "text/css"), ("app.js", "javascript"), ("favicon.svg", "image/svg+xml")):
        r = client.get(f"/static/{name}")
        assert r.status_code == 200 and kind in r.headers["content-type"]
        assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", r.text), name  # no CDN, no web font


def test_only_local_host_names_are_served():
    with TestClient(create_app(WebSettings(workers=1)), base_url="http://evil.example") as c:
        assert c.get("/").status_code == 400  # a DNS-rebinding page cannot read the results


# ---------------------------------------------------------------------------------------------
# every format


def _formats():
    report, right = wrong_total_report()
    yield "draft.docx", render_docx(report), right
    yield "page.html", render_html(report), right
    yield "draft.md", render_markdown(report).encode("utf-8"), right
    yield "draft.txt", render_text(report).encode("utf-8"), right
    model = report.model_copy(deep=True)
    yield "model.json", model.to_json().encode("utf-8"), right


@pytest.mark.parametrize(("name", "data", "right"), list(_formats()), ids=lambda v: v if isinstance(v, str) else "")
def test_each_format_shows_the_wrong_total_in_the_drawn_table(client, name, data, right):
    r = post(client, {"file": (name, data)})
    assert r.status_code == 200, text_of(r.text)[:300]
    cell = re.search(rf'<td {WRONG_CELL} class="v hit error">(.*?)</td>', r.text, re.S)
    assert cell, "the wrong total is not highlighted"
    shown = text_of(cell.group(1))
    assert "⚠" in shown and str(right + 1) in shown and f"应为 {right}" in shown
    assert "Z101" in shown and "“自然人”列为 93，应为 92" in shown  # the hover/focus note
    assert 'aria-describedby="cell-applications-total-natural_person-note"' in cell.group(1)
    # the finding in the list links to its rule page and back to the cell
    assert 'href="/rules/Z101?lang=zh"' in r.text and 'href="#cell-applications-total-natural_person"' in r.text
    assert 'id="score"' in r.text and "等级" in r.text


def test_pdf_upload_is_read_and_drawn(client):
    pdf = GENERATED / "docx-2021-typed.pdf"
    r = post(client, {"file": (pdf.name, pdf.read_bytes())})
    assert r.status_code == 200
    expected = json.loads((GENERATED / "docx-2021-typed.expected.json").read_text(encoding="utf-8"))["tables"]
    for row, column in (("new_received", "natural_person"), ("total", "total"), ("carried_forward", "other_org")):
        cell = expected["applications"][row][column]
        drawn = re.search(rf'<td id="cell-applications-{row}-{column}" class="v number">([^<]*)</td>', r.text)
        assert drawn and drawn.group(1) == cell["raw"], (row, column)


def test_pasted_text_is_checked_like_a_file(client):
    r = post(client, text=EXAMPLE.read_text(encoding="utf-8"))
    assert r.status_code == 200
    assert "粘贴的文本.txt" in r.text and "鸡东县" in r.text
    assert 'class="part missing"' in r.text and "六、其他需要报告的事项" in r.text  # the example lacks part 六


def test_english_result_page(client):
    r = post(client, {"file": (EXAMPLE.name, EXAMPLE.read_bytes())}, lang="en", path="/check?lang=en")
    assert r.status_code == 200 and '<html lang="en">' in r.text
    assert "The six parts" in r.text and "missing" in r.text and "Table 3" in text_of(r.text)


# ---------------------------------------------------------------------------------------------
# bad and hostile input: the CLI's one-line message, never a traceback


def _cli_message(path: Path, capsys) -> str:
    code = cli.main(["check", str(path), "--format", "json"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and err
    line = err[-1].split("错误: ", 1)[1]
    return line.split(f"{path}: ", 1)[1] if line.startswith(f"{path}: ") else line


@pytest.mark.parametrize(("name", "data"), [
    ("草稿.wps", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600),
    ("report.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600),
    ("broken.docx", b"PK\x03\x04" + b"\x00" * 200),
    ("binary.txt", bytes(range(256)) * 20),
    ("blank.txt", b"   \n\n"),
    ("model.json", b'{"not": "a model"}'),
    ("image.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100),
], ids=lambda v: v if isinstance(v, str) else "")
def test_bad_file_gives_the_cli_message(client, tmp_path, capsys, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    expected = _cli_message(path, capsys).replace(str(path), name)
    page = post(client, {"file": (name, data)})
    assert page.status_code == 422
    shown = re.search(r'<p class="error-box" role="alert" id="error">(.*?)</p>', page.text).group(1)
    assert unescape(shown) == expected
    assert "Traceback" not in page.text
    api = post(client, {"file": (name, data)}, path="/api/check")
    assert api.status_code == 422 and api.json()["error"]["message"] == expected


def test_form_problems_are_one_line_messages(client):
    nothing = post(client, {"file": ("", b"")})  # a browser submitting with no file chosen
    assert nothing.status_code == 422 and "请选择一个报告文件" in nothing.text
    r = post(client, {"file": (EXAMPLE.name, EXAMPLE.read_bytes())}, year="20x4")
    assert r.status_code == 422 and "报告年度应为四位数字" in r.text
    r = post(client, {"file": (EXAMPLE.name, EXAMPLE.read_bytes())}, published_on="2021-13-45")
    assert r.status_code == 422 and "YYYY-MM-DD" in r.text
    r = post(client, {"file": (EXAMPLE.name, EXAMPLE.read_bytes())}, organ_kind="kingdom")
    assert r.status_code == 422
    r = client.post("/check", content=b"not a form", headers={"content-type": "text/plain"})
    assert r.status_code == 400 and "无法读取上传的内容" in r.text
    r = client.post("/api/check?format=pdf", files={"file": (EXAMPLE.name, EXAMPLE.read_bytes())})
    assert r.status_code == 422 and r.json()["error"]["code"] == "bad-format"
    assert client.get("/nowhere").status_code == 404 and "页面不存在" in client.get("/nowhere").text


def test_three_files_are_refused(client):
    data = EXAMPLE.read_bytes()
    r = client.post("/check", files=[("file", ("a.txt", data)), ("file", ("b.txt", data)),
                                     ("previous", ("c.txt", data))])
    assert r.status_code == 422 and "一次最多检查两个文件" in r.text


# ---------------------------------------------------------------------------------------------
# limits


def test_upload_limit_is_a_clear_message():
    with TestClient(create_app(WebSettings(workers=1, max_upload_mb=0.05)), base_url=BASE) as c:
        big = b"x" * 60_000
        r = c.post("/check", files={"file": ("big.txt", big)})
        assert r.status_code == 413 and "文件过大：单个文件不超过 0.05 MB" in r.text
        r = c.post("/api/check", files={"file": ("big.txt", big)})
        assert r.status_code == 413 and r.json()["error"]["code"] == "too-large"
        r = c.post("/check", data={"text": "年" * 20_000})  # the pasted text has the same limit
        assert r.status_code == 413
        assert c.post("/check", files={"file": (EXAMPLE.name, EXAMPLE.read_bytes()[:40_000])}).status_code == 200


@pytest.fixture(scope="module")
def test_jobs_client():
    settings = WebSettings(workers=2, time_limit=6, job="web_jobs:run")
    with TestClient(create_app(settings), base_url=BASE) as c:
        yield c


def test_time_budget_stops_a_slow_check_and_others_go_on(test_jobs_client):
    c = test_jobs_client
    with ThreadPoolExecutor(3) as ex:
        started = time.monotonic()
        slow = ex.submit(c.post, "/check", files={"file": ("slow.txt", EXAMPLE.read_bytes())})
        time.sleep(0.3)
        home = ex.submit(c.get, "/")
        other = ex.submit(c.post, "/check", files={"file": (EXAMPLE.name, EXAMPLE.read_bytes())})
        assert home.result().status_code == 200 and time.monotonic() - started < 4  # the page did not freeze
        assert other.result().status_code == 200 and "鸡东县" in other.result().text
        r = slow.result()
    assert r.status_code == 503 and "检查超过 6 秒仍未完成，已停止" in r.text
    assert time.monotonic() - started < 20
    # the stopped worker was replaced: the pool still answers
    assert c.post("/check", files={"file": (EXAMPLE.name, EXAMPLE.read_bytes())}).status_code == 200


def test_a_crashing_or_dying_worker_is_a_message_not_a_500_page(test_jobs_client):
    r = test_jobs_client.post("/check", files={"file": ("crash.txt", b"x")})
    assert r.status_code == 500 and "report-lint 内部错误：RuntimeError: boom in the job" in r.text
    assert "Traceback" not in r.text and '<main id="main"' in r.text
    r = test_jobs_client.post("/api/check", files={"file": ("die.txt", b"x")})
    assert r.status_code == 503 and r.json()["error"]["code"] == "worker-died"
    assert test_jobs_client.post("/check", files={"file": (EXAMPLE.name, EXAMPLE.read_bytes())}).status_code == 200


def test_concurrent_uploads_each_get_their_own_result(client):
    reports = {f"organ-{i}.json": valid_report("2021", year=2023, seed=i, organ=f"第{i}号测试县人民政府")
               for i in range(6)}

    def one(item):
        name, report = item
        return name, post(client, {"file": (name, report.to_json().encode("utf-8"))})

    with ThreadPoolExecutor(6) as ex:
        results = list(ex.map(one, reports.items()))
    for name, r in results:
        assert r.status_code == 200
        assert f"{reports[name].meta.organ}" in r.text
        others = [rep.meta.organ for n, rep in reports.items() if n != name]
        assert not any(o in r.text for o in others)


def test_uploads_never_touch_the_disk(tmp_path, monkeypatch):
    """Files are handled in memory: nothing lands in the temporary directory of the server or its workers."""
    import tempfile

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    report, _ = wrong_total_report()
    big_docx = render_docx(report)
    with TestClient(create_app(WebSettings(workers=1)), base_url=BASE) as c:
        for name, data in (("d.docx", big_docx), ("p.pdf", (GENERATED / "docx-2021-typed.pdf").read_bytes()),
                           ("h.html", render_html(report)), ("big.txt", EXAMPLE.read_bytes() * 30)):
            assert c.post("/check", files={"file": (name, data)}).status_code == 200
    assert list(scratch.iterdir()) == []


# ---------------------------------------------------------------------------------------------
# downloads


def _download(html: str, key: str) -> tuple[str, str]:
    m = re.search(rf'id="download-{key}" download="([^"]+)" href="data:[^;]+;charset=utf-8;base64,([^"]+)"', html)
    assert m, key
    return m.group(1), base64.b64decode(m.group(2)).decode("utf-8")


def test_downloads_on_the_page_and_through_the_api(client):
    report, right = wrong_total_report()
    data = render_docx(report)
    page = post(client, {"file": ("草稿.docx", data)}).text
    name, html = _download(page, "html")
    assert name == "草稿-检查结果.html" and html.startswith("<!DOCTYPE html>") and "Z101" in html
    name, js = _download(page, "json")
    found = json.loads(js)["files"][0]["findings"]
    assert {f["rule"] for f in found} == {"Z101"}  # one wrong cell, one finding
    name, checklist = _download(page, "checklist")
    assert name == "草稿-待更正清单.txt"
    assert f"现为 {right + 1}，应为 {right}" in checklist and checklist.count("\n[ ] ") == 1
    assert "表三“（七）总计”行“自然人”列" in checklist

    api = post(client, {"file": ("草稿.docx", data)}, path="/api/check")
    assert api.status_code == 200 and api.headers["content-type"].startswith("application/json")
    assert json.loads(api.text)["files"][0]["findings"][0]["expected"] == right
    assert "filename*=UTF-8''" in api.headers["content-disposition"]
    for fmt, kind, needle in (("html", "text/html", "<!DOCTYPE html>"), ("checklist", "text/plain", "[ ] 1.")):
        r = client.post(f"/api/check?format={fmt}", files={"file": ("草稿.docx", data)})
        assert r.status_code == 200 and r.headers["content-type"].startswith(kind) and needle in r.text


def test_checklist_of_a_clean_report_says_so(client):
    r = client.post("/api/check?format=checklist", files={"file": (
        "clean.json", valid_report("2021", year=2023, seed=2).to_json().encode())})
    assert "没有需要更正的数值" in r.text


# ---------------------------------------------------------------------------------------------
# the pieces of the result page


def test_timeliness_verdict_with_the_deadline(client):
    r = post(client, {"file": (EXAMPLE.name, EXAMPLE.read_bytes())}, published_on="2021-05-06")
    verdict = re.search(r'<section id="timeliness".*?</section>', r.text, re.S).group(0)
    assert "逾期" in verdict and "2021-03-31" in verdict and "页面填写的发布日期" in verdict and "✗" in verdict
    r = post(client, {"file": (EXAMPLE.name, EXAMPLE.read_bytes())}, published_on="2021-01-20")
    assert "按时" in re.search(r'<section id="timeliness".*?</section>', r.text, re.S).group(0)
    report, _ = wrong_total_report()  # a department's draft: no date yet, the deadline ahead
    report.meta.published_on = None
    r = post(client, {"file": ("d.docx", render_docx(report))})
    verdict = text_of(re.search(r'<section id="timeliness".*?</section>', r.text, re.S).group(0))
    assert "未识别发布日期" in verdict and "县级以上人民政府部门" in verdict and "2024-01-31" in verdict


def test_page_options_fill_in_only_what_the_file_cannot_tell(client):
    r = post(client, {"file": (EXAMPLE.name, EXAMPLE.read_bytes())}, year="2021", organ_kind="department")
    assert "文件写明的年度为 2020，未采用填写的 2021" in r.text
    report = valid_report("2021", year=2023, seed=3)
    report.meta.year = None
    report.meta.organ_kind = "unknown"
    r = post(client, {"file": ("m.json", report.to_json().encode())}, year="2023", organ_kind="department")
    meta = re.search(r'<dl class="meta">.*?</dl>', r.text, re.S).group(0)
    assert "2023（页面填写）" in meta and "政府部门（页面填写）" in meta
    assert "2024-01-31" in r.text  # a department's deadline


def test_tables_of_a_report_without_a_template_are_drawn_in_the_current_format():
    from report_lint.web.view import Marks, tables_html

    report = valid_report("2021", year=2023)
    report.meta.template = "unknown"
    report.table_templates = {}
    page = tables_html(report, Marks(), "zh")
    assert "（一）予以公开" in page  # 表三's rows under the 2021 labels


def test_parts_marks_present_missing_misnumbered():
    from report_lint.templates import get_template
    from report_lint.web.view import parts_html

    report = valid_report("2021", year=2023)
    report.section(6).present = False
    report.section(4).numbered_as = 3
    html = parts_html(report, get_template("2021"), "zh")
    assert html.count('class="part ok"') == 4
    assert '<li class="part missing"><span class="mark" aria-hidden="true">✗</span>' in html
    assert "序号有误：写作“三”" in html


def test_facts_render_from_the_agreed_interface_and_escape():
    loc = Location(line=12)
    facts = [
        SimpleNamespace(kind="normative_issued", label="制发行政规范性文件", label_en="Normative documents issued",
                        value=11, unit="件", scope="self", approx=False, text="共制发规范性文件 11 件<b>",
                        sentence="2020 年共制发规范性文件 11 件。", section=1, location=loc, data={}),
        SimpleNamespace(kind="interpretation_rate", label="解读率", label_en="Interpretation rate", value=1.0,
                        unit="%", scope="self", approx=False, text="解读率 100%", sentence="", section=1,
                        location=None, data={}),
        SimpleNamespace(kind="applications_received", label="收到申请", label_en="Applications received", value=90,
                        unit="件", scope="region", approx=True, text="90 余件", sentence="", section=None,
                        location=None, data={}),
    ]
    html = facts_html(SimpleNamespace(facts=facts), "zh")
    assert "<td class=\"num\">11件</td>" in html and "100%" in html and "约90件" in html
    assert "本机关" in html and "本地区" in html and "一、总体情况 · 第12行" in html
    assert "&lt;b&gt;" in html and "<b>" not in html
    assert "Normative documents issued" in facts_html(SimpleNamespace(facts=facts), "en")
    for empty in (SimpleNamespace(facts=[]), SimpleNamespace()):
        assert "正文中没有识别出可核对的数据" in facts_html(empty, "zh")


def test_facts_of_a_real_report_are_listed():
    report = parse_bytes(EXAMPLE.read_bytes(), EXAMPLE.name)
    html = facts_html(report, "zh")
    assert "制发规范性文件" in html and "11件" in html and "解读率" in html


def test_compare_tab_with_last_years_report(client):
    now = valid_report("2021", year=2023, seed=4, organ="示例县人民政府")
    before = valid_report("2021", year=2022, seed=5, organ="示例县人民政府")
    # last year's 结转下年度 is this year's 上年结转, except in one column
    for column, cell in now.tables.applications["carried_over"].items():
        before.tables.applications["carried_forward"][column] = cell.model_copy()
    forward = before.tables.applications["carried_forward"]["natural_person"]
    forward.value, forward.raw = forward.value + 2, str(int(forward.value + 2))
    # dropped in the other order: the page orders them by year
    r = client.post("/check", files=[("file", ("2022.json", before.to_json().encode())),
                                     ("previous", ("2023.json", now.to_json().encode()))])
    assert r.status_code == 200
    assert "两份报告已按年度排列：2023.json 为本年度，2022.json 为上一年度" in r.text
    assert 'role="tablist"' in r.text and 'id="panel-compare"' in r.text
    compare = re.search(r'<section class="panel" role="tabpanel" id="panel-compare".*', r.text, re.S).group(0)
    assert compare.count("<code>Y101</code>") == 1 and "“自然人”列" in compare
    assert compare.count("✗ 不一致") == 1 and compare.count("✓ 一致") == 6
    # not a pair: a message, and no Y finding
    r = client.post("/check", files=[("file", ("a.json", now.to_json().encode())),
                                     ("previous", ("b.json", now.to_json().encode()))])
    assert "年度相同" in r.text and "Y101" not in r.text


# ---------------------------------------------------------------------------------------------
# rule pages


def test_rule_pages_come_from_the_catalogue(client):
    r = client.get("/rules/Z101")
    assert r.status_code == 200 and "<h1>Z101 " in r.text and "<table>" in r.text
    assert "如何修改" in r.text
    assert client.get("/rules/z101?lang=en").status_code == 200
    missing = client.get("/rules/Q999")
    assert missing.status_code == 404 and "没有编号为“Q999”的规则" in missing.text
    index = client.get("/rules")
    assert index.status_code == 200 and 'href="/rules/Z101?lang=zh"' in index.text and "T101" in index.text


def test_markdown_of_rule_docs_is_escaped():
    html = markdown_html("# 标题 <script>alert(1)</script>\n\n[x](javascript:alert(1)) [y](Z102.md)")
    assert "<script" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html and 'href="/rules/Z102"' in html


# ---------------------------------------------------------------------------------------------
# the serve command


def test_serve_reports_a_taken_port_in_one_line(capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        code = cli.main(["serve", "--port", str(s.getsockname()[1])])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "请用 --port 指定其他端口" in err[0]


def test_serve_rejects_bad_limits(capsys):
    assert cli.main(["serve", "--max-upload-mb", "0"]) == 2
    assert "--max-upload-mb" in capsys.readouterr().err
    assert cli.main(["serve", "--config", "/nonexistent/report-lint.toml"]) == 2  # before anything starts
