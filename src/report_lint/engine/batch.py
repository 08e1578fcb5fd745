"""Batch runs: many files, bounded memory, a time and memory budget per file, stable results.

    batch = Batch(engine, jobs=4)
    for fr in batch.run(["reports/"]):      # FileResults in file order (or by score with sort="score")
        ...
    batch.summary()                         # the run's summary (engine.runner.Tally)

How a folder is checked (docs/cli.md "Batch runs"):

1. The walk (`expand_paths`) lists report files once each — directories by their real path, so symlink
   loops end — skipping hidden entries, README-like files, report-lint's own output and the `-o` target.
2. Phase 1, over a pool of worker processes (`--jobs`): each file is read, parsed and checked without a
   previous-year report. The worker runs under a memory limit (RLIMIT_AS) and the parent kills and
   replaces one that overruns its time budget, so a hostile file becomes one "unreadable: too slow / too
   large" result and the batch goes on. Results go to a temporary file, not to memory; a report some
   rule wanted the previous year for (the Y rules) is kept in a spool too (Spool): for the Y rules only
   the part of it they read (its year view) and the findings of the other rules; for a plugin's rule the
   whole report with what each rule said.
3. Phase 2: the organ/year index built in phase 1 pairs each such report with the same organ's report
   for the year before (the first file in walk order with that key — or `--previous FILE`); only the
   rules that looked for the previous report run again, on the reports re-loaded from the spool, and
   their findings join the others' (Engine.conclude_again).
4. The results are read back one at a time, in file order, filtered by a baseline, summarised (Tally)
   and handed to the output format.

Memory is flat in the number of files: no Report and no FileResult is held beyond the one in hand.
Results are identical whatever the number of jobs. An optional cache (engine/cache.py) skips files
whose content, configuration and rule data are unchanged.
"""
from __future__ import annotations

import contextlib
import os
import pickle
import re
import shutil
import stat
import tempfile
import time
import zlib
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import ConfigError, InputError, ReportLintError
from ..model import Report
from .plugins import Notice
from .runner import (
    CONVERT_EXTENSIONS,
    REPORT_EXTENSIONS,
    Engine,
    Outcome,
    RuleOutput,
    Tally,
    Trace,
    _internal,
    organ_year_key,
)
from .types import FileError, FileResult

DEFAULT_TIMEOUT = 60.0
DEFAULT_MEMORY_MB = 1536


@dataclass(frozen=True)
class Limits:
    """Per-file budget: wall-clock seconds for reading, parsing and checking one file, and how much memory
    (MB of address space) a worker may add while doing it. None turns a limit off."""

    timeout: float | None = DEFAULT_TIMEOUT
    memory_mb: int | None = DEFAULT_MEMORY_MB


# ---------------------------------------------------------------------------------------------
# names and the walk

_CONTROL = r"[\x00-\x1f\x7f-\x9f\u2028\u2029]"  # compiled on first use


