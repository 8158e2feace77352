"""TODO / TBD / FIXME markers: whole upper-case words outside code, with their lines."""

from __future__ import annotations

import textwrap

from torus_mcp.specs.markers import find_markers


def test_markers_with_lines_outside_code():
    text = textwrap.dedent(
        """\
        # Plan
        - [ ] TODO: wire the flag
        Owner: TBD
        TBDs and todo and `TODO` and xTODO do not count.

        ```
        TODO in a fence
        ```

            FIXME in indented code
        <!-- FIXME: real one -->
        TBD, TBD
        """
    )
    found = [(m.kind, m.line) for m in find_markers(text, "plan.md")]
    assert found == [("TODO", 2), ("TBD", 3), ("FIXME", 11), ("TBD", 12), ("TBD", 12)]
    assert find_markers(text, "plan.md")[0].text == "- [ ] TODO: wire the flag"


def test_markers_in_yaml_are_read_line_by_line():
    text = "requirements:\n- id: FR-1\n  title: TBD  # TODO name it\n"
    assert [(m.kind, m.line) for m in find_markers(text, "requirements.yml")] == [("TBD", 3), ("TODO", 3)]
