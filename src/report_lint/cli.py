"""The `report-lint` command (argparse). See docs/cli.md.

    report-lint check PATH... [--format console|json|sarif|junit|github|markdown|html] [--output FILE] ...
    report-lint parse FILE [--format rich|json]
    report-lint rules [--format table|json]
    report-lint rule ID [--format markdown|json]
    report-lint serve [--port 8765] [--open]        the self-check page on 127.0.0.1 (docs/web.md)
    report-lint --version

Exit codes: 0 clean; 1 findings at/above --fail-level or a score under --fail-under; 2 usage, configuration
or input error (every file unreadable); 3 internal error. Machine output goes to stdout (or --output),
everything addressed to a person goes to stderr.
"""
from __future__ import annotations

import argparse
import contextlib
import difflib
import json
import os
import shutil
import sys
import traceback
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from .engine.batch import Limits

from . import __version__
from .errors import ReportLintError

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
COMMANDS = ("check", "parse", "rules", "rule", "cache", "serve")
CHECK_FORMATS = ("console", "json", "jsonl", "csv", "sarif", "junit", "github", "markdown", "html")
PROG = "report-lint"

_T = {
    "zh": {"error": "错误", "warning": "警告", "internal": "report-lint 内部错误",
           "debug": "设置 REPORT_LINT_DEBUG=1 可查看详细信息"},
    "en": {"error": "error", "warning": "warning", "internal": "report-lint internal error (report-lint 内部错误)",
           "debug": "set REPORT_LINT_DEBUG=1 for details"},
}


class UsageError(ReportLintError):
    """A bad command line (exit 2)."""


# argparse's own messages (usage, headings, errors) in Chinese; `--lang en` keeps argparse's English.
_ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "show this help message and exit": "显示此帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选项值 %(value)r（可选：%(choices)s）",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多需要一个值",
    "expected at least one argument": "至少需要一个值",
    "invalid %(type)s value: %(value)r": "无效的 %(type)s 值：%(value)r",
    "ambiguous option: %(option)s could match %(matches)s": "有歧义的选项：%(option)s 可能是 %(matches)s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ignored explicit argument %r": "忽略了多余的值 %r",
    "one of the arguments %s is required": "需要以下参数之一：%s",
    "unexpected option string: %s": "意外的选项：%s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "未知的子命令 %(parser_name)r（可选：%(choices)s）",
}


