"""The guideline rules: id, the guideline sentence each one enforces, default severity and fix hint.

The sentences are the Torus coding guidelines as the develop persona reads them (prompts/develop.md)
and as reviewers apply them (.review/elixir.md in the Torus repository).
"""

from __future__ import annotations

from typing import Literal, NamedTuple

Severity = Literal["error", "warning"]


class GuidelineRule(NamedTuple):
    id: str
    severity: Severity
    """Default severity; `[guidelines.severity]` in .torus-mcp.toml overrides it."""
    source: Literal["ast", "text"]
    """ast: read from the Elixir AST (needs `elixir`); text: read from the HEEx text."""
    checks: str
    """What the rule looks for, in a few words (README table, torus://guides/rules)."""
    guideline: str
    """The guideline sentence the rule enforces."""
    fix: str
    configurable: bool = True


def _rule(id: str, severity: Severity, source: Literal["ast", "text"], checks: str, guideline: str, fix: str):
    return GuidelineRule(id=id, severity=severity, source=source, checks=checks, guideline=guideline, fix=fix)


PARSE_RULE = "ELIXIR-PARSE"

_RULES = (
    GuidelineRule(
        id=PARSE_RULE,
        severity="error",
        source="ast",
        checks="the file parses as Elixir (Code.string_to_quoted/2); the other rules need its AST",
        guideline="Code must compile: the other guideline checks cannot read a file that does not parse.",
        fix="Fix the syntax error at the reported line (mix_compile shows the compiler's view).",
        configurable=False,
    ),
    _rule(
        "LAYER-OLI-OLIWEB",
        "error",
        "ast",
        "an Oli.* module references an OliWeb.* module (alias, import, require, use, call, struct, "
        "behaviour, impl, module name); pairs configurable",
        "Keep layers clean: no cyclic deps; Oli must not depend on OliWeb.",
        "Move the code that needs the web layer into OliWeb, or have OliWeb pass what Oli needs in "
        "(data, a function, a configured module).",
    ),
    _rule(
        "DB-IN-LOOP",
        "warning",
        "ast",
        "a Repo.* call (or a configured query function) inside the function given to Enum.map/each/"
        "reduce/flat_map/filter/..., any Stream.* function, or a for comprehension's body",
        "Never run DB queries inside loops (Enum.map, etc.). Batch or refactor queries.",
        "Load what the loop needs with one query before it (where: x.id in ^ids, preload), or write "
        "with insert_all/update_all.",
    ),
    _rule(
        "ELSE-IF",
        "warning",
        "ast",
        "an if whose else branch is only another if",
        "Multiple conditionals: use case or cond (no else if).",
        "Replace the nested if with one cond (or a case) that lists every branch.",
    ),
    _rule(
        "MULTI-MODULE-FILE",
        "warning",
        "ast",
        "more than one defmodule in a file (a defimpl beside the module is fine)",
        "Don’t nest multiple modules in a file.",
        "Move each extra module into its own file named after it.",
    ),
    _rule(
        "STRING-TO-ATOM",
        "warning",
        "ast",
        "String.to_atom/1, List.to_atom/1, :erlang.binary_to_atom/2, :erlang.list_to_atom/1",
        "Never call String.to_atom/1 on user input.",
        "Use String.to_existing_atom/1, or map the allowed strings to atoms explicitly "
        '(e.g. a case or a map like %{"audio" => :audio}).',
    ),
    _rule(
        "IS-PREDICATE",
        "warning",
        "ast",
        "def/defp named is_* (is_* is for guards: defguard); predicates end with ?",
        "Predicates end with ? (reserve is_* for guards).",
        "Rename is_foo to foo? (or make it a defguard if it must work in guards).",
    ),
    _rule(
        "STRUCT-ACCESS",
        "error",
        "ast",
        "var[:field] where var was bound to a %Struct{} earlier in the same function",
        "Don’t use map access on structs (struct[:field]); use struct.field or proper APIs "
        "(e.g., Ecto.Changeset.get_field/2).",
        "Write var.field (structs do not implement Access), or Ecto.Changeset.get_field/2 on a changeset.",
    ),
    _rule(
        "ECTO-VALIDATE-NUMBER-ALLOW-NIL",
        "error",
        "ast",
        "validate_number/3 given an :allow_nil option",
        "validate_number/3 has no :allow_nil; validations run only when a non-nil change exists.",
        "Remove allow_nil: validate_number already skips nil values.",
    ),
    _rule(
        "ECTO-CAST-PROTECTED",
        "error",
        "ast",
        "cast/3 permits :user_id or another configured protected field",
        "Don’t cast protected fields set programmatically (e.g., user_id); assign explicitly.",
        "Drop the field from cast/3's list and set it in code with put_change/3 or put_assoc/3.",
    ),
    _rule(
        "HEEX-SIGIL-E",
        "error",
        "ast",
        "a ~E sigil",
        "Use HEEx (~H or .heex), not ~E.",
        "Rewrite the template as ~H (or a .heex file).",
    ),
    _rule(
        "HEEX-FORM-LET",
        "error",
        "text",
        "<.form let={f}> (the old let attribute)",
        "Don’t pass changesets directly to templates; don’t use <.form let={f}>.",
        "Build the form with to_form/2 in the LiveView and write <.form for={@form}> with "
        "<.input field={@form[:name]}>.",
    ),
    _rule(
        "HEEX-FORM-CHANGESET",
        "warning",
        "text",
        "<.form for={@changeset}> (a changeset handed to the template)",
        "Forms: build via to_form/2 in LiveView; templates use <.form for={@form}> and <.input ...>.",
        "assign(socket, form: to_form(changeset)) in the LiveView and use <.form for={@form}>.",
    ),
    _rule(
        "HEEX-ENUM-EACH",
        "error",
        "text",
        "<% Enum.each ... %> in a template",
        "Don’t use <% Enum.each %> in templates; use <%= for ... do %>.",
        "Use <%= for item <- @items do %> ... <% end %> or :for={item <- @items} on the element.",
    ),
    _rule(
        "HEEX-LIVE-REDIRECT",
        "warning",
        "text",
        "live_redirect / live_patch in a template",
        "Use <.link navigate={...}/patch={...}> and push_navigate/patch (not deprecated live_redirect/patch).",
        "Write <.link navigate={path}> (for live_redirect) or <.link patch={path}> (for live_patch).",
    ),
    _rule(
        "HEEX-PHX-UPDATE-APPEND",
        "warning",
        "text",
        'phx-update="append" or "prepend"',
        'Streams: parent has phx-update="stream"; … Avoid deprecated phx-update="append/prepend".',
        'Use a stream: phx-update="stream" on the parent and :for={{id, item} <- @streams.items}.',
    ),
    _rule(
        "HEEX-INLINE-SCRIPT",
        "warning",
        "text",
        "a <script> element without src in a template",
        "No inline <script> in HEEx; put JS in assets/js.",
        "Move the code to assets/js (imported by app.js) and attach it with a phx-hook.",
    ),
    _rule(
        "HEEX-EEX-IN-ATTR",
        "error",
        "text",
        "<%= ... %> (e.g. <%= if ... %>) inside a tag's attributes",
        "Interpolation: attributes use {...}; block constructs (if/case/for) use <%= ... %> in bodies.",
        'Write the attribute as attr={...}, e.g. class={["btn", @active && "active"]}.',
    ),
)

RULES: dict[str, GuidelineRule] = {rule.id: rule for rule in _RULES}
"""Every guideline rule by id, in the order they are documented."""


class Hit(NamedTuple):
    """Where a rule matched and what it saw; the checker adds severity and drops ignored hits."""

    rule: str
    line: int
    column: int | None
    message: str
