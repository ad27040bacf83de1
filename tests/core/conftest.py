from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
import structlog


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """What the project's configured log handler writes, formatted as each record is emitted
    (inside the request, so with its context)."""
    formatter = next(
        handler.formatter
        for handler in logging.getLogger().handlers
        if isinstance(handler.formatter, structlog.stdlib.ProcessorFormatter)
    )
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.addHandler(handler)
    yield stream
    root.removeHandler(handler)