class _argparse_lang:
    """Swap argparse's gettext while the parser is built and used (its messages are looked up then)."""

    def __init__(self, lang: str):
        self.lang = lang

    # argparse looks its messages up through the module's own `_` and `ngettext` (imported from gettext);
    # typeshed leaves these private names out, hence the attr-defined ignores.
    def __enter__(self) -> None:
        self.saved = (argparse._, argparse.ngettext)  # type: ignore[attr-defined]
        if self.lang == "zh":
            argparse._ = lambda text: _ARGPARSE_ZH.get(text, text)  # type: ignore[attr-defined]
            argparse.ngettext = lambda one, many, n: (  # type: ignore[attr-defined]
                "需要 %s 个值" if "%s" in one else _ARGPARSE_ZH.get(one if n == 1 else many, one if n == 1 else many))

    def __exit__(self, *exc: Any) -> None:
        argparse._, argparse.ngettext = self.saved  # type: ignore[attr-defined]


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line (and exit code 2) instead of usage + message."""

    def error(self, message: str) -> NoReturn:
        raise UsageError("usage", f"{message}（运行 {self.prog} --help 查看用法）",
                         f"{message} (run {self.prog} --help for usage)")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid date {text!r}: expected YYYY-MM-DD / 日期应为 YYYY-MM-DD") from None


def _positive_int(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = -1
    if n < 0:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a whole number ≥ 0 / 应为不小于 0 的整数")
    return n


def _seconds(text: str) -> float:
    try:
        n = float(text)
    except ValueError:
        n = -1.0
    if not n >= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: expected seconds ≥ 0 / 应为不小于 0 的秒数")
    return n


def _split_list(values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


def build_parser(lang: str = "zh") -> _Parser:
    zh = lang == "zh"

    def h(z: str, e: str) -> str:
        return z if zh else e

    with _argparse_lang(lang):
        p = _Parser(prog=PROG, description=h("政府信息公开工作年度报告合规检查",
                                             "compliance linter for government information-disclosure annual reports"))
        p.add_argument("--version", action="version", version=f"{PROG} {__version__}")
        sub = p.add_subparsers(dest="command", metavar="{check,parse,rules,rule,cache,serve}", parser_class=_Parser)

        common = _Parser(add_help=False)
        common.add_argument("--lang", choices=("zh", "en"), default=None,
                            help=h("输出语言（默认 zh）", "output language (default: zh)"))
        common.add_argument("--config", metavar="FILE", help=h("配置文件（report-lint.toml 或 pyproject.toml）",
                                                              "config file (report-lint.toml or pyproject.toml)"))
        common.add_argument("-p", dest="plugin_opts", action="append", default=[], metavar="no:NAME",
                            help=h("-p no:NAME 禁用插件 NAME；-p MODULE 加载插件模块",
                                   "block (no:NAME) or load (MODULE) a plugin"))

        c = sub.add_parser("check", parents=[common], help=h("检查报告", "check reports"),
                           description=h("检查报告文件或目录（- 表示从标准输入读取）",
                                         "check report files or directories (- reads stdin)"))
        c.add_argument("paths", nargs="+", metavar="PATH",
                       help=h("文件或目录；- 表示标准输入", "files or directories; - for stdin"))
        c.add_argument("--format", default="console", metavar="FORMAT",
                       help=h("输出格式", "output format") + f": {'|'.join(CHECK_FORMATS)} (default: console)")
        c.add_argument("-o", "--output", metavar="FILE",
                       help=h("写入文件而非标准输出", "write to FILE instead of stdout"))
        c.add_argument("--select", action="append", metavar="RULES",
                       help=h("只运行这些规则（编号、前缀、家族名、规则名，逗号分隔）",
                              "select rules (replaces the config)"))
        c.add_argument("--extend-select", action="append", metavar="RULES", help=h("追加规则", "add to the selection"))
        c.add_argument("--ignore", action="append", metavar="RULES", help=h("忽略规则", "ignore rules"))
        c.add_argument("--fail-under", type=float, metavar="N",
                       help=h("评分低于 N 时退出码为 1", "exit 1 when a score < N"))
        c.add_argument("--fail-level", choices=("error", "warning", "info"),
                       help=h("达到该级别的问题使退出码为 1（默认 error）",
                              "lowest severity that fails (default: error)"))
        c.add_argument("--exit-zero", action="store_true",
                       help=h("有问题也以 0 退出（2/3 除外）", "exit 0 even with findings"))
        c.add_argument("--published-on", type=_date, metavar="YYYY-MM-DD", help=h("发布日期", "publication date"))
        c.add_argument("--previous", metavar="FILE",
                       help=h("上一年度的报告（逐年比对）；同一批次中同一机关上一年的报告会自动配对",
                              "the previous year's report (year-over-year checks); a batch pairs them by itself"))
        c.add_argument("--convert", action="store_true",
                       help=h("用 LibreOffice 转换 .doc/.wps", "convert .doc/.wps with LibreOffice"))
        c.add_argument("--stdin-filename", metavar="NAME",
                       help=h("从标准输入读取时使用的文件名（决定格式与显示的路径）",
                              "file name for a report read from stdin (format, path shown)"))
        c.add_argument("-q", "--quiet", action="store_true", help=h("只显示汇总和错误", "only the summary and errors"))
        c.add_argument("-v", "--verbose", action="store_true",
                       help=h("显示更多（含解析说明）", "show more (parse notes too)"))
        c.add_argument("--show-parse-notes", action="store_true",
                       help=h("显示解析说明（如连写数字已拆分），默认只在 JSON 等输出中保留",
                              "show parse notes (kept in JSON either way)"))
        c.add_argument("--statistics", action="store_true", help=h("按规则统计问题数量", "count findings per rule"))
        c.add_argument("--baseline", metavar="FILE",
                       help=h("基线文件：不存在时写入（接受当前所有问题），存在时隐藏已接受的问题",
                              "baseline file: written when absent (accepting every finding), "
                              "else hides accepted findings"))
        c.add_argument("--write-baseline", action="store_true",
                       help=h("重新写入基线文件", "write the baseline file again"))
        c.add_argument("-j", "--jobs", type=_positive_int, metavar="N",
                       help=h("并行进程数（默认：CPU 核数）", "worker processes (default: number of cores)"))
        c.add_argument("--timeout", type=_seconds, metavar="SECONDS",
                       help=h("每个文件的时间上限（默认 60 秒，0 为不限）",
                              "time limit per file (default 60 s; 0 = none)"))
        c.add_argument("--memory-limit", type=_positive_int, metavar="MB",
                       help=h("每个文件的内存上限（默认 1536 MB，0 为不限）",
                              "memory limit per file (default 1536 MB; 0 = none)"))
        c.add_argument("--cache", dest="cache", action="store_true", default=None,
                       help=h("复用未改动文件的结果", "reuse the results of unchanged files"))
        c.add_argument("--no-cache", dest="cache", action="store_false", help=h("不使用缓存", "do not use the cache"))
        c.add_argument("--sort", choices=("path", "score"), default="path",
                       help=h("输出顺序：path（默认）或 score（得分最低的在前）",
                              "output order: path (default) or score (worst first)"))
        c.add_argument("--per-finding", action="store_true", help=h("CSV：每个问题一行", "csv: one row per finding"))
        c.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                       help=h("彩色输出", "colour (console)"))
        c.add_argument("--no-color", dest="color", action="store_const", const="never",
                       help=h("不使用颜色", "no colour"))

        ps = sub.add_parser("parse", parents=[common], help=h("解析报告并显示模型", "show the parsed model"),
                            description=h("解析一个报告文件", "parse one report file"))
        ps.add_argument("file", metavar="FILE")
        ps.add_argument("--format", choices=("rich", "json"), default="rich", help="rich (default) | json")
        ps.add_argument("--published-on", type=_date, metavar="YYYY-MM-DD", help=h("发布日期", "publication date"))
        ps.add_argument("--convert", action="store_true", help=h("用 LibreOffice 转换 .doc/.wps", "convert .doc/.wps"))
        ps.add_argument("--timeout", type=_seconds, metavar="SECONDS",
                        help=h("时间上限（默认 60 秒，0 为不限）", "time limit (default 60 s; 0 = none)"))
        ps.add_argument("--memory-limit", type=_positive_int, metavar="MB",
                        help=h("内存上限（默认 1536 MB，0 为不限）", "memory limit (default 1536 MB; 0 = none)"))
        ps.add_argument("--color", choices=("auto", "always", "never"), default="auto")
        ps.add_argument("--no-color", dest="color", action="store_const", const="never")

        rs = sub.add_parser("rules", parents=[common], help=h("列出规则目录", "list the rule catalogue"))
        rs.add_argument("--format", choices=("table", "json"), default="table")

        r1 = sub.add_parser("rule", parents=[common], help=h("显示规则说明", "show a rule's documentation"))
        r1.add_argument("rule_id", nargs="?", metavar="ID", help=h("规则编号或名称", "rule id or name"))
        r1.add_argument("--all", action="store_true", help=h("所有规则", "every rule"))
        r1.add_argument("--format", choices=("markdown", "json"), default="markdown")
        r1.add_argument("--color", choices=("auto", "always", "never"), default="auto")
        r1.add_argument("--no-color", dest="color", action="store_const", const="never")

        cc = sub.add_parser("cache", parents=[common], help=h("结果缓存", "the result cache"))
        cc.add_argument("action", choices=("clear", "dir"),
                        help=h("clear 清空缓存；dir 显示位置", "clear it, or show where it is"))

        _add_serve_parser(sub)
    return p


def _add_serve_parser(sub) -> None:
    sv = sub.add_parser("serve", help="本机自查网页 the self-check web page on 127.0.0.1",
                        description="在本机 127.0.0.1 上提供年报自查网页（文件不离开本机）/ serve the self-check page "
                                    "on 127.0.0.1 (files never leave this machine)")
    sv.add_argument("--port", type=int, default=8765, help="端口 port (default: 8765)")
    sv.add_argument("--open", action="store_true", help="在浏览器中打开 open the page in the default browser")
    sv.add_argument("--max-upload-mb", type=float, default=50.0, metavar="MB",
                    help="单个文件上限 per-file upload limit (default: 50)")
    sv.add_argument("--time-limit", type=float, default=120.0, metavar="SECONDS",
                    help="每次检查的时间上限 time budget per check (default: 120)")
    sv.add_argument("--workers", type=int, default=2, metavar="N",
                    help="并行检查进程数 checking processes (default: 2)")
    sv.add_argument("--config", metavar="FILE", help="配置文件 config file (report-lint.toml or pyproject.toml)")
    sv.add_argument("--lang", choices=("zh", "en"), default=None,
                    help="网页和提示的语言 page and message language (default: zh)")


# ---------------------------------------------------------------------------------------------

class _Out:
    def __init__(self, lang: str):
        self.lang = lang

    def t(self, key: str) -> str:
        return _T[self.lang][key]

    def warn(self, message: str) -> None:
        self._line(f"{PROG}: {self.t('warning')}: {message}")

    def error(self, message: str) -> None:
        self._line(f"{PROG}: {self.t('error')}: {message}")

    def note(self, message: str) -> None:
        self._line(f"{PROG}: {message}")

    @staticmethod
    def _line(text: str) -> None:
        if sys.stderr is None:  # stderr closed: nowhere to say it
            return
        with contextlib.suppress(OSError):
            print(text, file=sys.stderr)


def _plugins(opts: list[str]) -> tuple[list[str], list[str]]:
    blocked, modules = [], []
    for o in opts:
        if o.startswith("no:"):
            name = o[3:].strip()
            if not name:
                raise UsageError("usage", "-p no: 后面需要插件名", "-p no: needs a plugin name")
            blocked.append(name)
        else:
            modules.append(o)
    return blocked, modules


def _color(choice: str, to_file: bool, stream=None) -> bool:
    if choice == "always":
        return True
    if choice == "never" or to_file or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    stream = stream if stream is not None else sys.stdout
    return bool(stream is not None and stream.isatty())


def _stdout_problem(e: OSError | None = None) -> UsageError:
    why = f"：{e.strerror}" if e is not None and e.strerror else "（已关闭）"
    why_en = f": {e.strerror}" if e is not None and e.strerror else " (closed)"
    return UsageError("output-unwritable", f"无法写入标准输出{why}", f"cannot write to standard output{why_en}")


class _Sink:
    """Where the result goes: stdout, or --output. A regular file (or a new one) is written to a temporary
    file beside it and moved into place at the end, so an interrupted run never leaves half a file nor
    truncates the old one; anything else — /dev/null, a FIFO, a symlink — is opened and written as it is
    (replacing it would put a regular file in the place of the device or the link)."""

    def __init__(self, output: str | None):
        self.output = output
        self.fh: TextIO | None = None
        self.tmp: str | None = None

    def _open(self, output: str) -> TextIO:
        import stat
        import tempfile

        target = Path(output)
        try:
            st = os.lstat(target)
        except FileNotFoundError:
            st = None
        if st is not None and not stat.S_ISREG(st.st_mode):  # a device, FIFO or symlink: written in place
            return open(target, "w", encoding="utf-8", newline="")
        fd, self.tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=str(target.parent))
        return os.fdopen(fd, "w", encoding="utf-8", newline="")

    def write(self, text: str) -> None:
        if not text:
            return
        if self.output is None:
            if sys.stdout is None:
                raise _stdout_problem()
            try:
                sys.stdout.write(text)
                sys.stdout.flush()
            except BrokenPipeError:
                raise
            except OSError as e:  # a full disk or device (/dev/full)
                raise _stdout_problem(e) from None
            return
        try:
            if self.fh is None:
                self.fh = self._open(self.output)
            self.fh.write(text)
        except OSError as e:
            self.discard()
            raise UsageError("output-unwritable", f"无法写入 {self.output}：{e.strerror}",
                             f"cannot write {self.output}: {e.strerror}") from None

    def close(self) -> None:
        if self.output is None:
            return
        if self.fh is None:
            self.write("\n")
        assert self.fh is not None  # write() opened it, or raised
        try:
            self.fh.close()
            if self.tmp is not None:
                os.replace(self.tmp, self.output)
        except OSError as e:
            self.discard()
            raise UsageError("output-unwritable", f"无法写入 {self.output}：{e.strerror}",
                             f"cannot write {self.output}: {e.strerror}") from None
        self.fh = self.tmp = None

    def discard(self) -> None:
        if self.fh is not None:
            with contextlib.suppress(OSError):
                self.fh.close()
        if self.tmp:
            with contextlib.suppress(OSError):
                os.unlink(self.tmp)
        self.fh = self.tmp = None


def _emit(text: str, output: str | None = None) -> None:
    sink = _Sink(output)
    sink.write(text if text.endswith("\n") else text + "\n")
    sink.close()


def _engine(args, out: _Out, **config_overrides):
    from .config import load_config
    from .engine.runner import build_engine

    blocked, modules = _plugins(args.plugin_opts)
    paths = [p for p in getattr(args, "paths", None) or [] if p != "-"]
    start = paths[0] if paths else (getattr(args, "stdin_filename", None) or None)
    cfg = load_config(args.config) if args.config else load_config(start=start)
    return build_engine(cfg, blocked_plugins=blocked, plugin_modules=modules, **config_overrides)


def _refuse_overwriting_inputs(paths: list[str], output: str | None, convert: bool) -> None:
    """-o must never land on a report being checked: one named on the command line, or one a directory
    walk would list (an existing file under a given folder that is not report-lint's own output)."""
    if not output:
        return
    from .engine.batch import REPORT_EXTENSIONS, expand_paths, same_file

    target = Path(output)
    for p in paths:
        if p == "-":
            continue
        hit = False
        if os.path.isdir(p):
            if target.exists() and target.suffix.lower() in REPORT_EXTENSIONS:
                hit = any(same_file(f, target) for f in expand_paths([p], convert=convert))
        else:
            hit = same_file(p, target)
        if hit:
            raise UsageError("output-is-input", f"拒绝写入 {output}：它是要检查的输入文件之一（请换一个输出文件）",
                             f"refusing to write {output}: it is one of the inputs (choose another output file)")


def _read_stdin() -> bytes:
    from .readers import MAX_INPUT_BYTES

    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        raise UsageError("stdin-unreadable", "无法读取标准输入", "cannot read standard input")
    return stream.read(MAX_INPUT_BYTES + 1)


class _Progress:
    """A progress bar on stderr while a folder is checked — only on a terminal (never in piped or
    machine output), drawn from this loop (no thread, so worker processes fork cleanly)."""

    def __init__(self, lang: str):
        self.lang = lang
        self.bar: Progress | None = None
        self.task: TaskID | None = None
        self.last = 0.0

    def __call__(self, phase: str, done: int, total: int) -> None:
        import time

        if total < 2:
            return
        if self.bar is None:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                TimeRemainingColumn(), console=Console(file=sys.stderr), transient=True,
                                auto_refresh=False)
            self.bar.start()
        desc = {"check": ("检查", "checking"), "pair": ("逐年比对", "year over year")}[phase][self.lang != "zh"]
        if self.task is None or self.bar.tasks[self.task].description != desc:
            self.task = self.bar.add_task(desc, total=total)
        self.bar.update(self.task, completed=done)
        now = time.monotonic()
        if now - self.last > 0.1 or done == total:
            self.last = now
            self.bar.refresh()

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


