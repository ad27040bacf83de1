"""Races for the concurrency tests: many calls, each in its own thread and connection."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection


def race(calls: Sequence[Callable[[], Any]], *, timeout: float = 120) -> list[Any]:
    """Run every call in its own thread and database connection, all released at once, and
    return each call's result or the exception it raised, in the order of `calls`."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[Any] = [RuntimeError("never ran")] * len(calls)

    def run(index: int) -> None:
        try:
            try:
                connection.ensure_connection()  # connect before the race, not during it
            except Exception:
                barrier.abort()  # release the others rather than leave them waiting
                raise
            barrier.wait(timeout=30)
            outcomes[index] = calls[index]()
        except Exception as error:  # reported to the test thread
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), "a racer is stuck"
    return outcomes