def display_path(path: str | Path) -> str:
    """The path as shown in every output: valid UTF-8 (bytes that are not UTF-8 — a GBK file name — as
    \\xNN escapes) and no control characters (a newline or an escape sequence in a file name is written
    as \\n, \\x1b), so a file name can neither break JSON/SARIF nor drive the terminal."""
    text = os.fsencode(str(path)).decode("utf-8", "backslashreplace")
    return re.sub(_CONTROL, lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


PROJECT_FILES = {"README", "CHANGELOG", "CHANGES", "LICENSE", "NOTICE", "CONTRIBUTING"}


@lru_cache(maxsize=1)
def _own_output() -> tuple[re.Pattern[bytes], ...]:
    """What report-lint's own output files start with (so a folder run never lints last run's output)."""
    return (
        re.compile(rb'^\s*\{\s*"schema_version"\s*:\s*\d+\s*,\s*"tool"\s*:\s*\{\s*"name"\s*:\s*"report-lint"'),  # json
        re.compile(rb'^\s*\{\s*"\$schema"[^\n]*sarif'),  # sarif (checked with the driver name below)
        re.compile(rb'^<\?xml[^>]*>\s*<testsuites name="report-lint"'),  # junit
        re.compile(rb'<meta name="generator" content="report-lint'),  # html
        re.compile(rb'^# (\xe6\x94\xbf\xe5\xba\x9c\xe4\xbf\xa1\xe6\x81\xaf\xe5\x85\xac\xe5\xbc\x80'
                   rb'\xe5\xb7\xa5\xe4\xbd\x9c\xe5\xb9\xb4\xe5\xba\xa6\xe6\x8a\xa5\xe5\x91\x8a'
                   rb'\xe6\xa3\x80\xe6\x9f\xa5\xe7\xbb\x93\xe6\x9e\x9c'
                   rb'|Annual disclosure report check results)\s*\n'),  # markdown
        re.compile(rb'^(::group::|::(error|warning|notice) )'),  # github
        re.compile(rb'^(\xef\xbb\xbf)?path,organ,year,template,score,grade,'),  # csv
        re.compile(rb'^\{"type": ?"(file|summary)"'),  # jsonl
        re.compile(rb"^[^\n]{1,400}? (?:\xe2\x94\x80){8,}\r?\n"),  # console: the rule line (U+2500) above a file
        re.compile("^(\u6c47\u603b\uff1a|Summary: |report-lint[ :])".encode()),  # console -q, github's last line
    )


def looks_like_own_output(head: bytes) -> bool:
    for rx in _own_output():
        if rx.search(head):
            return not rx.pattern.startswith(rb'^\s*\{\s*"$schema"') or b'"report-lint"' in head
    return False


def _head(path: str, n: int = 4096) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(n)
    except OSError:
        return b""


def _looks_like_model(path: str) -> bool:
    head = _head(path, 65536)
    return not head or (b'"tables"' in head and b'"meta"' in head)


def same_file(a: str | Path, b: str | Path) -> bool:
    """Same file by inode (hard links, symlinks) or, when either does not exist, by resolved path."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def expand_paths(paths: Iterable[str | Path], *, convert: bool = False,
                 exclude: Iterable[str | Path] = ()) -> list[str]:
    """Files as given, directories walked recursively (sorted; hidden entries skipped) for report files.
    In a directory a .json file counts only when it looks like a parsed-report export; a README-like file,
    report-lint's own output and the `exclude`d files (the -o target) are skipped. Each directory is
    entered once by its real path, so symlink loops end. A file named explicitly is always listed."""
    exts = REPORT_EXTENSIONS + (CONVERT_EXTENSIONS if convert else ())
    excluded = [str(e) for e in exclude]
    out: list[str] = []
    seen_files: set[str] = set()

    def add(p: str) -> None:
        if p not in seen_files:
            seen_files.add(p)
            out.append(p)

    def walk(directory: str, visited: set[tuple[int, int]]) -> None:
        try:
            st = os.stat(directory)
        except OSError:
            return
        ident = (st.st_dev, st.st_ino)
        if ident in visited:
            return  # a symlink back into a directory already walked
        visited.add(ident)
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            return
        for e in entries:
            if e.name.startswith("."):
                continue
            try:
                is_dir = e.is_dir()  # follows symlinks; a loop raises or says False
            except OSError:
                is_dir = False
            if is_dir:
                walk(e.path, visited)
                continue
            suffix = os.path.splitext(e.name)[1].lower()
            if suffix not in exts or os.path.splitext(e.name)[0].upper() in PROJECT_FILES:
                continue
            try:
                regular = e.is_file()
            except OSError:
                regular = False
            if not regular and not e.is_symlink():
                continue  # sockets, fifos…; a looping or dangling symlink is listed and reported unreadable
            if any(same_file(e.path, x) for x in excluded):
                continue
            if regular and suffix == ".json" and not _looks_like_model(e.path):
                continue
            if regular and looks_like_own_output(_head(e.path)):
                continue
            add(e.path)

    for p in paths:
        p = str(p)
        if p != "-" and os.path.isdir(p):
            walk(p, set())
        else:
            add(p)
    return out


def read_input(path: str, name: str) -> bytes:
    """The file's bytes, or an InputError that says in one line why not. Read-only."""
    from ..readers import MAX_INPUT_BYTES

    try:
        st = os.stat(path)
    except OSError as e:
        if e.errno == 40:  # ELOOP
            raise InputError("symlink-loop", f"{name} 是指向自身的符号链接", f"{name} is a symlink loop") from None
        if isinstance(e, FileNotFoundError):
            raise InputError("not-found", f"文件不存在：{name}", f"file not found: {name}") from None
        raise InputError("unreadable", f"无法读取 {name}：{e.strerror}", f"cannot read {name}: {e.strerror}") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError("is-directory", f"{name} 是目录，不是文件", f"{name} is a directory, not a file")
    if not stat.S_ISREG(st.st_mode):
        raise InputError("not-a-file", f"{name} 不是普通文件", f"{name} is not a regular file")
    if st.st_size == 0:
        raise InputError("empty-file", f"{name} 是空文件", f"{name} is empty")
    if st.st_size > MAX_INPUT_BYTES:
        mb, cap = st.st_size // 1048576, MAX_INPUT_BYTES // 1048576
        raise InputError("too-large", f"{name} 过大（{mb} MB），超过 {cap} MB 上限",
                         f"{name} is too large ({mb} MB > {cap} MB)")
    try:
        with open(path, "rb") as fh:
            return fh.read(MAX_INPUT_BYTES + 1)
    except OSError as e:
        raise InputError("unreadable", f"无法读取 {name}：{e.strerror}", f"cannot read {name}: {e.strerror}") from None


# ---------------------------------------------------------------------------------------------
# one file

Spooled = tuple[int, int, int, str]  # where a report was kept: (worker pid, offset, size, "whole" | "view")


@dataclass
class PrevRef:
    """The previous year's report for a pairing: another file of the batch (`index`), a file named with
    --previous (`path`), or a Report object (`report`, library use)."""

    index: int | None = None
    path: str | None = None
    name: str | None = None
    sha256: str | None = None
    report: Report | None = None
    spooled: Spooled | None = None  # where phase 1 kept the report at `index`

    @property
    def key(self) -> tuple:
        return (self.index, self.path, id(self.report) if self.report is not None else None)


@dataclass
class Task:
    kind: str  # "first" (phase 1) or "pair" (phase 2)
    index: int
    path: str  # to open (may hold undecodable bytes as surrogates)
    name: str  # to show (display_path)
    data: bytes | None = None  # stdin
    prev: PrevRef | None = None
    sha256: str | None = None  # known after phase 1
    spooled: Spooled | None = None  # where phase 1 kept the report


@dataclass
class Packed:
    """A FileResult as the results store keeps it (`blob`, see _Store) with what the parent reads of it
    before the end. A worker sends its results so: the parent then neither unpickles a result nor encodes
    it again."""

    blob: bytes
    sha256: str | None
    score: float | None


def pack(fr: FileResult) -> Packed:
    fr.report = None
    if fr.internal_errors:  # pickled, to keep the tracebacks (REPORT_LINT_DEBUG) that JSON leaves out
        blob = b"P" + pickle.dumps(fr, protocol=pickle.HIGHEST_PROTOCOL)
    else:
        blob = b"J" + fr.model_dump_json().encode("utf-8", "surrogatepass")
    return Packed(blob, fr.sha256, fr.score)


@dataclass
class First:
    """Phase 1 of one file: its result (final unless it gets paired), its organ/year key, and whether
    a rule looked for the previous year's report."""

    index: int
    result: FileResult | Packed
    key: tuple[str, int] | None = None
    reads_previous: bool = False
    spooled: Spooled | None = None  # where the report was kept for phase 2


class Spool:
    """Reports and rule outcomes kept between phase 1 and phase 2: in memory (one process), or appended to
    one file per worker process in a directory that every worker reads. `put` says where a report went;
    the parent passes that on to the phase-2 tasks (a worker that dies mid-write never reports the place,
    so a partial record is never read).

    A report is kept whole with its outcome (`put`), or — when every rule that looked for the previous
    year's report reads only a part of a report (the Y rules: checks/year_over_year.year_view) — as that
    part (`put_view`: what phase 2 reads as this year's and as last year's report) followed by what phase 2
    needs to conclude again without the whole report: the outcome without the other rules' hits, and the
    Trace of the findings built in phase 1."""

    def __init__(self, directory: str | None = None):
        self.directory = directory
        self.memory: dict[int, tuple[Report, Outcome]] = {}
        self._out: tuple[int, Any] | None = None  # (pid, file) this process appends to
        self._in: dict[int, Any] = {}  # files read from (by worker pid), kept open

    def put(self, index: int, report: Report, outcome: Outcome) -> Spooled | None:
        if self.directory is None:
            self.memory[index] = (report, outcome)
            return (0, index, 0, "whole")
        # One pickle of both: reading it back costs about half of Report.model_validate_json (0.7 against
        # 1.5 ms per corpus report), and phase 2 reads each spooled report up to twice. The folder is this
        # run's own private temporary directory: nothing else writes what is unpickled here.
        try:
            blob = zlib.compress(pickle.dumps((report, outcome), protocol=pickle.HIGHEST_PROTOCOL), 1)
        except Exception:  # noqa: BLE001 - a plugin's hit may fail to pickle in any way: phase 2 parses again
            return None
        return self._append(blob, "whole")

    def put_view(self, view: Report, outcome: Outcome, trace: Trace) -> Spooled | None:
        """The view, then the outcome's rule list and the outputs of the rules that run again (the others'
        findings are in the trace, as JSON: quicker both ways than a pickle of the models). Not
        compressed: zlib took as long as all the rest."""
        ids = [o.rule for o in outcome.outputs]
        rerun = [(i, o) for i, o in enumerate(outcome.outputs) if o.read_previous]
        try:
            blob = (pickle.dumps(view, protocol=pickle.HIGHEST_PROTOCOL)
                    + pickle.dumps((outcome.path, outcome.rules, outcome.fatal, ids, rerun, trace.outputs,
                                    _findings_json().dump_json(trace.findings), trace.filled),
                                   protocol=pickle.HIGHEST_PROTOCOL))
        except Exception:  # noqa: BLE001 - as in put: phase 2 then parses again
            return None
        return self._append(blob, "view")

    def _append(self, blob: bytes, kind: str) -> Spooled:
        assert self.directory is not None
        pid = os.getpid()
        if self._out is None or self._out[0] != pid:  # a forked worker appends to a file of its own
            name = os.path.join(self.directory, f"{pid}.spool")
            self._out = (pid, open(name, "ab"))  # noqa: SIM115 - open while the worker lives
        fh = self._out[1]
        offset = fh.tell()
        fh.write(blob)
        fh.flush()  # read by other processes in phase 2
        return (pid, offset, len(blob), kind)

    def _read(self, where: Spooled) -> bytes:
        assert self.directory is not None
        pid, offset, size, _ = where
        fh = self._in.get(pid)
        if fh is None:
            fh = self._in[pid] = open(os.path.join(self.directory, f"{pid}.spool"), "rb")  # noqa: SIM115 - open while the worker lives
        fh.seek(offset)
        return fh.read(size)

    def get(self, where: Spooled) -> tuple[Report, Outcome] | None:
        """A report kept whole, and its outcome."""
        if self.directory is None:
            return self.memory.get(where[1])
        if where[3] != "whole":
            return None
        report, outcome = pickle.loads(zlib.decompress(self._read(where)))
        return report, outcome

    def pair(self, where: Spooled) -> tuple[Report, Outcome, Trace] | None:
        """What put_view kept (None: the report was kept whole)."""
        if self.directory is None or where[3] != "view":
            return None
        import io

        buf = io.BytesIO(self._read(where))
        view = pickle.load(buf)
        path, rules, fatal, ids, rerun, outputs, findings, filled = pickle.load(buf)
        outs = [RuleOutput(rule, [], None, False) for rule in ids]
        for i, out in rerun:
            outs[i] = out
        trace = Trace(outputs, _findings_json().validate_json(findings), filled)
        return view, Outcome(path, rules, outs, fatal=fatal), trace

    def report(self, where: Spooled, *, view: bool) -> Report | None:
        """The report as kept: whole, or (when `view`: the caller reads only the year view) its view."""
        if self.directory is None or where[3] == "whole":
            got = self.get(where)
            return got[0] if got is not None else None
        if not view:
            return None
        return pickle.loads(self._read(where))  # the view is the first pickle of the record


@lru_cache(maxsize=1)
def _findings_json() -> Any:
    from pydantic import TypeAdapter

    from .types import Finding

    return TypeAdapter(list[Finding])


def _error(name: str, code: str, zh: str, en: str, lang: str, sha: str | None = None) -> FileResult:
    return FileResult(path=name, error=FileError(code=code, message=zh if lang == "zh" else en), sha256=sha)


def timeout_result(name: str, lang: str, seconds: float | None) -> FileResult:
    s = f"{seconds:g}" if seconds else "?"
    return _error(name, "timeout", f"无法读取 {name}：处理超时（超过 {s} 秒）",
                  f"cannot read {name}: took too long (over {s} s)", lang)


def memory_result(name: str, lang: str, mb: int | None) -> FileResult:
    m = f"{mb} MB" if mb else "?"
    return _error(name, "too-much-memory", f"无法读取 {name}：超出内存上限（{m}）",
                  f"cannot read {name}: needs too much memory (limit {m})", lang)


def crash_result(name: str, lang: str, how: str) -> FileResult:
    return _error(name, "worker-died", f"无法读取 {name}：处理该文件的进程异常退出（{how}）",
                  f"cannot read {name}: the process handling it died ({how})", lang)


class Processor:
    """Reads, parses and checks one file — the same code in this process and in a worker."""

    def __init__(self, engine: Engine, *, published_on: date | None = None, convert: bool = False,
                 spool: Spool | None = None, cache: Any = None, keep_reports: bool = False,
                 spool_all: bool = False, limits: Limits | None = None):
        self.engine = engine
        self.published_on = published_on
        self.convert = convert
        self.spool = spool
        self.cache = cache
        self.keep_reports = keep_reports
        self.spool_all = spool_all  # --previous given: every report may be paired
        self.limits = limits or Limits()
        self._previous: OrderedDict[tuple, Report | None] = OrderedDict()  # a few previous-year reports

    @property
    def lang(self) -> str:
        return self.engine.lang

    def _options(self) -> list:
        return [self.published_on.isoformat() if self.published_on else None, self.convert]

    def parse(self, data: bytes | None, path: str, name: str) -> Report:
        from ..parsing import parse_bytes

        if self.convert and Path(path).suffix.lower() in CONVERT_EXTENSIONS:
            from ..readers import docx as docx_reader

            return parse_bytes(docx_reader.convert_with_libreoffice(path), name, fmt="docx",
                               published_on=self.published_on, templates=self.engine.template_paths)
        if data is None:
            data = read_input(path, name)
        return parse_bytes(data, name, published_on=self.published_on, templates=self.engine.template_paths)

    def _guarded(self, name: str, fn: Callable[[], Any], sha: str | None = None) -> Any:
        """fn(), with what can go wrong with one file turned into that file's result."""
        try:
            return fn()
        except ConfigError:  # the user's settings are unusable: the run stops (exit 2)
            raise
        except ReportLintError as e:
            return FileResult(path=name, error=FileError(code=e.code, message=e.message(self.lang)), sha256=sha)
        except MemoryError:
            return memory_result(name, self.lang, self.limits.memory_mb)
        except GuardTimeout:
            return timeout_result(name, self.lang, self.limits.timeout)
        except Exception as e:  # noqa: BLE001 - a parser or reporter bug: this file fails, the batch goes on
            prob = _internal(None, e, self.lang)
            return FileResult(path=name, error=FileError(code="internal-error", message=prob.message),
                              internal_errors=[prob], sha256=sha)

    def first(self, task: Task) -> First:
        sha = None

        def run() -> First:
            nonlocal sha
            data = task.data
            if data is None and not (self.convert and Path(task.path).suffix.lower() in CONVERT_EXTENSIONS):
                data = read_input(task.path, task.name)
            if data is not None:
                import hashlib

                sha = hashlib.sha256(data).hexdigest()
            ckey = self.cache.key("first", task.name, sha, *self._options()) if self.cache and sha else None
            if ckey is not None:
                hit = self.cache.get(ckey)
                if hit is not None:
                    fr = FileResult.model_validate(hit["result"])
                    key = tuple(hit["key"]) if hit.get("key") else None
                    return First(task.index, fr, key, bool(hit.get("reads_previous")))
            report = self.parse(data, task.path, task.name)
            outcome = self.engine.evaluate(report, task.name)
            spool = self.spool if outcome.reads_previous else None
            # in a spool folder only the year view, when the rules that may run again read no more of it
            view = self.engine.year_view(outcome) if spool is not None and spool.directory is not None else None
            if view is not None:
                fr, trace = self.engine.conclude_traced(report, outcome)
            else:
                fr, trace = self.engine.conclude(report, outcome), None
            fr.sha256 = sha or fr.sha256  # the file's own bytes (a model JSON carries its source's hash)
            key = organ_year_key(report) if fr.skipped is None else None
            where = None
            if spool is not None and (key is not None or self.spool_all):
                if view is not None and trace is not None:
                    where = spool.put_view(view(report), outcome, trace)
                else:
                    where = spool.put(task.index, report, outcome)
            if ckey is not None and not fr.internal_errors:
                self.cache.put(ckey, {"result": fr.model_dump(mode="json"), "key": list(key) if key else None,
                                      "reads_previous": outcome.reads_previous})
            if not self.keep_reports:
                fr.report = None
            return First(task.index, fr, key, outcome.reads_previous, where)

        got = self._guarded(task.name, run)
        if isinstance(got, FileResult):
            got.sha256 = got.sha256 or sha
            return First(task.index, got)
        return got

    def previous_report(self, ref: PrevRef, view: bool = False) -> Report | None:
        """The previous year's report — with `view`, possibly only its year view (what the rules read)."""
        if ref.report is not None:
            return ref.report
        ckey = (*ref.key, view)
        if ckey in self._previous:
            self._previous.move_to_end(ckey)
            return self._previous[ckey]
        report: Report | None = None
        if ref.spooled is not None and self.spool is not None:
            report = self.spool.report(ref.spooled, view=view)
        if report is None and ref.path is not None:
            try:
                report = self.parse(None, ref.path, ref.name or display_path(ref.path))
            except ReportLintError:
                report = None
        self._previous[ckey] = report
        if len(self._previous) > 4:
            self._previous.popitem(last=False)
        return report

    def pair(self, task: Task) -> FileResult:
        """Phase 2: the file checked again with the previous year's report (only the rules that looked
        for it run again, when the file's outcome is in the spool)."""
        ref = task.prev
        assert ref is not None
        ckey = None
        if self.cache and task.sha256 and ref.sha256 and ref.report is None:
            ckey = self.cache.key("pair", task.name, task.sha256, ref.name, ref.sha256, *self._options())
            hit = self.cache.get(ckey)
            if hit is not None:
                return FileResult.model_validate(hit["result"])

        def run() -> FileResult:
            where = task.spooled
            kept = self.spool.pair(where) if self.spool is not None and where is not None else None
            if kept is not None:
                view, outcome, trace = kept
                previous = self.previous_report(ref, view=True)
                if previous is not None:
                    outcome = self.engine.with_previous(view, outcome, previous)
                fr = self.engine.conclude_again(view, outcome, trace)
            else:
                previous = self.previous_report(ref)
                got = self.spool.get(where) if self.spool is not None and where is not None else None
                if got is not None:
                    report, outcome = got
                    if previous is None:
                        return self.engine.conclude(report, outcome)
                    fr = self.engine.conclude(report, self.engine.with_previous(report, outcome, previous))
                else:
                    report = self.parse(task.data, task.path, task.name)
                    fr = self.engine.run_report(report, task.name, previous)
            fr.sha256 = task.sha256 or fr.sha256
            if ckey is not None and not fr.internal_errors:
                self.cache.put(ckey, {"result": fr.model_dump(mode="json")})
            if kept is not None or not self.keep_reports:  # a year view is not the report a caller would want
                fr.report = None
            return fr

        return self._guarded(task.name, run, task.sha256)

    def handle(self, task: Task) -> First | FileResult:
        return self.first(task) if task.kind == "first" else self.pair(task)

    def check_data(self, data: bytes, name: str, previous: Report | None = None) -> FileResult:
        first = self.first(Task("first", 0, name, display_path(name), data=data))
        assert isinstance(first.result, FileResult)  # packed only to be sent by a worker
        if previous is None or not first.reads_previous or first.result.status != "checked":
            return first.result
        report = self.parse(data, name, display_path(name))
        return self.engine.run_report(report, display_path(name), previous)


# ---------------------------------------------------------------------------------------------
# the guard: worker processes with limits, or (one file) this process with a timer

class GuardTimeout(BaseException):
    """Raised by the in-process timer; a BaseException so that no `except Exception` in a reader eats it."""


def _set_memory_limit(mb: int | None) -> tuple[int, int] | None:
    """Lower this process's address-space limit to its current size + `mb`; returns the old limits."""
    if not mb:
        return None
    try:
        import resource
    except ImportError:  # not POSIX: no memory limit
        return None
    try:
        with open("/proc/self/statm") as fh:
            current = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, AttributeError):
        current = 0
    old = resource.getrlimit(resource.RLIMIT_AS)
    want = current + mb * 1048576
    hard = old[1]
    if hard != resource.RLIM_INFINITY:
        want = min(want, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (want, hard))
    except (ValueError, OSError):
        return None
    return old


