"""The command line a linter user expects (issues 8, 9, 10): exit codes CI can trust, every error line
on stderr once, Chinese argparse messages, stdin, -q, --statistics, --no-color, --baseline, parse notes,
not-a-report files, -o never onto an input, odd file names, csv/jsonl, --jobs, the folder summary."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from report_lint.cli import main
from report_lint.testing import num, valid_report
from shared_paths import CORPUS, require

FIXTURES = Path(__file__).parent / "fixtures"
ENV = {**os.environ, "PYTHONPATH": str(FIXTURES)}


pytestmark = pytest.mark.usefixtures("cli_isolation")  # tests/conftest.py


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def model(path: Path, report=None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text((report or valid_report()).to_json(), encoding="utf-8")
    return path


def with_error(organ: str = "甲局"):
    r = valid_report(organ=organ)
    r.tables.applications["total"]["natural_person"] = num(9999)
    return r


# --- exit codes and stderr -------------------------------------------------------------------

def test_unreadable_file_in_a_folder_exits_2_after_the_whole_batch(capsys, tmp_path):
    model(tmp_path / "d" / "a.json")
    (tmp_path / "d" / "b.txt").write_bytes(b"")
    model(tmp_path / "d" / "c.json")
    for fmt in ("console", "github", "json"):
        code, out, err = run(capsys, "check", "d", "--format", fmt)
        assert code == 2, fmt
        assert "a.json" in out and "c.json" in out  # every good result is reported
        assert len([line for line in err.splitlines() if "b.txt" in line]) == 1
        assert "b.txt" not in out or fmt != "console"  # console: the error is on stderr only
    code, out, err = run(capsys, "check", "d", "--format", "github")
    assert "::error file=" in out and code == 2


def test_selector_matching_no_rule_is_a_usage_error(capsys, tmp_path):
    p = model(tmp_path / "r.json")
    code, out, err = run(capsys, "check", str(p), "--select", "Q")
    assert code == 2 and out == "" and "“Q”不匹配任何规则" in err
    assert len(err.strip().splitlines()) == 1
    code, out, err = run(capsys, "check", str(p), "--select", "Q", "--lang", "en")
    assert code == 2 and "'Q' matches no rule" in err


def test_internal_error_lines_printed_once(capsys, tmp_path):
    p = model(tmp_path / "r.json")
    code, out, err = run(capsys, "check", str(p), "-p", "plugin_pkg.crashing_rule", "--select", "F992")
    assert code == 3
    assert err.count("ZeroDivisionError") == 1 and "ZeroDivisionError" not in out


# --- argparse in Chinese, rule pages ---------------------------------------------------------

@pytest.mark.parametrize(("argv", "zh", "en"), [
    (["check", "x.json", "--quietly"], "无法识别的参数：--quietly", "unrecognized arguments: --quietly"),
    (["check"], "缺少必需的参数：PATH", "the following arguments are required: PATH"),
    (["check", "x.json", "--fail-level", "fatal"], "无效的选项值 'fatal'", "invalid choice: 'fatal'"),
])
def test_argparse_messages_follow_the_language(capsys, argv, zh, en):
    code, _out, err = run(capsys, *argv)
    assert code == 2 and zh in err and "--help 查看用法" in err
    code, _out, err = run(capsys, *argv, "--lang", "en")
    assert code == 2 and en in err


def test_help_headings_in_chinese_and_english(capsys):
    assert main(["check", "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("用法：report-lint check") and "位置参数" in out and "选项" in out
    assert "显示此帮助并退出" in out
    assert main(["check", "--help", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: report-lint check") and "positional arguments" in out


def test_rule_page_rendered_on_a_terminal_plain_when_piped(capsys):
    code, out, _err = run(capsys, "rule", "Z101")
    assert code == 0 and out.startswith("# Z101") and "|---|" in out  # piped: the Markdown source
    code, out, _err = run(capsys, "rule", "Z101", "--color", "always")
    assert code == 0 and "|---|" not in out and "# Z101" not in out and "Z101" in out and "\x1b[" in out


# --- everyday flags --------------------------------------------------------------------------

def test_stdin_with_a_file_name(capsys, tmp_path, monkeypatch):
    import io

    data = with_error().to_json().encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    code, out, _err = run(capsys, "check", "-", "--stdin-filename", "草稿.json", "--format", "json")
    doc = json.loads(out)
    assert code == 1 and doc["files"][0]["path"] == "草稿.json" and doc["files"][0]["findings"]
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    code, out, _err = run(capsys, "-", "--format", "json")  # `report-lint -` means check stdin
    assert code == 1 and json.loads(out)["files"][0]["path"] == "<stdin>"


def test_quiet_statistics_and_no_color(capsys, tmp_path):
    model(tmp_path / "d" / "a.json", with_error("甲局"))
    model(tmp_path / "d" / "b.json", with_error("乙局"))
    code, out, err = run(capsys, "check", "d", "-q")
    assert code == 1 and "汇总：共 2 个文件" in out and "表三" not in out
    code, out, err = run(capsys, "check", "d", "--statistics", "--no-color")
    lines = out.splitlines()
    assert code == 1 and "\x1b[" not in out
    stat = next(line for line in lines if "Z101" in line)
    assert stat.split()[0] == "2"  # two findings of Z101 (one wrong cell, one finding), one per report
    assert "位置：" not in out  # statistics instead of the findings
    code, out, err = run(capsys, "check", "d", "--statistics", "--format", "json")
    assert code == 2 and "--statistics" in err


def test_baseline_from_the_command_line(capsys, tmp_path):
    model(tmp_path / "d" / "a.json", with_error())
    code, out, err = run(capsys, "check", "d", "--baseline", "base.json")
    assert code == 0 and "已写入基线" in err and (tmp_path / "base.json").exists()
    code, out, err = run(capsys, "check", "d", "--baseline", "base.json")
    assert code == 0 and "已在基线中" in out
    model(tmp_path / "d" / "a.json", valid_report(organ="甲局"))
    code, out, err = run(capsys, "check", "d", "--baseline", "base.json")
    assert code == 0 and "不再出现" in err
    code, out, err = run(capsys, "check", "d", "--baseline", "base.json", "--write-baseline")
    assert code == 0 and json.loads((tmp_path / "base.json").read_text("utf-8"))["files"] == {}


def test_parse_notes_hidden_from_console_and_github_kept_in_json(capsys, tmp_path):
    r = valid_report()
    from report_lint.model import ParseProblem

    r.problems.append(ParseProblem(code="split-digits", severity="info", table="applications", row="total",
                                   column="natural_person", message="连写的数字已拆分", message_en="split",
                                   data={"rows": {"total": {"raw": "2012", "values": ["20", "12"]}}}))
    p = model(tmp_path / "r.json", r)
    _code, out, _err = run(capsys, "check", str(p))
    assert "P103" not in out and "解析说明未显示" in out
    _code, out, _err = run(capsys, "check", str(p), "--show-parse-notes")
    assert "P103" in out
    _code, out, _err = run(capsys, "check", str(p), "-v")
    assert "P103" in out
    _code, out, _err = run(capsys, "check", str(p), "--format", "github")
    assert "P103" not in out
    _code, out, _err = run(capsys, "check", str(p), "--format", "json")
    assert [f["rule"] for f in json.loads(out)["files"][0]["findings"]] == ["P103"]


def test_not_a_report_listed_once(capsys, tmp_path):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "纪要.txt").write_text("会议纪要\n\n今天开会讨论了办公室搬迁的事项。\n" * 5, encoding="utf-8")
    model(tmp_path / "d" / "r.json")
    code, out, err = run(capsys, "check", "d")
    assert code == 0 and out.count("不是年度报告，已跳过") == 1 and "C101" not in out
    assert "1 个不是年度报告（已跳过）" in out and "平均得分 100.0" in out
    code, out, err = run(capsys, "check", "d/纪要.txt")
    assert code == 2 and "没有检查任何年度报告" in err


# --- data safety and odd names ---------------------------------------------------------------

def test_output_never_overwrites_an_input(capsys, tmp_path):
    p = model(tmp_path / "in.json")
    before = p.read_bytes()
    code, out, err = run(capsys, "check", "in.json", "-o", "in.json")
    assert code == 2 and "拒绝写入" in err and p.read_bytes() == before
    model(tmp_path / "d" / "b.json")
    before = (tmp_path / "d" / "b.json").read_bytes()
    code, out, err = run(capsys, "check", "d", "-o", "d/b.json", "--format", "json")
    assert code == 2 and "拒绝写入" in err and (tmp_path / "d" / "b.json").read_bytes() == before
    # a new output inside the folder is written, and the next run does not lint it
    assert run(capsys, "check", "d", "-o", "d/out.json", "--format", "json")[0] == 0
    code, out, err = run(capsys, "check", "d", "--format", "json")
    assert [Path(f["path"]).name for f in json.loads(out)["files"]] == ["b.json"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
def test_output_to_a_device_fifo_or_symlink_writes_through_it(capsys, tmp_path):
    """-o /dev/null must stay /dev/null: only a regular file is written via a temporary file + rename."""
    import stat
    import threading

    p = model(tmp_path / "r.json")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text("utf-8")))
    reader.start()
    code, _out, _err = run(capsys, "check", str(p), "--format", "json", "-o", str(fifo))
    reader.join(10)
    assert code == 0 and stat.S_ISFIFO(os.lstat(fifo).st_mode) and json.loads(got[0])["files"]
    real = tmp_path / "real.json"
    real.write_text("old", encoding="utf-8")
    (tmp_path / "link.json").symlink_to(real)
    assert run(capsys, "check", str(p), "--format", "json", "-o", "link.json")[0] == 0
    assert (tmp_path / "link.json").is_symlink() and json.loads(real.read_text("utf-8"))["files"]
    assert not [f for f in os.listdir(tmp_path) if f.startswith(".")]  # no temporary file left behind


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file names")
def test_gbk_and_control_characters_in_file_names(capsys, tmp_path):
    d = tmp_path / "d"
    d.mkdir()
    raw = os.fsencode(str(d)) + b"/" + "年报".encode("gbk") + b".json"
    with open(raw, "wb") as fh:
        fh.write(with_error().to_json().encode())
    model(d / "evil\n\x1b[31mred.json", with_error())
    for fmt in ("json", "sarif", "csv", "jsonl", "console", "github", "markdown", "html", "junit"):
        code, out, err = run(capsys, "check", "d", "--format", fmt, "-o", f"out.{fmt}")
        assert code == 1, (fmt, err)
        data = (tmp_path / f"out.{fmt}").read_bytes()
        text = data.decode("utf-8")  # valid UTF-8
        assert "\x1b" not in text and "\\x1b" in text, fmt
        if fmt in ("json", "sarif"):
            json.loads(text)
    code, out, err = run(capsys, "check", "d")
    assert "\x1b" not in out and "evil\\n" in out


def test_one_hanging_file_is_stopped_by_the_guard(capsys, tmp_path):
    model(tmp_path / "slow.json", valid_report(organ="慢局"))
    code, _out, err = run(capsys, "check", "slow.json", "-p", "plugin_pkg.hostile_rule", "--timeout", "2")
    assert code == 2 and "处理超时（超过 2 秒）" in err and len(err.strip().splitlines()) == 1


# --- formats, jobs, summary ------------------------------------------------------------------

def test_cache_flag_and_cache_clear(capsys, tmp_path):
    model(tmp_path / "d" / "a.json", with_error())
    first = run(capsys, "check", "d", "--cache", "--format", "json")
    assert first[0] == 1 and list((tmp_path / "cache").rglob("*.json.z"))
    again = run(capsys, "check", "d", "--cache", "--format", "json")
    assert again[1] == first[1]
    code, out, err = run(capsys, "cache", "dir")
    assert code == 0 and out.strip() == str(tmp_path / "cache")
    code, out, err = run(capsys, "cache", "clear")
    assert code == 0 and "已清空缓存" in err and not list((tmp_path / "cache").rglob("*.json.z"))
    run(capsys, "check", "d", "--no-cache")
    assert not list((tmp_path / "cache").rglob("*.json.z"))


def test_csv_jsonl_and_per_finding(capsys, tmp_path):
    model(tmp_path / "d" / "a.json", with_error())
    model(tmp_path / "d" / "b.json")
    _code, out, _err = run(capsys, "check", "d", "--format", "csv")
    rows = out.splitlines()
    assert rows[0].startswith("path,organ,year,template,score,grade,status") and len(rows) == 3
    assert rows[1].split(",")[:3] == [str(Path("d/a.json")), "甲局", "2023"]
    _code, out, _err = run(capsys, "check", "d", "--format", "csv", "--per-finding")
    assert all(",Z" in line for line in out.splitlines()[1:]) and len(out.splitlines()) > 1
    _code, out, _err = run(capsys, "check", "d", "--format", "jsonl")
    objs = [json.loads(line) for line in out.splitlines()]
    assert [o["type"] for o in objs] == ["file", "file", "summary"]
    assert objs[0]["families"] == {"zero-sum": objs[0]["counts"]["error"]} and objs[2]["files_checked"] == 2


def test_jobs_give_the_same_output_and_the_folder_summary(tmp_path):
    for i in range(4):
        model(tmp_path / "d" / f"r{i}.json", with_error(f"{i}局") if i % 2 else valid_report(organ=f"{i}局"))
    outs = []
    for jobs in ("1", "2"):
        proc = subprocess.run([sys.executable, "-m", "report_lint", "check", "d", "--jobs", jobs],
                              capture_output=True, text=True, cwd=tmp_path, env=ENV, timeout=120, check=False)
        assert proc.returncode == 1, proc.stderr
        outs.append(proc.stdout)
    assert outs[0] == outs[1]
    assert "得分分布：" in outs[0] and "得分最低的 4 份报告" in outs[0] and "最常见的规则" in outs[0]
    assert "\x1b[" not in outs[0] and "检查" not in proc.stderr  # no progress bar when piped


# --- real processes: stdout trouble ------------------------------------------------------------

@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_stdout_full_or_closed_is_exit_2_one_line(tmp_path):
    model(tmp_path / "r.json")
    cmd = [sys.executable, "-m", "report_lint", "check", "r.json", "--format", "json"]
    with open("/dev/full", "w") as full:
        proc = subprocess.run(cmd, stdout=full, stderr=subprocess.PIPE, text=True, cwd=tmp_path, env=ENV, timeout=60, check=False)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "标准输出" in proc.stderr
    proc = subprocess.run(" ".join(cmd) + " >&-", shell=True, stderr=subprocess.PIPE, text=True, cwd=tmp_path,
                          env=ENV, timeout=60, check=False)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "标准输出" in proc.stderr


def test_corpus_folder_through_the_command_line(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "report_lint", "check", str(require(CORPUS / "partial")), "--format", "jsonl",
                           "--jobs", "2"], capture_output=True, text=True, cwd=tmp_path, env=ENV, timeout=300, check=False)
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert rows[-1]["type"] == "summary" and rows[-1]["files"] == len(rows) - 1
    assert "Traceback" not in proc.stderr
