"""Where a parser bug on odd input becomes a degraded answer instead of a crash, and the switch that
turns that off.

The parsers are written never to raise, whatever the text. Should one raise anyway, the server must
keep answering, so each parser's entry point runs its work through :func:`guarded`, which hands the
error to the parser's fallback: an empty list, or a finding that names the document. This is the
only place in the spec-pack domain that catches every exception.

Tests switch the fallback off with :func:`strict_parsing`, so a bug they provoke is an exception they
see rather than a quiet empty answer. The switch is one flag for the whole process (not per thread or
task): the server parses in worker threads, and a test must reach those too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")
U = TypeVar("U")

_strict = False


def guarded(run: Callable[[], T], fallback: Callable[[Exception], U]) -> T | U:
    """``run()``; should it raise, ``fallback(error)`` instead, unless parsing is strict."""
    try:
        return run()
    except Exception as error:  # a parser bug on odd input must not take the server down
        if _strict:
            raise
        return fallback(error)


@contextmanager
def strict_parsing(enabled: bool = True) -> Iterator[None]:
    """Inside the block, a parser error propagates instead of degrading (or degrades again, with
    ``enabled=False``). The previous setting is restored on exit."""
    global _strict
    previous = _strict
    _strict = enabled
    try:
        yield
    finally:
        _strict = previous


def is_strict() -> bool:
    """True while parser errors propagate."""
    return _strict
