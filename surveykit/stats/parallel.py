"""Column-by-column work on two cores.

Per-column passes over a million respondents (counting codes, lookup-table gathers) spend their time in
numpy loops that release the GIL, so threads run them in parallel. Results come back in input order,
so the output never depends on timing. Small inputs stay on the calling thread (a pool costs more
than it saves there). :func:`pipelined` overlaps two stages instead: producing the next item (e.g.
drawing from one random stream, which must stay in order) with processing the last one.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

MIN_ROWS = 100_000  # below this many rows per column, one thread is faster
WORKERS = max(1, min(2, os.cpu_count() or 1))


def map_columns(func: Callable[[T], R], items: Iterable[T], n_rows: int) -> list[R]:
    """``[func(item) for item in items]``, on up to two threads when the columns are long."""
    items = list(items)
    if n_rows < MIN_ROWS or WORKERS < 2 or len(items) < 2:
        return [func(item) for item in items]
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(func, items))


def pipelined(func: Callable[[T], R], items: Iterator[T], n_rows: int) -> list[R]:
    """``[func(item) for item in items]``, with ``func`` of one item on a second thread while the calling
    thread produces the next (two stages on two cores).

    At most two items are alive at once (the one being produced and the one being processed), so a
    producer may alternate between two buffers. Results come back in order.
    """
    if n_rows < MIN_ROWS or WORKERS < 2:
        return [func(item) for item in items]
    out: list[R] = []
    with ThreadPoolExecutor(max_workers=1) as pool:
        running = None
        for item in items:  # produced here while the previous item is processed on the pool's thread
            if running is not None:
                out.append(running.result())
            running = pool.submit(func, item)
        if running is not None:
            out.append(running.result())
    return out