def _jobs(args, engine) -> int:
    n = args.jobs if args.jobs is not None else engine.config.batch.jobs
    return n or os.cpu_count() or 1


class _StartUpGC:
    """Imports and the engine build allocate thousands of long-lived objects and almost no garbage: the
    cyclic collector would only walk them again and again. It is off until `done()`, which freezes what
    exists (gc.freeze) so that no collection walks it again — in this process, at its exit, or in a forked
    worker, whose pages then stay shared (~35 ms of a one-file run) — and turns the collector back on.
    Frozen objects stay frozen (unfreezing costs a full collection at exit); only the first command of a
    process freezes, so one that runs many commands (tests) keeps at most that first start-up's objects."""

    def __init__(self) -> None:
        import gc

        self.gc = gc
        # a caller that manages the collector itself (disabled it, froze objects) is left alone
        self.active = gc.isenabled() and gc.get_freeze_count() == 0
        if self.active:
            gc.disable()

    def done(self) -> None:
        if self.active:
            self.active = False
            self.gc.freeze()
            self.gc.enable()


def _limits(args, base: Any) -> Limits:
    """The per-file Limits of `check` and `parse`: --timeout / --memory-limit, else `base`'s (the [batch]
    settings); 0 turns a limit off."""
    from .engine.batch import Limits

    return Limits(timeout=(args.timeout if args.timeout is not None else base.timeout) or None,
                  memory_mb=(args.memory_limit if args.memory_limit is not None else base.memory_mb) or None)


