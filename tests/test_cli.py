"""The command line: subcommands, output routing (stdout vs stderr vs --output), exit codes 0/1/2/3,
one-line errors without tracebacks."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from report_lint import __version__
from report_lint.cli import main
from report_lint.testing import valid_report

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[1]


pytestmark = pytest.mark.usefixtures("cli_isolation")  # tests/conftest.py


def model(path: Path, **kw) -> Path:
    r = valid_report(**kw.pop("args", {}))
    for (row, col), v in kw.pop("cells", {}).items():
        r.tables.applications[row][col].value = v
    path.write_text(r.to_json(), encoding="utf-8")
    return path


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


PLUGIN = ["-p", "plugin_pkg", "--select", "F990,Z990"]


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"report-lint {__version__}"


def test_no_arguments_is_usage_error(capsys):
    code, out, err = run(capsys)
    assert code == 2 and "check" in err and out == ""


def test_clean_report_exit_0_json_on_stdout(capsys, tmp_path):
    p = model(tmp_path / "r.json", args={"organ": "示例县人民政府"})
    code, out, _err = run(capsys, "check", str(p), "--format", "json", *PLUGIN)
    assert code == 0
    data = json.loads(out)  # stdout holds only the machine output
    assert data["schema_version"] == 1 and data["files"][0]["findings"] == []
    assert data["files"][0]["score"] == 100.0


def test_error_finding_exit_1_and_exit_zero(capsys, tmp_path):
    p = model(tmp_path / "r.json", cells={("total", "natural_person"): 5000})
    code, out, _err = run(capsys, "check", str(p), "--format", "json", *PLUGIN)
    assert code == 1
    f = json.loads(out)["files"][0]["findings"]
    assert [x["rule"] for x in f] == ["Z990"] and f[0]["severity"] == "error"
    assert run(capsys, "check", str(p), "--format", "json", "--exit-zero", *PLUGIN)[0] == 0


def test_fail_level_and_fail_under(capsys, tmp_path):
    p = model(tmp_path / "r.json", args={"organ": "示例县统计"})  # one F990 warning
    assert run(capsys, "check", str(p), "--format", "json", *PLUGIN)[0] == 0
    assert run(capsys, "check", str(p), "--format", "json", "--fail-level", "warning", *PLUGIN)[0] == 1
    code, out, err = run(capsys, "check", str(p), "--format", "json", "--fail-under", "99.5", *PLUGIN)
    score = json.loads(out)["files"][0]["score"]
    assert score < 99.5 and code == 1
    assert "低于 --fail-under 99.5" in err
    assert run(capsys, "check", str(p), "--format", "json", "--fail-under", str(score), *PLUGIN)[0] == 0


def test_output_file_does_not_change_exit_code(capsys, tmp_path):
    p = model(tmp_path / "r.json", cells={("total", "natural_person"): 5000})
    out_file = tmp_path / "out" / "result.json"
    out_file.parent.mkdir()
    code, out, err = run(capsys, "check", str(p), "--format", "json", "-o", str(out_file), *PLUGIN)
    assert code == 1 and out == ""
    assert json.loads(out_file.read_text(encoding="utf-8"))["files"][0]["findings"][0]["rule"] == "Z990"
    assert "result.json" in err


def test_config_file_settings_apply(capsys, tmp_path):
    p = model(tmp_path / "r.json", args={"organ": "示例县统计"})
    (tmp_path / "report-lint.toml").write_text('fail-level = "warning"\nlang = "en"\n', encoding="utf-8")
    code, out, _err = run(capsys, "check", str(p), "--format", "json", *PLUGIN)
    assert code == 1
    assert json.loads(out)["files"][0]["findings"][0]["message"].startswith("issuing body")
    # --config names another file explicitly
    other = tmp_path / "other.toml"
    other.write_text('[tool.report-lint]\nignore = ["F990"]\n', encoding="utf-8")
    code, out, _err = run(capsys, "check", str(p), "--format", "json", "--config", str(other), *PLUGIN)
    assert code == 0 and json.loads(out)["files"][0]["findings"] == []


@pytest.mark.parametrize(("argv", "needle"), [
    (["check", "x.json", "--format", "nope"], "nope"),
    (["check", "x.json", "--fail-level", "fatal"], "fatal"),
    (["check", "x.json", "--published-on", "2024-13-01"], "YYYY-MM-DD"),
    (["check", "x.json", "--fail-under", "150"], "fail-under"),
    (["check", "x.json", "-p", "no:"], "-p no:"),
    (["check"], "PATH"),
    (["rule", "Q123"], "Q123"),
    (["frobnicate", "--x"], "--x"),
])
def test_usage_errors_are_one_line_exit_2(capsys, tmp_path, argv, needle):
    model(tmp_path / "x.json")
    code, out, err = run(capsys, *argv)
    assert code == 2, err
    lines = [line for line in err.splitlines() if line.strip() and "警告" not in line]
    assert len(lines) == 1 and needle in lines[0], err
    assert "Traceback" not in err and out == ""


def test_bad_config_is_exit_2(capsys, tmp_path):
    p = model(tmp_path / "r.json")
    (tmp_path / "report-lint.toml").write_text('selct = ["Z"]\n', encoding="utf-8")
    code, _out, err = run(capsys, "check", str(p), "--format", "json")
    assert code == 2 and "未知选项“selct”" in err and "select" in err and "Traceback" not in err
    code, _out, err = run(capsys, "check", str(p), "--format", "json", "--lang", "en")
    assert "unknown option 'selct'" in err


def test_unreadable_inputs(capsys, tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    code, out, err = run(capsys, "check", "empty.txt", "missing.pdf", "--format", "json")
    assert code == 2  # nothing could be read
    files = json.loads(out)["files"]
    assert [f["error"]["code"] for f in files] == ["empty-file", "not-found"]
    assert "empty.txt" in err and "Traceback" not in err
    # one good file among bad ones: the batch is checked and reported, and the exit code says 2
    p = model(tmp_path / "r.json")
    code, out, err = run(capsys, "check", "empty.txt", str(p), "--format", "json", *PLUGIN)
    assert code == 2 and len(json.loads(out)["files"]) == 2
    assert json.loads(out)["files"][1]["score"] == 100.0
    assert len([line for line in err.splitlines() if "empty.txt" in line]) == 1  # one line on stderr


def test_internal_error_exit_3_one_line(capsys, tmp_path, monkeypatch):
    p = model(tmp_path / "r.json")
    code, _out, err = run(capsys, "check", str(p), "--format", "json", "-p", "plugin_pkg.crashing_rule",
                         "--select", "F992")
    assert code == 3
    assert "内部错误" in err and "ZeroDivisionError" in err and "Traceback" not in err
    assert "REPORT_LINT_DEBUG" in err
    monkeypatch.setenv("REPORT_LINT_DEBUG", "1")
    code, _out, err = run(capsys, "check", str(p), "--format", "json", "-p", "plugin_pkg.crashing_rule",
                         "--select", "F992", "--exit-zero")
    assert code == 3 and "Traceback" in err  # --exit-zero does not hide an internal error


def test_unexpected_exception_in_cli_is_exit_3(capsys, tmp_path, monkeypatch):
    import report_lint.engine.batch as batch

    def boom(*a, **k):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(batch.Batch, "run", boom)
    code, _out, err = run(capsys, "check", "x.json", "--format", "json")
    assert code == 3 and "report-lint 内部错误" in err and "kaboom" in err and "Traceback" not in err


def test_plugin_reporter_and_block(capsys, tmp_path):
    p = model(tmp_path / "r.json", args={"organ": "示例县统计"})
    code, out, _err = run(capsys, "check", str(p), "--format", "count", "--lang", "en", *PLUGIN)
    assert code == 0 and out.strip() == "findings=1 lang=en"
    code, out, _err = run(capsys, "check", str(p), "--format", "json", "-p", "no:builtin-completeness",
                         "--select", "C")
    assert code == 0 and json.loads(out)["summary"]["plugins"]["blocked"] == ["builtin-completeness"]


def test_default_command_is_check(capsys, tmp_path):
    p = model(tmp_path / "r.json")
    code, out, _err = run(capsys, str(p), "--format", "json", *PLUGIN)
    assert code == 0 and json.loads(out)["files"][0]["path"] == str(p)


def test_directory_argument(capsys, tmp_path):
    d = tmp_path / "reports" / "2023"
    d.mkdir(parents=True)
    model(d / "a.json")
    model(d / "b.json", cells={("total", "natural_person"): 5000})
    code, out, _err = run(capsys, "check", str(tmp_path / "reports"), "--format", "json", *PLUGIN)
    assert code == 1 and [Path(f["path"]).name for f in json.loads(out)["files"]] == ["a.json", "b.json"]


def test_parse_json_and_rich(capsys, tmp_path):
    p = model(tmp_path / "r.json")
    code, out, err = run(capsys, "parse", str(p), "--format", "json", "--published-on", "2024-02-01")
    assert code == 0
    data = json.loads(out)
    assert data["meta"]["published_on"] == "2024-02-01" and data["meta"]["template"] == "2021"
    code, out, err = run(capsys, "parse", str(p))
    assert code == 0 and out.strip()
    code, out, err = run(capsys, "parse", "nope.html")
    assert code == 2 and "nope.html" in err and out == ""


@pytest.mark.skipif(sys.platform == "win32", reason="the parse worker needs fork")
def test_parse_runs_in_a_worker_under_the_limits(capsys, tmp_path, monkeypatch):
    """A reader stuck in C code cannot be stopped by a signal: `parse`, like `check`, reads in a forked
    worker, killed at the time limit; a memory bomb ends the worker, not the command; a bug is exit 3."""
    import time

    import report_lint.engine.runner as runner

    p = model(tmp_path / "r.json")
    monkeypatch.setattr(runner, "parse_file", lambda *a, **k: time.sleep(30))
    started = time.monotonic()
    code, out, err = run(capsys, "parse", str(p), "--timeout", "0.5")
    assert code == 2 and out == "" and "处理超时（超过 0.5 秒）" in err and time.monotonic() - started < 10
    code, _out, err = run(capsys, "parse", str(p), "--timeout", "0.5", "--lang", "en")
    assert code == 2 and "took too long (over 0.5 s)" in err

    monkeypatch.setattr(runner, "parse_file", lambda *a, **k: bytearray(400 * 1024 * 1024))
    code, out, err = run(capsys, "parse", str(p), "--memory-limit", "100")
    assert code == 2 and out == "" and "超出内存上限（100 MB）" in err

    monkeypatch.setattr(runner, "parse_file", lambda *a, **k: os._exit(7))  # a reader's C code ending the process
    code, out, err = run(capsys, "parse", str(p))
    assert code == 2 and out == "" and "处理该文件的进程异常退出（退出码 7）" in err

    def bug(*a, **k):
        raise KeyError("kaboom")

    monkeypatch.setattr(runner, "parse_file", bug)
    code, out, err = run(capsys, "parse", str(p))
    assert code == 3 and "kaboom" in err and "Traceback" not in err


def test_rules_listing(capsys):
    code, out, _err = run(capsys, "rules", "--format", "json", "-p", "plugin_pkg")
    rules = {r["id"]: r for r in json.loads(out)}
    assert code == 0 and rules["F990"]["implemented"] is True and rules["F990"]["plugin"] == "plugin_pkg"
    assert rules["F990"]["options"] == {"suffixes": ["人民政府", "局"]}
    code, out, _err = run(capsys, "rules", "-p", "plugin_pkg")
    assert code == 0 and "F990" in out and "plugin-example.organ-suffix" in out


def test_rule_page_zh_en_and_json(capsys):
    code, out, err = run(capsys, "rule", "F990", "-p", "plugin_pkg")
    assert code == 0 and out.startswith("# F990 plugin-example.organ-suffix") and "## 检查什么" in out
    code, out, err = run(capsys, "rule", "plugin-example.organ-suffix", "--lang", "en", "-p", "plugin_pkg")
    assert code == 0 and "## What it checks" in out and "Default severity | warning" in out
    code, out, err = run(capsys, "rule", "F990", "--format", "json", "-p", "plugin_pkg")
    assert json.loads(out)["id"] == "F990"
    code, out, err = run(capsys, "rule", "--all", "--format", "json", "-p", "plugin_pkg")
    assert "F990" in [r["id"] for r in json.loads(out)]
    code, out, err = run(capsys, "rule", "F99", "-p", "plugin_pkg")
    assert code == 2 and "F990" in err  # "did you mean"


def test_python_dash_m(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(FIXTURES)}
    proc = subprocess.run([sys.executable, "-m", "report_lint", "--version"], capture_output=True, text=True,
                          cwd=tmp_path, env=env, timeout=60, check=False)
    assert proc.returncode == 0 and proc.stdout.strip() == f"report-lint {__version__}"


def test_check_freezes_its_start_up_once_and_leaves_the_collector_on(tmp_path):
    """The start-up runs without the cyclic collector and is then frozen (cli._StartUpGC): afterwards the
    collector is on again, and a second command in the same process freezes nothing more."""
    report = tmp_path / "r.txt"
    report.write_text(valid_report("2021", seed=1).model_dump_json(), encoding="utf-8")
    code = ("import gc, io, sys\n"
            "from report_lint.cli import main\n"
            "sys.stdout = io.StringIO()\n"
            f"main(['check', {str(report)!r}, '--format', 'json'])\n"
            "first = gc.get_freeze_count()\n"
            f"main(['check', {str(report)!r}, '--format', 'json'])\n"
            "sys.stdout = sys.__stdout__\n"
            "print(gc.isenabled(), first > 0, gc.get_freeze_count() <= first)")  # frozen objects freed leave it
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "REPORT_LINT_CACHE_DIR": str(tmp_path / "cache")}).stdout
    assert out.split() == ["True", "True", "True"]
