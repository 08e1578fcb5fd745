"""Worker processes that parse and check uploads, each job within a time budget.

Parsing a PDF is pure-Python CPU work: in the server's own process it would hold the interpreter and
freeze the page for everyone else, and a thread cannot be stopped when it runs too long. So each job goes
to one of a few long-lived worker processes (`python -m report_lint.web.worker JOB`); a job that overruns
its budget has its worker killed and replaced, and the request gets a clear message. Workers are plain
subprocesses talking length-prefixed pickles over their stdin/stdout: unlike multiprocessing's "spawn",
this never re-imports the program that started the server. Waiting for a free worker and talking to it
are blocking calls, made from Starlette's thread pool.
"""
from __future__ import annotations

import contextlib
import os
import pickle
import queue
import struct
import subprocess
import sys
import threading
from typing import IO, Any

DEFAULT_JOB = "report_lint.web.job:run"
_HEADER = struct.Struct(">Q")


class JobTimeout(Exception):
    """The job did not finish within its time budget (its worker was stopped)."""


class PoolBusy(Exception):
    """No worker became free within the time budget."""


class WorkerDied(Exception):
    """The worker process ended without an answer (killed from outside, out of memory …)."""


class JobCrashed(Exception):
    """The job raised; the message is its one-line description."""


def send(stream: IO[bytes], obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _read_exactly(stream: IO[bytes], n: int) -> bytes:
    chunks, left = [], n
    while left:
        chunk = stream.read(left)
        if not chunk:
            raise EOFError("the other side closed the pipe")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def receive(stream: IO[bytes]) -> Any:
    (size,) = _HEADER.unpack(_read_exactly(stream, _HEADER.size))
    return pickle.loads(_read_exactly(stream, size))  # only ever from our own worker / server


class _Worker:
    def __init__(self, job_spec: str):
        # The children import what the server can import (a job given by a test lives on its sys.path).
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
        self.process = subprocess.Popen([sys.executable, "-m", "report_lint.web.worker", job_spec],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        assert self.process.stdin is not None and self.process.stdout is not None  # both are pipes
        self.requests: IO[bytes] = self.process.stdin
        self.answers: IO[bytes] = self.process.stdout

    def call(self, payload: Any, budget: float) -> tuple[Any, bool]:
        """(answer, still usable). Raises JobTimeout or WorkerDied."""
        expired = threading.Event()

        def expire() -> None:
            expired.set()
            self.process.kill()

        timer = threading.Timer(budget, expire)
        timer.daemon = True
        timer.start()
        try:
            send(self.requests, payload)
            answer = receive(self.answers)
        except (EOFError, OSError, pickle.UnpicklingError, struct.error):
            if expired.is_set():
                raise JobTimeout() from None
            raise WorkerDied() from None
        finally:
            timer.cancel()
        return answer, not expired.is_set()  # the timer may have fired just after the answer came

    def stop(self) -> None:
        for stream in (self.requests, self.answers):
            with contextlib.suppress(OSError):
                stream.close()
        try:
            self.process.wait(timeout=2)  # closing stdin ends its loop
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


class WorkerPool:
    """`size` worker processes; `run(payload, budget)` blocks until the answer, a timeout or a crash."""

    def __init__(self, size: int, job: str = DEFAULT_JOB):
        self.size = max(1, size)
        self.job = job
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._workers: list[_Worker] = []
        self._closed = False

    def start(self) -> None:
        """Start the workers now (they import report-lint in the background), not on the first upload."""
        with self._lock:
            self._closed = False
            while len(self._workers) < self.size:
                w = _Worker(self.job)
                self._workers.append(w)
                self._idle.put(w)

    def _replace(self, dead: _Worker) -> None:
        dead.process.kill()
        dead.stop()
        with self._lock:
            if dead in self._workers:
                self._workers.remove(dead)
            if self._closed:
                return
            w = _Worker(self.job)
            self._workers.append(w)
        self._idle.put(w)

    def run(self, payload: Any, budget: float) -> Any:
        """The job's result. Waiting for a free worker and the job itself each get `budget` seconds.
        Raises PoolBusy, JobTimeout, WorkerDied or JobCrashed."""
        self.start()
        try:
            worker = self._idle.get(timeout=budget)
        except queue.Empty:
            raise PoolBusy() from None
        usable = False
        try:
            (status, value), usable = worker.call(payload, budget)
        finally:
            if usable:
                self._idle.put(worker)
            else:
                self._replace(worker)
        if status == "crash":
            raise JobCrashed(value)
        return value

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers, self._workers = self._workers, []
        while True:  # forget the idle handles of the workers being stopped
            try:
                self._idle.get_nowait()
            except queue.Empty:
                break
        for w in workers:
            w.stop()