def cmd_check(args, out: _Out) -> int:
    start_up = _StartUpGC()
    try:
        return _check(args, out, start_up)
    finally:
        start_up.done()


def _check(args, out: _Out, start_up: _StartUpGC) -> int:
    from .engine.batch import Batch
    from .engine.types import RunResult

    overrides: dict[str, Any] = {
        "select": _split_list(args.select), "extend_select": _split_list(args.extend_select),
        "ignore": _split_list(args.ignore), "fail_under": args.fail_under, "fail_level": args.fail_level,
        "lang": args.lang,
    }
    if args.paths.count("-") > 1:
        raise UsageError("usage", "标准输入（-）只能出现一次", "stdin (-) can be given only once")
    engine = _engine(args, out, **{k: v for k, v in overrides.items() if v is not None})
    out.lang = engine.lang
    cfg = engine.config
    render = engine.reporters.get(args.format)
    if render is None and args.format == "json":
        render = _fallback_json
    if render is None:
        available = ", ".join(sorted(engine.reporters)) or "json"
        raise UsageError("usage", f"未知的输出格式“{args.format}”（可用：{available}）",
                         f"unknown output format '{args.format}' (available: {available})")
    if args.statistics and args.format != "console":
        raise UsageError("usage", "--statistics 只用于 console 格式（JSON 的 summary.by_rule 已有统计）",
                         "--statistics goes with the console format (JSON has summary.by_rule)")
    if args.per_finding and args.format != "csv":
        raise UsageError("usage", "--per-finding 只用于 --format csv", "--per-finding goes with --format csv")
    _refuse_overwriting_inputs(args.paths, args.output, args.convert)
    for n in engine.notices:
        out.warn(n.message(engine.lang))
    stdin = None
    if "-" in args.paths:
        stdin = (args.stdin_filename or "<stdin>", _read_stdin())
    options = dict(cfg.reporter_options.get(args.format, {}))
    options.setdefault("rules", [r.meta for r in engine.rules])
    options.setdefault("color", _color(args.color, bool(args.output)))
    options["show_parse_notes"] = args.show_parse_notes or args.verbose or options.get("show_parse_notes", False)
    options["quiet"] = args.quiet
    options["statistics"] = args.statistics
    options["per_finding"] = args.per_finding
    options["show_errors"] = False  # unreadable files and internal errors: one line each on stderr (below)
    b = cfg.batch
    limits = _limits(args, b)
    progress = _Progress(engine.lang) if (not args.quiet and sys.stderr is not None and sys.stderr.isatty()) else None
    batch = Batch(engine, published_on=args.published_on, convert=args.convert, previous=args.previous,
                  jobs=_jobs(args, engine), limits=limits, cache=args.cache if args.cache is not None else b.cache,
                  baseline=args.baseline, write_baseline=args.write_baseline, guard=True,
                  exclude=(args.output,) if args.output else (), stdin=stdin,
                  sort="score" if args.sort == "score" else None, progress=progress)
    sink = _Sink(args.output)
    writer = render.writer(lang=engine.lang, options=options) if hasattr(render, "writer") else None
    head = RunResult(tool=engine.tool, files=[], summary=batch.summary())
    kept: list = []
    start_up.done()
    try:
        if writer is not None:
            sink.write(writer.begin(head))
        for fr in batch.run(args.paths):
            if progress is not None:
                progress.stop()  # results come after the work is done: the bar has said its piece
            if writer is not None:
                sink.write(writer.file(fr))
            else:
                fr.report = None
                kept.append(fr)
            # one line per unreadable file and per internal problem, whatever the format (stderr)
            if fr.error is not None and not fr.internal_errors:
                msg = fr.error.message
                out.error(msg if fr.path in msg else f"{fr.path}: {msg}")
            for p in fr.internal_errors:
                out.error(f"{fr.path}: {p.message}")
                if _debug() and p.traceback:
                    print(p.traceback, file=sys.stderr)
        if progress is not None:
            progress.stop()
        run = RunResult(tool=engine.tool, files=kept, summary=batch.summary())
        try:
            text = writer.end(run) if writer is not None else render(run, lang=engine.lang, options=options)
        except Exception as e:
            raise _InternalError(f"输出格式 {args.format} 出错：{type(e).__name__}: {e}",
                                 f"output format {args.format} failed: {type(e).__name__}: {e}") from e
        sink.write(text if writer is not None or text.endswith("\n") else text + "\n")
        sink.close()
    except BaseException:
        if progress is not None:
            progress.stop()
        sink.discard()
        raise
    for w in run.summary.get("warnings", []):
        if w.get("code") in ("no-files", "previous-unreadable"):
            out.warn(w["message"])
    if batch._baseline is not None:
        msg = batch._baseline.message()
        if msg:
            out.note(msg)
    code = batch.exit_code()
    if code == EXIT_INTERNAL and not _debug():
        out.note(out.t("debug"))
    if code == EXIT_USAGE and not run.summary.get("files_unreadable") and run.summary.get("files"):
        out.error("没有检查任何年度报告（所有文件都不是年度报告）" if out.lang == "zh"
                  else "no annual report was checked (no file is a report)")
    for path in run.summary.get("below_fail_under") or []:
        out.note(f"{path}：评分低于 --fail-under {cfg.fail_under:g}" if out.lang == "zh"
                  else f"{path}: score is under --fail-under {cfg.fail_under:g}")
    if args.output and not args.quiet:
        out.note(f"结果已写入 {args.output}" if out.lang == "zh" else f"results written to {args.output}")
    if args.exit_zero and code == EXIT_FINDINGS:
        return EXIT_OK
    return code