def _restore_memory_limit(old: tuple[int, int] | None) -> None:
    if old is None:
        return
    import resource

    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, old)


class InProcess:
    """Runs tasks here, one at a time; with `guard`, under a timer (SIGALRM) and a temporary memory limit
    (only in the main thread on POSIX — elsewhere unguarded)."""

    def __init__(self, processor: Processor, guard: bool):
        self.processor = processor
        self.guard = guard

    def run(self, tasks: Iterable[Task]) -> Iterator[tuple[Task, Any]]:
        for task in tasks:
            yield task, self._one(task)

    def close(self) -> None:
        pass

    def _one(self, task: Task) -> Any:
        import threading

        limits = self.processor.limits
        if not self.guard or threading.current_thread() is not threading.main_thread():
            return self.processor.handle(task)
        try:
            import signal
        except ImportError:
            return self.processor.handle(task)
        if not hasattr(signal, "setitimer"):
            return self.processor.handle(task)

        def on_alarm(signum, frame):
            raise GuardTimeout()

        old_handler = signal.signal(signal.SIGALRM, on_alarm)
        old_limit = _set_memory_limit(limits.memory_mb)
        try:
            try:
                if limits.timeout:
                    # repeating: a reader whose loop swallows the first exception gets another each second
                    signal.setitimer(signal.ITIMER_REAL, limits.timeout, 1.0)
                return self.processor.handle(task)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
        except GuardTimeout:
            fr = timeout_result(task.name, self.processor.lang, limits.timeout)
            return First(task.index, fr) if task.kind == "first" else fr
        finally:
            signal.signal(signal.SIGALRM, old_handler)
            _restore_memory_limit(old_limit)


