"""The `kind` of a diagnostic: a stable short slug for grouping diagnostics by what they complain about.

Both sources of diagnostics use it, the text parser (`compile`) and the events of the injected
compile task (`mix.elixir.events`), so a build groups alike whichever one reported it.
"""

from __future__ import annotations

import re

# One alternation, searched once per distinct first line; the first alternative that matches names
# the kind. Slugs are stable: tools group by them, so never rename one.
_KIND_PATTERNS: list[tuple[str, str]] = [
    ("unused_variable", r"^variable \"?'?\w+[\"']? is unused|^variable '\w+' is unused"),
    ("underscored_variable_used", r"^the underscored variable"),
    ("undefined_variable", r"^undefined variable|^variable \"\w+\" does not exist"),
    ("unused_function", r"^function \S+ is unused|^(?:macro|function) \S+ is private, @doc"),
    ("unused_alias", r"^unused alias"),
    ("unused_import", r"^unused import"),
    ("unused_attribute", r"^module attribute @\S+ was set but never used"),
    ("undefined_attribute", r"^undefined module attribute"),
    ("deprecated", r"is deprecated|deprecated\. Use "),
    ("undefined_module", r"is undefined \(module \S+ is not available|^module \S+ is not loaded"),
    ("undefined_struct", r"cannot expand struct|__struct__/1 is undefined|^undefined struct"),
    ("missing_require", r"you must require|there is a macro with the same name and arity"),
    ("undefined_function", r"is undefined or private|^undefined function|^undefined local function"),
    ("behaviour_not_implemented", r"required by behaviour \S+ is not implemented"),
    ("unknown_callback", r"got \"@impl|@impl true|is not a callback|no callbacks? (?:are|is) defined"),
    ("unreachable_clause", r"cannot match because a previous clause|clause will never match"),
    ("duplicate_key", r"will be overridden in map|duplicate key"),
    ("quoted_keyword", r"found quoted (?:keyword|atom)"),
    ("ignored_result", r"is ignored \(suppress the warning"),
    ("undefined_field", r"^undefined field|^unknown key"),
    (
        "type_warning",
        r"incompatible types|typing violation|comparison between distinct types|will never match",
    ),
    ("call_will_fail", r"will fail with"),
    ("redefined_module", r"^redefining module"),
    ("deadlock", r"deadlocked waiting on"),
    ("compile_error", r"cannot compile module|cannot compile file"),
    ("misnamed_test_files", r"files do not match any of the configured"),
    ("unused_dependency", r"dependency \S+ is not used|unused dependency"),
    ("invalid_expression", r"^invalid (?:argument|pattern|expression|call|quoted|left|right)|^cannot invoke"),
    ("syntax_error", r"^syntax error|unexpected reserved word|unexpected token|syntax error before"),
]
_KIND_RE = re.compile("|".join(f"(?P<{slug}>{pattern})" for slug, pattern in _KIND_PATTERNS))
_KIND_CACHE: dict[str, str] = {}

# Exceptions whose name alone says the kind, whatever the message.
_EXCEPTION_KINDS = {
    "SyntaxError": "syntax_error",
    "TokenMissingError": "token_missing",
    "MismatchedDelimiterError": "mismatched_delimiter",
}


def diagnostic_kind(message: str, exception: str | None = None) -> str:
    """A stable short slug for grouping diagnostics by what they complain about."""
    first = message.split("\n", 1)[0]
    if exception in _EXCEPTION_KINDS:
        kind = _EXCEPTION_KINDS[exception]
        # 1.14/1.15 report a mismatched delimiter as a SyntaxError; 1.16+ name it.
        if kind == "syntax_error" and "missing terminator" in message:
            return "mismatched_delimiter"
        return kind
    kind = _KIND_CACHE.get(first)
    if kind is None:
        m = _KIND_RE.search(first)
        kind = m.lastgroup if m else None
        if kind is None:
            kind = "exception" if exception and exception != "CompileError" else "unknown"
        if len(_KIND_CACHE) < 4096:
            _KIND_CACHE[first] = kind
    return kind