def _fallback_json(run, *, lang: str = "zh", options: dict | None = None) -> str:
    return run.model_dump_json(indent=2)


def cmd_cache(args, out: _Out) -> int:
    from .engine.cache import cache_dir, clear

    out.lang = args.lang or "zh"
    directory = cache_dir()
    if args.config:
        from .config import load_config

        settings = load_config(args.config).batch
        if settings.cache_dir:
            directory = Path(settings.cache_dir).expanduser()
    if args.action == "dir":
        _emit(str(directory))
        return EXIT_OK
    files, size = clear(directory)
    out.note(f"已清空缓存 {directory}（{files} 个文件，{size / 1048576:.1f} MB）" if out.lang == "zh"
             else f"cleared the cache {directory} ({files} files, {size / 1048576:.1f} MB)")
    return EXIT_OK


def cmd_parse(args, out: _Out) -> int:
    from .engine.batch import Limits, run_isolated
    from .engine.runner import parse_file

    lang = args.lang or "zh"
    base: Any = Limits()  # the defaults of the configuration's [batch]
    if args.config:  # for its language and its per-file limits
        from .config import load_config

        cfg = load_config(args.config)
        lang = args.lang or cfg.lang
        base = cfg.batch
    limits = _limits(args, base)
    out.lang = lang
    # In a worker with check's per-file limits: a reader stuck in C code or a memory bomb ends there.
    report = run_isolated(lambda: parse_file(args.file, published_on=args.published_on, convert=args.convert),
                          limits, args.file)
    if args.format == "json":
        _emit(report.to_json(), None)
        return EXIT_OK
    try:
        from .reporters.parsed_view import render_report
    except ImportError:
        out.warn("表格视图不可用，改为输出 JSON" if lang == "zh" else "the rich view is unavailable; printing JSON")
        _emit(report.to_json(), None)
        return EXIT_OK
    _emit(render_report(report, lang=lang, color=_color(args.color, False)), None)
    return EXIT_OK


