"""What the progress tracker reads out of output chunks and the formatter's events file."""

from __future__ import annotations

from pathlib import Path

from torus_mcp.mix.run.progress import OutputProgress

COMPILE_THEN_TEST = (
    b"==> app_a\n"
    b"Compiling 3 files (.ex)\n"
    b"Generated app_a app\n"
    b"Excluding tags: [:slow]\n"
    b"\n"
    b"..*.\n"
    b"\n"
    b"  1) test fails (AppATest)\n"
    b"     test/app_a_test.exs:3\n"
    b"     Assertion with == failed\n"
    b"\n"
    b"..?"
)


def test_counts_files_tests_and_failures_across_chunk_boundaries() -> None:
    tracker = OutputProgress()
    # Split at awkward places: inside a marker line and inside the dots.
    for start in range(0, len(COMPILE_THEN_TEST), 7):
        tracker.feed(COMPILE_THEN_TEST[start : start + 7])
    event = tracker.snapshot(3.2, pid=123)
    assert event.files_compiling == 3
    assert event.app == "app_a"
    assert event.tests_finished == 4 + 1 + 3  # dots, the failure, the dots still on the last line
    assert event.test_failures == 1
    assert event.phase == "testing"
    assert event.pid == 123
    assert event.lines == COMPILE_THEN_TEST.count(b"\n")
    assert "8 tests finished, 1 failure" in event.message


def test_progress_only_grows() -> None:
    tracker = OutputProgress()
    values = []
    for chunk in (b"Compiling 1 file (.ex)\n", b"line\n" * 50, b"....", b"...\n"):
        tracker.feed(chunk)
        values.append(tracker.snapshot(1.0).progress)
    assert values == sorted(values) and values[-1] > values[0]


def test_build_lock_wait_is_seen_and_cleared_when_mix_moves_on() -> None:
    tracker = OutputProgress()
    tracker.feed(b"Waiting for lock on the build directory (held by process 4242)\n")
    event = tracker.snapshot(1.0)
    assert (event.phase, event.build_lock_holder) == ("waiting_for_build_lock", 4242)
    assert "4242" in event.message
    tracker.feed(b"Compiling 1 file (.ex)\n")
    assert tracker.snapshot(2.0).phase == "compiling"


def test_formatter_events_count_when_present(tmp_path: Path) -> None:
    events = tmp_path / "events.jsonl"
    events.write_text(
        '{"event":"suite_started","seed":0}\n'
        '{"event":"test_finished","state":"passed"}\n'
        '{"event":"test_finished","state":"failed"}\n'
        '{"event":"test_fini'
    )
    tracker = OutputProgress(events)
    event = tracker.snapshot(1.0)
    assert (event.tests_finished, event.test_failures, event.phase) == (2, 1, "testing")
    with events.open("a") as handle:
        handle.write('shed","state":"failed"}\n')
    assert tracker.snapshot(2.0).test_failures == 2


def test_excluded_tests_are_not_counted_as_finished(tmp_path: Path) -> None:
    # ExUnit reports tests left out by --only/--exclude as finished with state excluded.
    events = tmp_path / "events.jsonl"
    events.write_text(
        '{"event":"suite_started","seed":0}\n'
        '{"event":"test_finished","state":"excluded"}\n'
        '{"event":"test_finished","state":"excluded"}\n'
        '{"event":"test_finished","state":"passed"}\n'
    )
    assert OutputProgress(events).snapshot(1.0).tests_finished == 1
