"""The bounded in-memory capture: what is kept, what is counted as dropped."""

from __future__ import annotations

from torus_mcp.mix.run.capture import OutputCapture


def test_small_output_is_kept_whole() -> None:
    capture = OutputCapture(1000)
    capture.feed(b"one\n")
    capture.feed(b"two\n")
    text, dropped = capture.take_text()
    assert (text, dropped) == ("one\ntwo\n", 0)
    assert capture.total_bytes == 8


def test_large_output_keeps_head_and_tail_and_counts_the_rest() -> None:
    capture = OutputCapture(1000)
    lines = [f"line {n:05d}\n".encode() for n in range(1000)]  # 11 bytes each, 11000 in all
    for line in lines:
        capture.feed(line)
    text, dropped = capture.take_text()
    kept = text.splitlines()
    assert kept[0] == "line 00000"
    assert kept[-1] == "line 00999"
    marker = next(line for line in kept if line.startswith("[torus-mcp:"))
    assert f"{dropped} bytes" in marker
    # Whole lines only on both sides of the gap, and the byte count adds up exactly.
    body = [line for line in kept if not line.startswith("[torus-mcp:")]
    assert all(line.startswith("line ") and len(line) == 10 for line in body)
    assert len(body) * 11 + dropped == 11000
    assert len(text.encode()) < 1000 + len(marker) + 2


def test_one_huge_chunk_is_bounded() -> None:
    capture = OutputCapture(64)
    capture.feed(b"x" * 10_000 + b"\nlast line\n")
    text, dropped = capture.take_text()
    assert text.endswith("last line\n")
    assert dropped > 9_900
    assert len(text) < 200


def test_invalid_utf8_is_replaced_not_raised() -> None:
    capture = OutputCapture(100)
    capture.feed(b"ok \xff\xfe\n")
    text, _ = capture.take_text()
    assert text.startswith("ok ")


def test_the_memory_cap_is_shared_evenly_by_head_and_tail() -> None:
    # The tail holds ExUnit's last failures and summary: it gets its half of the cap, like the head.
    capture = OutputCapture(1100)
    for n in range(1000):
        capture.feed(f"line {n:05d}\n".encode())  # 11 bytes a line
    text, dropped = capture.take_text()
    head, marker, tail = text.partition("[torus-mcp:")
    assert marker and dropped == 11000 - len(head) - len(tail.split("\n", 1)[1])
    assert head.splitlines() == [f"line {n:05d}" for n in range(50)]
    # The tail is cut back to its first whole line, which may cost it one line.
    kept_tail = tail.split("\n", 1)[1].splitlines()
    assert kept_tail == [f"line {n:05d}" for n in range(1000 - len(kept_tail), 1000)]
    assert len(kept_tail) >= 49