def _rule_json(meta, engine) -> dict[str, Any]:
    from .engine.catalogue import help_uri

    d = meta.model_dump(mode="json")
    d["implemented"] = meta.id in engine.impls
    d["plugin"] = engine.impl_owner.get(meta.id)
    d["help_uri"] = help_uri(meta.id)
    return d


def cmd_rules(args, out: _Out) -> int:
    engine = _engine(args, out)
    lang = args.lang or engine.lang
    for n in engine.plugins.notices:
        out.warn(n.message(lang))
    if args.format == "json":
        _emit(json.dumps([_rule_json(m, engine) for m in engine.catalogue], ensure_ascii=False, indent=2), None)
        return EXIT_OK
    lines = []
    for m in engine.catalogue:
        what = m.doc.what.strip().splitlines()[0] if m.doc and m.doc.what.strip() else m.message_zh
        if lang == "en" and " / " in what:
            what = what.split(" / ", 1)[1]
        elif lang == "zh" and " / " in what:
            what = what.split(" / ", 1)[0]
        flag = "" if m.id in engine.impls else (" [未实现]" if lang == "zh" else " [not loaded]")
        status = "" if m.status == "stable" else f" ({m.status})"
        lines.append(f"{m.id}  {m.severity:<7}  {m.evidence}  {m.name}{status}{flag}\n      {what}")
    head = ("编号  级别     证据 名称 / 说明" if lang == "zh" else "ID    severity evid name / description")
    _emit("\n".join([head, *lines]) if lines else ("（规则目录为空）" if lang == "zh" else "(empty catalogue)"), None)
    return EXIT_OK