def _collect_less() -> None:
    """What a worker inherits (engine, catalogue, templates, modules) lives as long as it does: out of the
    cyclic collector's sight (gc.freeze), so that a collection walks only the objects of the report in hand;
    and the youngest generation is collected less often. 0.08 s of collecting per 1000 corpus reports instead
    of 0.3–0.6 s (gc.callbacks). A higher threshold saves little more and holds more garbage (5000: +1.3 MB
    of peak RSS at 5000 reports)."""
    import gc

    gc.freeze()
    gc.set_threshold(2000, 10, 10)  # Python's default: 700, 10, 10


def _start_worker(memory_mb: int | None) -> None:
    """What a forked worker (the pool's, run_isolated's) does first: Ctrl-C is left to the parent, which
    ends the workers; the memory limit."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _set_memory_limit(memory_mb)


def _worker_main(conn, processor: Processor) -> None:
    _start_worker(processor.limits.memory_mb)
    _collect_less()
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        try:
            result = processor.handle(task)
        except MemoryError:
            fr = memory_result(task.name, processor.lang, processor.limits.memory_mb)
            conn.send(("exit", First(task.index, fr) if task.kind == "first" else fr))
            os._exit(0)  # after a MemoryError this process is not to be trusted: the parent starts another
        except BaseException as e:  # noqa: BLE001 - ConfigError, KeyboardInterrupt and the like: the parent re-raises
            try:
                conn.send(("raise", e))
            except Exception:  # noqa: BLE001 - an exception that will not pickle (a plugin's): sent as text
                conn.send(("raise", ReportLintError("worker", str(e), str(e))))
            continue
        done = result.result if isinstance(result, First) else result
        if isinstance(done, FileResult) and done.error is not None and done.error.code == "too-much-memory":
            conn.send(("exit", result))
            os._exit(0)
        if isinstance(result, First):
            if isinstance(done, FileResult):
                result.result = pack(done)
            conn.send(result)
        else:
            conn.send(pack(result))


def run_isolated(fn: Callable[[], Any], limits: Limits, name: str) -> Any:
    """fn() in a forked process under the per-file limits — what `check` gives every file, for a command
    that reads one file by itself (`parse`): a reader stuck in C code (PDFium, lxml) is stopped by the
    clock, an allocation past the memory limit ends the child, not this process. The result comes back
    pickled; a ReportLintError is raised again here, any other exception as a RuntimeError with its text (an
    internal error, exit 3); a child that dies without a word is `worker-died`. Where fork is unavailable,
    fn() runs here (the readers' own budget still applies)."""
    if not _can_fork():
        return fn()
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)

    def child() -> None:
        _start_worker(limits.memory_mb)
        try:
            reply: tuple[str, Any] = ("ok", fn())
        except MemoryError:
            reply = ("memory", None)
        except ImportError as e:  # glibc's dlopen under the address-space limit: a lazily loaded C extension
            reply = ("memory", None) if "failed to map segment" in str(e) else ("bug", f"ImportError: {e}")
        except ReportLintError as e:
            reply = ("error", (e.code, e.zh, e.en))
        except BaseException as e:  # noqa: BLE001 - a bug: the parent raises it again as one
            reply = ("bug", f"{type(e).__name__}: {e}")
        try:
            send.send(reply)
        except Exception as e:  # noqa: BLE001 - a result that will not pickle
            send.send(("bug", f"{type(e).__name__}: {e}"))

    process = ctx.Process(target=child, daemon=True)
    process.start()
    send.close()
    try:
        if not receive.poll(limits.timeout):  # None: no time limit
            process.kill()
            raise _as_error(timeout_result, name, limits.timeout)
        try:
            kind, value = receive.recv()
        except EOFError:  # ended without a reply: killed (the memory limit) or crashed in C
            process.join()
            code = process.exitcode
            if code == -9 or code is None:
                raise _as_error(memory_result, name, limits.memory_mb) from None
            raise _as_error(crash_result, name, lambda lang: _exit_text(process, lang)) from None
    finally:
        process.join(5)
        if process.is_alive():
            process.kill()
            process.join()
        receive.close()
    if kind == "ok":
        return value
    if kind == "memory":
        raise _as_error(memory_result, name, limits.memory_mb)
    if kind == "error":
        raise ReportLintError(*value)
    raise RuntimeError(value)


