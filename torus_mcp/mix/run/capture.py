"""Keeping a bounded part of a run's output in memory.

A runaway test can print hundreds of megabytes; the full stream goes to the log file on disk and
only a head and a tail stay in memory. The head holds compiler output and the first failures, the
tail holds the last failures and ExUnit's summary, which is what the parsers need most.
"""

from __future__ import annotations

from collections import deque

DROPPED_MARKER = "[torus-mcp: {dropped} bytes of output were not kept in memory here; the run log has them]"


class OutputCapture:
    """Head and tail of a byte stream, with an exact count of what was left out between them."""

    def __init__(self, max_bytes: int) -> None:
        if max_bytes <= 0:
            raise ValueError("max_bytes must be positive")
        self._head_limit = max_bytes - max_bytes // 2
        self._tail_limit = max_bytes // 2
        self._head = bytearray()
        self._tail: deque[bytes] = deque()
        self._tail_size = 0
        self.total_bytes = 0

    def feed(self, data: bytes) -> None:
        self.total_bytes += len(data)
        room = self._head_limit - len(self._head)
        if room > 0:
            self._head += data[:room]
            data = data[room:]
        if not data or self._tail_limit == 0:
            return
        self._tail.append(data)
        self._tail_size += len(data)
        # Drop whole chunks from the front while the rest still fills the tail.
        while self._tail and self._tail_size - len(self._tail[0]) >= self._tail_limit:
            self._tail_size -= len(self._tail.popleft())

    @property
    def dropped_bytes(self) -> int:
        return self.total_bytes - len(self._head) - min(self._tail_size, self._tail_limit)

    def take_text(self) -> tuple[str, int]:
        """The kept output as text and the number of bytes left out; empties the capture.

        When bytes were dropped, the tail starts at its first full line and a marker line stands
        where the gap is, so a parser never sees half a line glued to another. Buffers are
        decoded in place and released as soon as possible: this runs right after a flood.
        """
        tail = b"".join(self._tail)
        self._tail.clear()
        start = max(0, len(tail) - self._tail_limit)
        dropped = self.total_bytes - len(self._head) - (len(tail) - start)
        marker = ""
        if dropped:
            newline = tail.find(b"\n", start)
            if newline >= 0:
                dropped += newline + 1 - start
                start = newline + 1
            cut = self._head.rfind(b"\n") + 1
            if cut:
                dropped += len(self._head) - cut
                del self._head[cut:]
            elif self._head:
                self._head += b"\n"
            marker = DROPPED_MARKER.format(dropped=dropped) + "\n"
        head_text = self._head.decode("utf-8", errors="replace")
        self._head = bytearray()
        tail_text = str(memoryview(tail)[start:], "utf-8", "replace")
        del tail
        return "".join((head_text, marker, tail_text)), dropped
