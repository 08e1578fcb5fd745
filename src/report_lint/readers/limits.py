"""Per-file limits: what a hostile or broken file may cost before it becomes one clear InputError.

Every value here is far beyond any real annual report (see docs/limits.md for each limit, its value and
why); the readers check them inside their loops, not only between pages, so a limit holds whatever
shape the input takes.

The time budget is one per file (`budget()`), found by the code that needs it through a context
variable, so helpers deep in a reader (`check_time()`) and the shared grid expansion see the same clock.
Where the reader hands control to a library that has no callback (pdfminer), `watchdog()` interrupts
it when the budget runs out.
"""
from __future__ import annotations

import re
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

from ..errors import InputError

MAX_SECONDS = 30.0  # reading and recognising one file
# Grids (HTML, DOCX, Markdown and PDF tables): a report table is ~30 rows × 15 columns.
MAX_ROWSPAN = 500
MAX_COLSPAN = 100
MAX_TABLE_ROWS = 10_000
MAX_TABLE_COLUMNS = 500
MAX_GRID_SLOTS = 200_000  # rows × columns over all tables of one file
# Paragraphs and tables of one file (a report has a few hundred to a few thousand), and their text
# (a report is 10⁴–10⁵ characters).
MAX_BLOCKS = 50_000
MAX_TEXT_CHARS = 3_000_000
# A number written in markup (span, start, level …): more digits than this is not a count but an attack.
MAX_ATTR_DIGITS = 9


class Overtime(BaseException):
    """Raised inside third-party code by `watchdog()`. A BaseException, so that libraries which catch
    Exception around their own work (pdfminer, pdfplumber) cannot swallow it."""


class Budget:
    def __init__(self, path: str, seconds: float):
        self.path = path
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self.where = ""  # the part being read ("第 3 页|page 3"), for the overtime message
        self.slots = 0
        self.blocks = 0
        self.chars = 0

    def overtime_error(self, where: str = "") -> InputError:
        where = where or self.where
        at_zh, at_en = (f"（{where.split('|')[0]}）", f" ({where.split('|')[-1]})") if where else ("", "")
        return InputError("too-slow", f"{self.path} 读取超过 {self.seconds:g} 秒{at_zh}，已停止：文件过大或结构异常",
                          f"reading {self.path} took over {self.seconds:g} s{at_en} and was stopped: the file is "
                          f"too large or malformed")

    def check(self, where: str = "") -> None:
        if time.monotonic() > self.deadline:
            raise self.overtime_error(where)

    def add_slots(self, n: int) -> None:
        """Count grid slots (table cells after span expansion) against the per-file limit."""
        self.slots += n
        if self.slots > MAX_GRID_SLOTS:
            raise InputError("too-large-table",
                             f"{self.path} 的表格单元格总数超过 {MAX_GRID_SLOTS:,} 个，远超一份年度报告，已拒绝处理",
                             f"the tables of {self.path} hold more than {MAX_GRID_SLOTS:,} cells, far more than an "
                             f"annual report; refused")


    def add_block(self, chars: int) -> None:
        """Count one paragraph or table (holding `chars` characters) against the per-file limits."""
        self.blocks += 1
        self.chars += chars
        if self.blocks > MAX_BLOCKS:
            raise InputError("too-many-blocks",
                             f"{self.path} 含 {MAX_BLOCKS:,} 个以上段落或表格，远超一份年度报告，已拒绝处理",
                             f"{self.path} holds more than {MAX_BLOCKS:,} paragraphs or tables, far more than an "
                             f"annual report; refused")
        if self.chars > MAX_TEXT_CHARS:
            raise InputError("too-much-text",
                             f"{self.path} 含 {MAX_TEXT_CHARS // 10000} 万字以上，远超一份年度报告的篇幅，已拒绝处理",
                             f"{self.path} holds more than {MAX_TEXT_CHARS:,} characters, far more than an annual "
                             f"report; refused")


_current: ContextVar[Budget | None] = ContextVar("report_lint_budget", default=None)


@contextmanager
def budget(path: str, seconds: float = MAX_SECONDS) -> Iterator[Budget]:
    """The budget of the file being read. Nested calls (parse → reader) share the outer one."""
    outer = _current.get()
    if outer is not None:
        yield outer
        return
    b = Budget(path, seconds)
    token = _current.set(b)
    try:
        yield b
    finally:
        _current.reset(token)


def current() -> Budget | None:
    return _current.get()


def check_time(where: str = "") -> None:
    b = _current.get()
    if b is not None:
        b.check(where)


def add_block(chars: int) -> None:
    b = _current.get()
    if b is not None:
        b.add_block(chars)


def add_slots(n: int) -> None:
    b = _current.get()
    if b is not None:
        b.add_slots(n)


@contextmanager
def watchdog(b: Budget | None) -> Iterator[None]:
    """Interrupt the code inside with `Overtime` once the budget's deadline passes (and every second
    after, in case the code swallows it). Works through SIGALRM, so only in the main thread and only
    when no one else's timer is running (an outer watchdog included); elsewhere it does nothing and the
    readers' own checks remain."""
    usable = (b is not None and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
              and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
              and signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, signal.SIG_IGN, None))
    if not usable:
        yield
        return
    assert b is not None  # `usable` requires a budget
    armed = [True]

    def on_alarm(signum, frame):
        if armed[0]:
            raise Overtime()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, max(b.deadline - time.monotonic(), 0.001), 1.0)
    try:
        yield
    finally:
        try:
            armed[0] = False
        finally:  # restored even when the alarm fired on the way out
            signal.setitimer(signal.ITIMER_REAL, 0.0)
            signal.signal(signal.SIGALRM, previous)


@contextmanager
def guarded(path: str, seconds: float = MAX_SECONDS) -> Iterator[Budget]:
    """`budget()` with the watchdog armed; running out of time inside becomes the budget's InputError."""
    with budget(path, seconds) as b:
        try:
            with watchdog(b):
                yield b
        except Overtime:
            raise b.overtime_error() from None


_LEADING_INT = re.compile(r"\s*([-+]?)(\d+)")


_Default = TypeVar("_Default", int, None)


def small_int(text: str | None, default: _Default, lo: int, hi: int, *, prefix: bool = False) -> int | _Default:
    """An integer attribute of markup, clamped to [lo, hi]; `default` when it is not a number.

    Never calls int() on more than MAX_ATTR_DIGITS digits, so a 5 000-digit value is just "too big"
    (clamped to `hi`), not a ValueError. `prefix` reads a leading number ("3px" → 3) as HTML does."""
    if text is None:
        return default
    m = _LEADING_INT.match(text) if prefix else _LEADING_INT.fullmatch(text.strip())
    if not m:
        return default
    digits = m.group(2).lstrip("0") or "0"
    if len(digits) > MAX_ATTR_DIGITS:
        return lo if m.group(1) == "-" else hi
    value = -int(digits) if m.group(1) == "-" else int(digits)
    return max(lo, min(value, hi))


__all__ = [
    "MAX_BLOCKS",
    "MAX_COLSPAN",
    "MAX_GRID_SLOTS",
    "MAX_ROWSPAN",
    "MAX_SECONDS",
    "MAX_TABLE_COLUMNS",
    "MAX_TABLE_ROWS",
    "MAX_TEXT_CHARS",
    "Budget",
    "Overtime",
    "add_block",
    "add_slots",
    "budget",
    "check_time",
    "current",
    "guarded",
    "small_int",
    "watchdog",
]
