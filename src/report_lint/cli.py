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
import difflib
import json
import os
import sys
import traceback
from datetime import date
from pathlib import Path
from typing import Any, Optional, Sequence

from . import __version__
from .errors import ReportLintError

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
COMMANDS = ("check", "parse", "rules", "rule", "serve")
CHECK_FORMATS = ("console", "json", "sarif", "junit", "github", "markdown", "html")
PROG = "report-lint"

_T = {
    "zh": {"error": "错误", "warning": "警告", "internal": "report-lint 内部错误",
           "debug": "设置 REPORT_LINT_DEBUG=1 可查看详细信息"},
    "en": {"error": "error", "warning": "warning", "internal": "report-lint internal error (report-lint 内部错误)",
           "debug": "set REPORT_LINT_DEBUG=1 for details"},
}


class UsageError(ReportLintError):
    """A bad command line (exit 2)."""


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line (and exit code 2) instead of usage + message."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError("usage", f"{message}（运行 {self.prog} --help 查看用法）",
                         f"{message} (run {self.prog} --help for usage)")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid date {text!r}: expected YYYY-MM-DD / 日期应为 YYYY-MM-DD") from None


def _split_list(values: Optional[list[str]]) -> Optional[list[str]]:
    if values is None:
        return None
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


def build_parser() -> _Parser:
    p = _Parser(prog=PROG, description="政府信息公开工作年度报告合规检查 / compliance linter for "
                                       "government information-disclosure annual reports")
    p.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = p.add_subparsers(dest="command", metavar="{check,parse,rules,rule,serve}", parser_class=_Parser)

    common = _Parser(add_help=False)
    common.add_argument("--lang", choices=("zh", "en"), default=None, help="输出语言 output language (default: zh)")
    common.add_argument("--config", metavar="FILE", help="配置文件 config file (report-lint.toml or pyproject.toml)")
    common.add_argument("-p", dest="plugin_opts", action="append", default=[], metavar="no:NAME",
                        help="-p no:NAME 禁用插件 NAME；-p MODULE 加载插件模块 / block or load a plugin")

    c = sub.add_parser("check", parents=[common], help="检查报告 check reports",
                       description="检查报告文件或目录 / check report files or directories")
    c.add_argument("paths", nargs="+", metavar="PATH", help="文件或目录 files or directories")
    c.add_argument("--format", default="console", metavar="FORMAT",
                   help=f"输出格式 output format: {'|'.join(CHECK_FORMATS)} (default: console)")
    c.add_argument("-o", "--output", metavar="FILE", help="写入文件而非标准输出 write to FILE instead of stdout")
    c.add_argument("--select", action="append", metavar="RULES",
                   help="只运行这些规则（编号、前缀、家族名、规则名，逗号分隔）select rules (replaces the config)")
    c.add_argument("--extend-select", action="append", metavar="RULES", help="追加规则 add to the selection")
    c.add_argument("--ignore", action="append", metavar="RULES", help="忽略规则 ignore rules")
    c.add_argument("--fail-under", type=float, metavar="N", help="评分低于 N 时退出码为 1 exit 1 when a score < N")
    c.add_argument("--fail-level", choices=("error", "warning", "info"),
                   help="达到该级别的问题使退出码为 1（默认 error）lowest severity that fails (default: error)")
    c.add_argument("--exit-zero", action="store_true", help="有问题也以 0 退出（2/3 除外）exit 0 even with findings")
    c.add_argument("--published-on", type=_date, metavar="YYYY-MM-DD", help="发布日期 publication date")
    c.add_argument("--previous", metavar="FILE",
                   help="上一年度的报告（逐年比对）；同一批次中同一机关上一年的报告会自动配对 "
                        "the previous year's report (year-over-year checks); a batch pairs them by itself")
    c.add_argument("--convert", action="store_true",
                   help="用 LibreOffice 转换 .doc/.wps convert .doc/.wps with LibreOffice")
    c.add_argument("--color", choices=("auto", "always", "never"), default="auto", help="彩色输出 colour (console)")

    ps = sub.add_parser("parse", parents=[common], help="解析报告并显示模型 show the parsed model",
                        description="解析一个报告文件 / parse one report file")
    ps.add_argument("file", metavar="FILE")
    ps.add_argument("--format", choices=("rich", "json"), default="rich", help="rich (default) | json")
    ps.add_argument("--published-on", type=_date, metavar="YYYY-MM-DD", help="发布日期 publication date")
    ps.add_argument("--convert", action="store_true", help="用 LibreOffice 转换 .doc/.wps")
    ps.add_argument("--color", choices=("auto", "always", "never"), default="auto")

    rs = sub.add_parser("rules", parents=[common], help="列出规则目录 list the rule catalogue")
    rs.add_argument("--format", choices=("table", "json"), default="table")

    r1 = sub.add_parser("rule", parents=[common], help="显示规则说明 show a rule's documentation")
    r1.add_argument("rule_id", nargs="?", metavar="ID", help="规则编号或名称 rule id or name")
    r1.add_argument("--all", action="store_true", help="所有规则 every rule")
    r1.add_argument("--format", choices=("markdown", "json"), default="markdown")
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
    sv.add_argument("--workers", type=int, default=2, metavar="N", help="并行检查进程数 checking processes (default: 2)")
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
        print(f"{PROG}: {self.t('warning')}: {message}", file=sys.stderr)

    def error(self, message: str) -> None:
        print(f"{PROG}: {self.t('error')}: {message}", file=sys.stderr)

    def note(self, message: str) -> None:
        print(f"{PROG}: {message}", file=sys.stderr)


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