def _as_error(make: Callable[[str, str, Any], FileResult], name: str, detail: Any) -> ReportLintError:
    """The error of a per-file result (timeout_result, memory_result, crash_result) in both languages."""
    def said(lang: str) -> Any:  # a detail in words (a signal's name, "exit code") follows the language
        return detail(lang) if callable(detail) else detail

    zh, en = make(name, "zh", said("zh")), make(name, "en", said("en"))
    assert zh.error is not None and en.error is not None
    return ReportLintError(zh.error.code, zh.error.message, en.error.message)


def _can_fork() -> bool:
    import multiprocessing as mp

    return "fork" in mp.get_all_start_methods()


class _Worker:
    def __init__(self, ctx, processor: Processor):
        parent, child = ctx.Pipe()
        self.conn = parent
        self.process = ctx.Process(target=_worker_main, args=(child, processor), daemon=True)
        self.process.start()
        child.close()
        self.task: Task | None = None
        self.deadline = 0.0

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            try:
                self.conn.send(None)
            except OSError:
                self.process.kill()
        self.process.join(5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


class Pool:
    """Worker processes with per-file limits; a worker that overruns its time is killed and replaced.
    Results come back in completion order (the batch orders them)."""

    def __init__(self, processor: Processor, jobs: int):
        import multiprocessing as mp

        self.processor = processor
        self.jobs = max(1, jobs)
        # fork: the workers inherit the built engine (no start-up cost, nothing to pickle)
        self.ctx = mp.get_context("fork")
        self.workers: list[_Worker] = []

    def _spawn(self) -> _Worker:
        return _Worker(self.ctx, self.processor)

    def run(self, tasks: Iterable[Task]) -> Iterator[tuple[Task, Any]]:
        from multiprocessing.connection import wait

        pending = deque(tasks)
        task: Task | None
        limits = self.processor.limits
        lang = self.processor.lang
        while len(self.workers) < min(self.jobs, len(pending)):
            self.workers.append(self._spawn())
        while pending or any(w.task is not None for w in self.workers):
            for w in list(self.workers):
                if w.task is None and pending:
                    task = pending.popleft()
                    try:
                        w.conn.send(task)
                    except OSError:  # the worker is gone: another takes the task
                        pending.appendleft(task)
                        self._replace(w, kill=True)
                        continue
                    w.task = task
                    w.deadline = time.monotonic() + (limits.timeout or 1e9)
            busy = [w for w in self.workers if w.task is not None]
            timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic())
            ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout))
            for w in busy:
                task = w.task
                assert task is not None
                failed: FileResult | None = None
                if w.conn in ready:
                    try:
                        result = w.conn.recv()
                    except (EOFError, OSError):
                        result = None
                    if result is not None:
                        w.task = None
                        if isinstance(result, tuple) and result[0] == "raise":
                            raise result[1]
                        if isinstance(result, tuple) and result[0] == "exit":
                            self._replace(w, kill=True)
                            result = result[1]
                        yield task, result
                        continue
                    failed = crash_result(task.name, lang, _exit_text(w.process, lang))
                elif w.process.sentinel in ready:
                    w.process.join(1)
                    failed = (memory_result(task.name, lang, limits.memory_mb) if w.process.exitcode == -9
                              else crash_result(task.name, lang, _exit_text(w.process, lang)))
                elif time.monotonic() >= w.deadline:
                    failed = timeout_result(task.name, lang, limits.timeout)
                if failed is not None:
                    w.task = None
                    self._replace(w, kill=True)
                    yield task, (First(task.index, failed) if task.kind == "first" else failed)

    def _replace(self, w: _Worker, kill: bool = False) -> None:
        w.stop(kill=kill or not w.process.is_alive())
        i = self.workers.index(w)
        self.workers[i] = self._spawn()

    def close(self) -> None:
        for w in self.workers:
            w.stop(kill=w.task is not None)  # a worker still busy (Ctrl-C, an error) is not waited for
        self.workers = []


