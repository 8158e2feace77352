"""The textual HEEx rules on .heex files: they need no elixir, so they also run without one."""

from __future__ import annotations

from tests.guidelines.conftest import FIXTURES, check, findings, pairs
from torus_mcp.guidelines.heex_rules import heex_hits

RULES_DIR = FIXTURES / "rules"


def test_template_true_positives_at_exact_lines() -> None:
    report = check(RULES_DIR, ["template.html.heex"], elixir="no-such-elixir")
    assert pairs(report, "template.html.heex") == {
        ("HEEX-FORM-CHANGESET", 2),
        ("HEEX-FORM-LET", 4),
        ("HEEX-ENUM-EACH", 7),
        ("HEEX-LIVE-REDIRECT", 10),
        ("HEEX-LIVE-REDIRECT", 11),
        ("HEEX-PHX-UPDATE-APPEND", 12),
        ("HEEX-PHX-UPDATE-APPEND", 14),
        ("HEEX-INLINE-SCRIPT", 15),
        ("HEEX-EEX-IN-ATTR", 18),
        # the second <script> (line 20) is silenced by the HEEx ignore comment on line 19
    }
    # Only .heex files were asked for, so the missing elixir costs nothing and is not mentioned.
    assert report.notes == []


def test_template_near_misses_are_not_flagged() -> None:
    report = check(RULES_DIR, ["near_misses.html.heex"], elixir="no-such-elixir")
    assert report.files == []
    assert report.counts.files_checked == 1


def test_columns_point_at_the_construct() -> None:
    text = (RULES_DIR / "template.html.heex").read_text()
    lines = text.splitlines()
    for hit in heex_hits(text):
        fragment = {
            "HEEX-FORM-CHANGESET": "for=",
            "HEEX-FORM-LET": "let=",
            "HEEX-ENUM-EACH": "<% Enum.each",
            "HEEX-LIVE-REDIRECT": "live_",
            "HEEX-PHX-UPDATE-APPEND": "phx-update",
            "HEEX-INLINE-SCRIPT": "<script",
            "HEEX-EEX-IN-ATTR": "<%=",
        }[hit.rule]
        assert lines[hit.line - 1].index(fragment) + 1 == hit.column, hit


def test_eex_inside_an_attribute_is_found_inside_quotes_and_outside() -> None:
    quoted = '<a class="x <%= if @on, do: "on" %>">go</a>'
    bare = '<input <%= if @off, do: "disabled" %> name="q">'
    body = "<p><%= if @on do %>on<% end %></p>"
    assert [(h.rule, h.column) for h in heex_hits(quoted)] == [("HEEX-EEX-IN-ATTR", quoted.index("<%") + 1)]
    assert [(h.rule, h.column) for h in heex_hits(bare)] == [("HEEX-EEX-IN-ATTR", bare.index("<%") + 1)]
    assert heex_hits(body) == []


def test_a_tag_spanning_lines_and_braces_with_quotes() -> None:
    text = '<.form\n  id="f"\n  phx-change={JS.push("validate", value: %{a: ">"})}\n  let={f}\n>\n</.form>\n'
    assert [(h.rule, h.line, h.column) for h in heex_hits(text)] == [("HEEX-FORM-LET", 4, 3)]


def test_script_content_is_raw_text() -> None:
    # Markup-looking text inside <script> is not scanned as tags.
    text = '<script>const s = "<.form let={f}>";</script>\n<p>ok</p>'
    assert [h.rule for h in heex_hits(text)] == ["HEEX-INLINE-SCRIPT"]


def test_severities_come_from_the_registry() -> None:
    report = check(RULES_DIR, ["template.html.heex"], elixir="no-such-elixir")
    severity = {f.rule: f.severity for f in findings(report, "template.html.heex")}
    assert severity["HEEX-EEX-IN-ATTR"] == "error" and severity["HEEX-LIVE-REDIRECT"] == "warning"
