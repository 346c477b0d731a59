"""Worker processes for extraction: chunks of tasks in, plain results out, in order, in bounded memory.

``map_ordered`` runs a picklable top-level function over an iterable of
chunks in a ``ProcessPoolExecutor`` and yields each chunk's result in
submission order. At most ``window`` chunks are in flight (submitted and not
yet consumed), so however long the input, the producer holds a bounded number
of pending results and memory stays flat: the iterable is pulled lazily, one
chunk per result consumed.

A worker that dies (a crash in a native library on one malformed PDF, the
out-of-memory killer) takes the pool with it. With ``on_crash``, the chunks
that were in flight are run again one at a time, each in a process of its
own; a chunk that kills that process too is replaced by ``on_crash(chunk)``
(the caller's record of the loss), and the run goes on with a new pool.

Workers start from a fork server (a fresh process that imported the
extraction modules once), or by spawning where there is none; each worker
runs ``initializer`` once, which is where the NLP pipeline is built. Workers
ignore Ctrl-C: the parent alone decides what to keep, then stops them.
On two cores a process pool returning plain data scales 1.9-2.0x
(``benchmarks/THROUGHPUT.md``), spaCy's own ``nlp.pipe(n_process=2)`` only
1.1x (issue 6: it sends every ``Doc`` back serialised), which is why the
whole per-document work, records included, runs in the workers.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import Connection
from typing import TypeVar

from extractor.errors import ExtractorError

T = TypeVar("T")
R = TypeVar("R")

_NOTHING = object()

#: Chunks in flight per worker: one running, one queued, so a worker never waits for the parent.
CHUNKS_PER_WORKER = 2
#: Chunks a worker does before it is replaced by a fresh one (4,000 abstracts in chunks of 16):
#: what a long run accumulates in a worker (spaCy's vocabulary grows with every new number,
#: about 1.5 MB per 1,000 abstracts) is released, so memory stays flat however large the
#: corpus; a restart costs about 0.5 s (the pipeline is built again; spaCy stays imported).
CHUNKS_PER_WORKER_LIFE = 250
#: Modules the fork server imports once, so each worker starts without importing spaCy again.
PRELOAD = ("extractor.batch", "extractor.nlp.pipeline")


class WorkerCrashed(ExtractorError):
    """A worker process died (killed, out of memory, or a crash in a native library)."""


def default_workers() -> int:
    """The number of cores this process may run on (at least 1)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS and Windows have no affinity call
        return max(1, os.cpu_count() or 1)


def map_ordered(function: Callable[[T], R], chunks: Iterable[T], *, workers: int,
                initializer: Callable[[], None] | None = None, window: int | None = None,
                preload: Sequence[str] = PRELOAD, life: int | None = CHUNKS_PER_WORKER_LIFE,
                on_crash: Callable[[T], R] | None = None) -> Iterator[R]:
    """Yield ``function(chunk)`` for each chunk, in order, computed by ``workers`` processes.

    ``workers <= 1`` runs in this process (no pool, nothing pickled, no
    ``initializer``: the function builds what it needs lazily). Otherwise
    ``initializer`` runs once in each worker, and no worker starts before
    the first chunk arrives.
    ``window`` (default ``CHUNKS_PER_WORKER * workers``) bounds the chunks
    submitted and not yet yielded; a worker is replaced after ``life`` chunks
    (``None``: never). When a worker dies: without ``on_crash``, raises
    ``WorkerCrashed`` (results already yielded stay valid); with it, the lost
    chunks run again alone, and one that crashes alone yields ``on_crash(chunk)``.
    """
    if workers <= 1:
        yield from map(function, chunks)
        return
    chunks = iter(chunks)
    first = next(chunks, _NOTHING)
    if first is _NOTHING:
        return  # nothing to do (an unchanged corpus): no worker is started
    window = max(1, window or CHUNKS_PER_WORKER * workers)
    context = _context(preload)
    # Workers hold the read end; only this process holds the write end, so they see EOF when it dies.
    lifeline, keep_alive = context.Pipe(duplex=False)

    def new_pool(size: int, life: int | None) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(size, mp_context=context, initializer=_start_worker,
                                   initargs=(initializer, lifeline), max_tasks_per_child=life)

    pool = new_pool(workers, life)
    pending: deque[tuple[T, Future[R]]] = deque()

    def next_result() -> R:
        nonlocal pool
        chunk, future = pending.popleft()
        try:
            return future.result()
        except BrokenProcessPool as exc:
            if on_crash is None:
                raise WorkerCrashed(
                    f"a worker process died ({exc}); the files finished so far are saved. Run the same command "
                    "again to continue, with --workers 1 to see which input crashes it") from exc
        # the pool is lost with every chunk in flight: run each alone, then go on with a new pool
        lost = [chunk, *(c for c, _ in pending)]
        pending.clear()
        pool.shutdown(wait=True, cancel_futures=True)
        for each in lost:
            pending.append((each, _done(_alone(function, each, new_pool, on_crash))))
        pool = new_pool(workers, life)
        return pending.popleft()[1].result()

    try:
        for chunk in itertools.chain([first], chunks):
            pending.append((chunk, pool.submit(function, chunk)))
            if len(pending) >= window:
                yield next_result()
        while pending:
            yield next_result()
    finally:
        # On an early exit (Ctrl-C, an error, the consumer stopping) queued chunks are dropped
        # and only the ones already running are waited for: at most ``workers`` chunks.
        pool.shutdown(wait=True, cancel_futures=True)
        keep_alive.close()
        lifeline.close()


def _alone(function: Callable[[T], R], chunk: T, new_pool: Callable[[int, int | None], ProcessPoolExecutor],
           on_crash: Callable[[T], R]) -> R:
    """``function(chunk)`` in a worker of its own; ``on_crash(chunk)`` when that worker dies too."""
    solo = new_pool(1, None)
    try:
        return solo.submit(function, chunk).result()
    except BrokenProcessPool:
        return on_crash(chunk)
    finally:
        solo.shutdown(wait=True, cancel_futures=True)


def _done(result: R) -> Future[R]:
    """A future that already holds ``result``."""
    future: Future[R] = Future()
    future.set_result(result)
    return future


def _context(preload: Sequence[str]) -> multiprocessing.context.BaseContext:
    """A fork server where the platform has one (fast, thread-safe starts), else spawn."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(list(preload))
        return context
    return multiprocessing.get_context("spawn")


def _start_worker(initializer: Callable[[], None] | None, lifeline: Connection) -> None:
    """Worker set-up: leave Ctrl-C to the parent, exit with it, then run the caller's initializer."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, args=(lifeline,), daemon=True, name="lifeline").start()
    if initializer is not None:
        initializer()


def _exit_with_parent(lifeline: Connection) -> None:
    """End this worker once the parent is gone (its end of ``lifeline`` closed).

    A worker waits on the task queue, whose pipe it holds both ends of, and a
    fork server's children keep the server alive: a parent killed with
    SIGKILL would otherwise leave the workers (and the server) waiting for ever.
    """
    try:
        lifeline.recv_bytes()  # the parent never sends: this returns only by EOF
    except (EOFError, OSError):
        pass
    os._exit(1)