def _color(choice: str, to_file: bool) -> bool:
    if choice == "always":
        return True
    if choice == "never" or to_file or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return sys.stdout.isatty()


def _emit(text: str, output: Optional[str]) -> None:
    if not text.endswith("\n"):
        text += "\n"
    if output:
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as e:
            raise UsageError("output-unwritable", f"无法写入 {output}：{e.strerror}",
                             f"cannot write {output}: {e.strerror}") from None
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def _engine(args, out: _Out, **config_overrides):
    from .config import load_config
    from .engine.runner import build_engine

    blocked, modules = _plugins(args.plugin_opts)
    start = args.paths[0] if getattr(args, "paths", None) else None
    cfg = load_config(args.config) if args.config else load_config(start=start)
    return build_engine(cfg, blocked_plugins=blocked, plugin_modules=modules, **config_overrides)


def cmd_check(args, out: _Out) -> int:
    from .engine.runner import exit_code, run_paths

    overrides: dict[str, Any] = {
        "select": _split_list(args.select), "extend_select": _split_list(args.extend_select),
        "ignore": _split_list(args.ignore), "fail_under": args.fail_under, "fail_level": args.fail_level,
        "lang": args.lang,
    }
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
    run = run_paths(engine, args.paths, published_on=args.published_on, convert=args.convert,
                    previous=args.previous)
    for w in run.summary.get("warnings", []):
        out.warn(w["message"])
    code = exit_code(run, fail_level=cfg.fail_level, fail_under=cfg.fail_under)
    options = dict(cfg.reporter_options.get(args.format, {}))
    options.setdefault("rules", [r.meta for r in engine.rules])
    options.setdefault("color", _color(args.color, bool(args.output)))
    try:
        text = render(run, lang=engine.lang, options=options)
    except Exception as e:
        raise _InternalError(f"输出格式 {args.format} 出错：{type(e).__name__}: {e}",
                             f"output format {args.format} failed: {type(e).__name__}: {e}") from e
    _emit(text, args.output)
    # one line per unreadable file and per internal problem, whatever the format (stderr)
    for fr in run.files:
        if fr.error is not None and (args.format != "console" or args.output):
            out.error(f"{fr.path}: {fr.error.message}")
        for p in fr.internal_errors:
            out.error(f"{fr.path}: {p.message}")
            if _debug() and p.traceback:
                print(p.traceback, file=sys.stderr)
    if code == EXIT_INTERNAL and not _debug():
        out.note(out.t("debug"))
    below = run.summary.get("below_fail_under") or []
    for fr in run.files:
        if fr.path in below:
            out.note((f"{fr.path}：评分 {fr.score} 低于 --fail-under {cfg.fail_under:g}" if out.lang == "zh"
                      else f"{fr.path}: score {fr.score} is under --fail-under {cfg.fail_under:g}"))
    if args.output:
        out.note((f"结果已写入 {args.output}" if out.lang == "zh" else f"results written to {args.output}"))
    if args.exit_zero and code == EXIT_FINDINGS:
        return EXIT_OK
    return code


def _fallback_json(run, *, lang: str = "zh", options: Optional[dict] = None) -> str:
    return run.model_dump_json(indent=2)


def cmd_parse(args, out: _Out) -> int:
    from .engine.runner import parse_file

    lang = args.lang or "zh"
    if args.config:  # only for its language setting
        from .config import load_config

        lang = args.lang or load_config(args.config).lang
    out.lang = lang
    report = parse_file(args.file, published_on=args.published_on, convert=args.convert)
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
            raise UsageError("unknown-rule", f"没有编号或名称为“{ref}”的规则{hz}", f"no rule with id or name '{ref}'{he}")
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
    _emit("\n".join(render_rule_doc(m, lang, redirected_from=back.get(m.id, ())) for m in metas), None)
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
        from .web.server import serve
        from .web import WebSettings
    except ImportError as e:
        raise UsageError("web-unavailable", f"网页所需的组件未安装（{e.name}）：请重新安装 report-lint",
                         f"the web page's libraries are not installed ({e.name}): reinstall report-lint") from None
    settings = WebSettings(max_upload_mb=args.max_upload_mb, time_limit=args.time_limit, workers=args.workers,
                           config=args.config, lang=args.lang or "zh")

    def announce(url: str) -> None:
        out.note(f"自查网页：{url}（按 Ctrl+C 退出）" if out.lang == "zh" else f"self-check page: {url} (Ctrl+C to stop)")

    serve(settings, port=args.port, open_browser=args.open, announce=announce)
    return EXIT_OK


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


def main(argv: Optional[Sequence[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    out = _Out(_prescan_lang(argv))
    parser = build_parser()
    if not argv:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    if argv[0] not in COMMANDS and not argv[0].startswith("-"):
        argv.insert(0, "check")  # `report-lint FILE` means `report-lint check FILE`
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help(sys.stderr)
            return EXIT_USAGE
        handler = {"check": cmd_check, "parse": cmd_parse, "rules": cmd_rules, "rule": cmd_rule,
                   "serve": cmd_serve}[args.command]
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
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return 130
    except BrokenPipeError:  # `report-lint ... | head`
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return EXIT_OK
    except Exception as e:
        detail = " ".join(f"{type(e).__name__}: {e}".split())[:300]
        out.error(f"{out.t('internal')}: {detail}")
        if _debug():
            traceback.print_exc()
        else:
            out.note(out.t("debug"))
        return EXIT_INTERNAL


__all__ = ["EXIT_FINDINGS", "EXIT_INTERNAL", "EXIT_OK", "EXIT_USAGE", "build_parser", "main"]