def _exit_text(process, lang: str) -> str:
    code = process.exitcode
    if code is not None and code < 0:
        import signal

        try:
            sig = signal.Signals(-code).name
        except ValueError:
            sig = str(-code)
        return f"信号 {sig}" if lang == "zh" else f"signal {sig}"
    return f"退出码 {code}" if lang == "zh" else f"exit code {code}"


# ---------------------------------------------------------------------------------------------
# results between the phases

class _Store:
    """FileResults by index: in memory, or pickled into a temporary file (memory flat in the number of
    files); a later put for the same index (phase 2) replaces the earlier."""

    def __init__(self, directory: str | None):
        self.memory: dict[int, FileResult] | None = {} if directory is None else None
        self.offsets: dict[int, tuple[int, int]] = {}
        # open for the store's life (results are read back in phase 2); closed by close()
        self.fh = open(os.path.join(directory, "results.bin"), "w+b") if directory is not None else None  # noqa: SIM115

    def put(self, index: int, fr: FileResult | Packed) -> None:
        if self.memory is not None:
            assert isinstance(fr, FileResult)  # results are packed only by worker processes
            self.memory[index] = fr
            return
        assert self.fh is not None
        blob = (fr if isinstance(fr, Packed) else pack(fr)).blob
        self.fh.seek(0, os.SEEK_END)
        self.offsets[index] = (self.fh.tell(), len(blob))
        self.fh.write(blob)

    def get(self, index: int) -> FileResult:
        if self.memory is not None:
            return self.memory.pop(index)
        assert self.fh is not None
        offset, size = self.offsets[index]
        self.fh.seek(offset)
        blob = self.fh.read(size)
        return pickle.loads(blob[1:]) if blob[:1] == b"P" else FileResult.model_validate_json(blob[1:])

    def close(self) -> None:
        if self.fh is not None:
            self.fh.close()