def cmd_rule(args, out: _Out) -> int:
    from .engine.catalogue import render_rule_doc

    engine = _engine(args, out)
    lang = args.lang or engine.lang
    cat = engine.catalogue
    if args.all:
        metas = list(cat)
    else:
        if not args.rule_id:
            raise UsageError("usage", "请给出规则编号（如 Z101），或使用 --all", "give a rule id (e.g. Z101) or --all")
        ref = args.rule_id.strip()
        meta = cat.resolve(ref)
        if meta is None:
            if ref.upper() in cat.deleted:
                raise UsageError("rule-deleted", f"规则 {ref.upper()} 已删除", f"rule {ref.upper()} was removed")
            close = difflib.get_close_matches(ref.upper(), list(cat.rules), n=1) or \
                difflib.get_close_matches(ref, [m.name for m in cat], n=1)
            hz = f"，是否想查 {close[0]}？" if close else ""
            he = f" (did you mean {close[0]}?)" if close else ""
            raise UsageError("unknown-rule", f"没有编号或名称为“{ref}”的规则{hz}",
                             f"no rule with id or name '{ref}'{he}")
        if ref.upper() in cat.redirects:
            out.note(f"{ref.upper()} 已改名为 {meta.id}" if lang == "zh" else f"{ref.upper()} was renamed to {meta.id}")
        metas = [meta]
    if args.format == "json":
        data = [_rule_json(m, engine) for m in metas]
        _emit(json.dumps(data if args.all else data[0], ensure_ascii=False, indent=2), None)
        return EXIT_OK
    back: dict[str, list[str]] = {}
    for old, new in cat.redirects.items():
        back.setdefault(new, []).append(old)
    text = "\n".join(render_rule_doc(m, lang, redirected_from=back.get(m.id, ())) for m in metas)
    if args.color == "always" or (sys.stdout is not None and sys.stdout.isatty()):
        _emit(_markdown_for_terminal(text, color=_color(args.color, False)))
    else:
        _emit(text)  # piped: the Markdown source, as docs/rules/ has it
    return EXIT_OK


def cmd_serve(args, out: _Out) -> int:
    if not 0 <= args.port <= 65535:
        raise UsageError("usage", f"端口应在 0–65535 之间：{args.port}", f"the port must be 0–65535: {args.port}")
    if args.max_upload_mb <= 0 or args.time_limit <= 0 or args.workers < 1:
        raise UsageError("usage", "--max-upload-mb、--time-limit 应大于 0，--workers 至少为 1",
                         "--max-upload-mb and --time-limit must be > 0, --workers at least 1")
    if args.config:  # a broken configuration is reported now, not on the first upload
        from .config import load_config

        load_config(args.config)
    try:
        from .web import WebSettings
        from .web.server import serve
    except ImportError as e:
        raise UsageError("web-unavailable", f"网页所需的组件未安装（{e.name}）：请重新安装 report-lint",
                         f"the web page's libraries are not installed ({e.name}): reinstall report-lint") from None
    settings = WebSettings(max_upload_mb=args.max_upload_mb, time_limit=args.time_limit, workers=args.workers,
                           config=args.config, lang=args.lang or "zh")

    def announce(url: str) -> None:
        out.note(f"自查网页：{url}（按 Ctrl+C 退出）" if out.lang == "zh"
                 else f"self-check page: {url} (Ctrl+C to stop)")

    serve(settings, port=args.port, open_browser=args.open, announce=announce)
    return EXIT_OK


