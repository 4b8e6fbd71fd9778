"""BLAS on one thread while the program stage computes: its threads and BLAS's own would only
take turns on the station's two cores."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

from threadpoolctl import threadpool_limits

_blas_lock = threading.Lock()
_blas_users: list[Any] = []  # the limiter object while any user runs, one entry per user


@contextlib.contextmanager
def one_blas_thread() -> Iterator[None]:
    """BLAS on one thread while any render runs. A render keeps both cores busy with its own
    threads; BLAS (the true-peak oversampling is a matrix product) spinning up threads of its
    own would only take turns with them (on a busy machine a limiter pass takes four times as
    long). The limit is process-wide, so overlapping users share it: the first sets it, the
    last restores it."""
    with _blas_lock:
        ctl = _blas_users[0] if _blas_users else threadpool_limits(limits=1, user_api="blas")
        _blas_users.append(ctl)
    try:
        yield
    finally:
        with _blas_lock:
            _blas_users.pop()
            if not _blas_users:
                ctl.restore_original_limits()