@dataclass
class _Record:
    """What the parent keeps per file between the phases (small)."""

    path: str
    name: str
    key: tuple[str, int] | None = None
    reads_previous: bool = False
    sha256: str | None = None
    score: float | None = None
    data: bytes | None = None  # stdin only
    spooled: Spooled | None = None


@dataclass
class Batch:
    """One run over files and directories (see the module docstring)."""

    engine: Engine
    published_on: date | None = None
    convert: bool = False
    previous: str | Path | Report | None = None
    jobs: int | None = None  # worker processes; None/0: everything in this process
    limits: Limits | None = None
    cache: bool | None = None
    baseline: str | Path | None = None
    write_baseline: bool = False
    keep_reports: bool = False
    guard: bool = False  # in this process: a timer and a memory limit per file (worker processes always have them)
    exclude: tuple = ()
    stdin: tuple[str, bytes] | None = None  # ("-" stands for it in paths) → (name, bytes)
    sort: str | None = None  # None (file order) | "score" (worst first)
    progress: Callable[[str, int, int], None] | None = None  # (phase, done, total)
    notices: list[Notice] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.limits = self.limits or Limits()
        self.tally = Tally(self.engine.config)
        self._baseline: Any = None

    def summary(self) -> dict[str, Any]:
        s = self.tally.summary(self.engine, self.notices)
        if self._baseline is not None:
            s["baseline"] = self._baseline.report()
        return s

    def exit_code(self) -> int:
        return self.tally.exit_code()

    # -- the run ---------------------------------------------------------------------------------
    def run(self, paths: Iterable[str | Path]) -> Iterator[FileResult]:
        """FileResults one at a time, in file order (or worst score first); the summary is complete when
        the iterator ends."""
        from .cache import ResultCache

        paths = list(paths)
        files = expand_paths(paths, convert=self.convert, exclude=self.exclude)
        if not files:
            self.notices.append(Notice("no-files",
                                       "没有找到可检查的报告文件（支持 " + " ".join(REPORT_EXTENSIONS) + "）",
                                       "no report files found (supported: " + " ".join(REPORT_EXTENSIONS) + ")"))
        if self.baseline is not None:
            from .baseline import Baseline

            self._baseline = Baseline.open(self.baseline, write=self.write_baseline, lang=self.engine.lang)
        records = []
        for f in files:
            if f == "-" and self.stdin is not None:
                records.append(_Record(path="-", name=display_path(self.stdin[0]), data=self.stdin[1]))
            else:
                records.append(_Record(path=f, name=display_path(f)))
        # worker processes (with their limits) whenever jobs are asked for — also for one file, as a
        # reader stuck in a loop that swallows exceptions can only be stopped by ending its process; plugin
        # objects registered in-process and parsed reports the caller wants back stay in this process
        pooled = (bool(self.jobs) and not self.keep_reports and _can_fork()
                  and not self.engine.build_args.get("in_process_plugins"))
        tmp = tempfile.mkdtemp(prefix="report-lint-") if not self.keep_reports else None
        try:
            spool = Spool(os.path.join(tmp, "spool") if tmp and pooled else None)
            if spool.directory:
                os.mkdir(spool.directory)
            cache = ResultCache.for_engine(self.engine) if self.cache else None
            prev_ref = self._previous_ref()
            processor = Processor(self.engine, published_on=self.published_on, convert=self.convert, spool=spool,
                                  cache=cache, keep_reports=self.keep_reports, spool_all=prev_ref is not None,
                                  limits=self.limits)
            executor: Any = Pool(processor, self.jobs or 1) if pooled else InProcess(processor, self.guard)
            store = _Store(tmp if not self.keep_reports else None)
            try:
                self._phases(records, executor, store, prev_ref)
            finally:
                executor.close()
                if cache is not None:
                    cache.prune()
            order: Iterable[int] = range(len(records))
            if self.sort == "score":
                order = sorted(order, key=lambda i: (records[i].score is None, records[i].score or 0.0, i))
            for i in order:
                fr = store.get(i)
                if self._baseline is not None:
                    self._baseline.apply(fr)
                self.tally.add(fr)
                yield fr
            store.close()
            if self._baseline is not None:
                self._baseline.finish()
        finally:
            if tmp:
                shutil.rmtree(tmp, ignore_errors=True)

    def _previous_ref(self) -> PrevRef | None:
        if self.previous is None:
            return None
        if isinstance(self.previous, Report):
            return PrevRef(report=self.previous)
        path = str(self.previous)
        name = display_path(path)
        try:
            import hashlib

            sha = hashlib.sha256(read_input(path, name)).hexdigest()
        except InputError as e:
            self.notices.append(Notice("previous-unreadable", f"上一年度报告无法读取：{e.zh}",
                                       f"the previous year's report cannot be read: {e.en}"))
            return None
        return PrevRef(path=path, name=name, sha256=sha)

    def _phases(self, records: list[_Record], executor: Any, store: _Store, prev_ref: PrevRef | None) -> None:
        total = len(records)
        first_tasks = (Task("first", i, r.path, r.name, data=r.data) for i, r in enumerate(records))
        index: dict[tuple[str, int], int] = {}
        for done, (task, got) in enumerate(executor.run(first_tasks), 1):
            rec = records[task.index]
            rec.key, rec.reads_previous = got.key, got.reads_previous
            rec.sha256, rec.score, rec.spooled = got.result.sha256, got.result.score, got.spooled
            if got.key is not None:
                index[got.key] = min(index.get(got.key, task.index), task.index)  # the first in walk order
            store.put(task.index, got.result)
            if self.progress:
                self.progress("check", done, total)
        pairs = []
        for i, rec in enumerate(records):
            if not rec.reads_previous:
                continue
            ref = prev_ref
            if ref is None and rec.key is not None:
                j = index.get((rec.key[0], rec.key[1] - 1))
                if j is not None:
                    ref = PrevRef(index=j, path=records[j].path if records[j].data is None else None,
                                  name=records[j].name, sha256=records[j].sha256, spooled=records[j].spooled)
            if ref is not None:
                pairs.append(Task("pair", i, rec.path, rec.name, data=rec.data, prev=ref, sha256=rec.sha256,
                                  spooled=rec.spooled))
        for done, (task, fr) in enumerate(executor.run(pairs), 1):
            records[task.index].score = fr.score
            store.put(task.index, fr)
            if self.progress:
                self.progress("pair", done, len(pairs))


__all__ = [
    "DEFAULT_MEMORY_MB",
    "DEFAULT_TIMEOUT",
    "Batch",
    "GuardTimeout",
    "Limits",
    "Pool",
    "Processor",
    "display_path",
    "expand_paths",
    "looks_like_own_output",
    "read_input",
    "same_file",
]