def _markdown_for_terminal(text: str, *, color: bool) -> str:
    """A rule page rendered for a terminal (headings, tables, lists) instead of raw Markdown."""
    from io import StringIO

    from rich.console import Console
    from rich.markdown import Markdown

    width = shutil.get_terminal_size((100, 24)).columns
    buffer = StringIO()
    console = Console(file=buffer, force_terminal=color, color_system="256" if color else None,
                      width=min(width, 120), highlight=False, emoji=False)
    console.print(Markdown(text))
    return buffer.getvalue()


class _InternalError(Exception):
    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh, self.en = zh, en


def _debug() -> bool:
    return os.environ.get("REPORT_LINT_DEBUG", "").strip() not in ("", "0")


def _prescan_lang(argv: Sequence[str]) -> str:
    for i, a in enumerate(argv):
        if a == "--lang" and i + 1 < len(argv):
            return "en" if argv[i + 1] == "en" else "zh"
        if a.startswith("--lang="):
            return "en" if a.split("=", 1)[1] == "en" else "zh"
    return "zh"


class _Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is so that worker processes and temporary files are cleaned up."""


class _terminate_cleanly:
    """While a command runs, SIGTERM unwinds it like Ctrl-C (exit 143) instead of killing it outright."""

    def __enter__(self) -> None:
        import signal
        import threading

        self.old = None
        if threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGTERM"):
            def on_term(signum, frame):
                raise _Terminated()

            self.old = signal.signal(signal.SIGTERM, on_term)

    def __exit__(self, *exc: Any) -> None:
        if self.old is not None:
            import signal

            signal.signal(signal.SIGTERM, self.old)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    out = _Out(_prescan_lang(argv))
    if not argv:
        with _argparse_lang(out.lang):
            build_parser(out.lang).print_help(sys.stderr)
        return EXIT_USAGE
    if (argv[0] not in COMMANDS and not argv[0].startswith("-")) or argv[0] == "-":
        argv.insert(0, "check")  # `report-lint FILE` means `report-lint check FILE`
    try:
        try:
            with _argparse_lang(out.lang):
                parser = build_parser(out.lang)
                args = parser.parse_args(argv)
        except SystemExit as e:  # --help / --version printed what they print
            if sys.stdout is not None:
                try:
                    sys.stdout.flush()
                except OSError as err:
                    raise _stdout_problem(err) from None
            return int(e.code or 0) if not isinstance(e.code, str) else EXIT_USAGE
        if args.command is None:
            with _argparse_lang(out.lang):
                parser.print_help(sys.stderr)
            return EXIT_USAGE
        handler = {"check": cmd_check, "parse": cmd_parse, "rules": cmd_rules, "rule": cmd_rule,
                   "cache": cmd_cache, "serve": cmd_serve}[args.command]
        with _terminate_cleanly():
            return handler(args, out)
    except ReportLintError as e:
        from .engine.catalogue import CatalogueError

        if isinstance(e, CatalogueError):  # report-lint's own data is broken: an internal error
            out.error(f"{out.t('internal')}: {e.message(out.lang)}")
            return EXIT_INTERNAL
        out.error(e.message(out.lang))
        return EXIT_USAGE
    except _InternalError as e:
        out.error(f"{out.t('internal')}: {e.zh if out.lang == 'zh' else e.en}")
        if _debug():
            traceback.print_exc()
        else:
            out.note(out.t("debug"))
        return EXIT_INTERNAL
    except _Terminated:
        return 143
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130
    except BrokenPipeError:  # `report-lint ... | head`: the reader has what it wanted
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())  # so the exit-time flush does not complain
        except (OSError, AttributeError, ValueError):
            pass
        return EXIT_OK
    except Exception as e:  # noqa: BLE001 - the last boundary: any bug becomes one line and exit 3, not a traceback
        detail = " ".join(f"{type(e).__name__}: {e}".split())[:300]
        out.error(f"{out.t('internal')}: {detail}")
        if _debug():
            traceback.print_exc()
        else:
            out.note(out.t("debug"))
        return EXIT_INTERNAL


__all__ = ["EXIT_FINDINGS", "EXIT_INTERNAL", "EXIT_OK", "EXIT_USAGE", "build_parser", "main"]
