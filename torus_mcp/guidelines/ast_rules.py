"""The rules read from Elixir AST facts (what `elixir/ast_facts.exs` prints for one file).

A fact list holds plain JSON arrays, in the order the script writes them:

    modules        [name, line, column, depth, kind]        kind: defmodule | defprotocol | defimpl
    refs           [module, kind, function, line, column, enclosing module, loop]
                   kind: alias | import | require | use | call | struct | behaviour | impl | module;
                   loop: "Enum.map", "Stream.filter", "for"... when inside a loop body, else null
    else_ifs       [line, column, outer if's line]
    defs           [kind, name, arity, line, column]       only names starting with is_
    struct_access  [var, struct, key, line, column, line the struct was bound]
    allow_nil      [line, column]
    casts          [line, column, [permitted field names]]
    sigils         [letter, line, column, content line, content column or indentation, heredoc?, content]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from torus_mcp.guidelines.heex_rules import heex_hits
from torus_mcp.guidelines.rules import Hit
from torus_mcp.guidelines.settings import GuidelinesConfig

ATOM_FUNCTIONS = frozenset(
    {("String", "to_atom"), ("List", "to_atom"), (":erlang", "binary_to_atom"), (":erlang", "list_to_atom")}
)
_DIRECTIVE_WORDS = {
    "alias": "aliases",
    "import": "imports",
    "require": "requires",
    "use": "uses",
    "call": "calls",
    "struct": "builds or matches the struct",
    "behaviour": "implements the behaviour",
    "impl": "implements the protocol",
    "module": "names",
}

Facts = Mapping[str, Any]


def ast_hits(facts: Facts, config: GuidelinesConfig) -> list[Hit]:
    """Every AST rule hit in one file's facts (a parse error is the checker's business)."""
    refs = facts.get("refs", ())
    return [
        *layer_hits(refs, config.layers),
        *loop_query_hits(refs, config.query_functions),
        *atom_hits(refs),
        *module_hits(facts.get("modules", ())),
        *(
            Hit("ELSE-IF", line, col, f"else branch holds only another if (the if at line {outer})")
            for line, col, outer in facts.get("else_ifs", ())
        ),
        *predicate_hits(facts.get("defs", ())),
        *struct_access_hits(facts.get("struct_access", ())),
        *(
            Hit("ECTO-VALIDATE-NUMBER-ALLOW-NIL", line, col, "validate_number/3 given allow_nil")
            for line, col in facts.get("allow_nil", ())
        ),
        *cast_hits(facts.get("casts", ()), config.protected_fields),
        *sigil_hits(facts.get("sigils", ())),
    ]


def under(module: str | None, prefix: str) -> bool:
    """`Oli.Accounts` is under `Oli`; `OliWeb.Router` is not."""
    return module is not None and (module == prefix or module.startswith(prefix + "."))


def layer_hits(refs: Iterable[Sequence[Any]], layers: Sequence[tuple[str, str]]) -> Iterable[Hit]:
    seen: set[tuple[int, int | None]] = set()
    for module, kind, function, line, col, owner, _loop in refs:
        if line is None or owner is None or (line, col) in seen:
            continue
        # The referenced module is tested first: it is rarely in an upper layer.
        for lower, upper in layers:
            if under(module, upper) and under(owner, lower) and not under(owner, upper):
                seen.add((line, col))
                target = f"{module}.{function}" if function else module
                yield Hit(
                    "LAYER-OLI-OLIWEB",
                    line,
                    col,
                    f"{owner} {_DIRECTIVE_WORDS.get(kind, 'names')} {target}: {lower} must not depend on {upper}",
                )
                break


def query_matches(module: str, function: str | None, patterns: Sequence[str]) -> bool:
    """`Repo.*` matches Repo.get and Oli.Repo.all; `Sections.get_section!` matches Oli.Delivery.Sections."""
    segments = module.split(".")
    for pattern in patterns:
        *pattern_module, pattern_function = pattern.split(".")
        if segments[-len(pattern_module) :] == pattern_module and pattern_function in ("*", function):
            return True
    return False


def loop_query_hits(refs: Iterable[Sequence[Any]], patterns: Sequence[str]) -> Iterable[Hit]:
    for module, kind, function, line, col, _owner, loop in refs:
        if loop and kind == "call" and line is not None and query_matches(module, function, patterns):
            where = "a for comprehension" if loop == "for" else f"the function given to {loop}"
            yield Hit("DB-IN-LOOP", line, col, f"{module}.{function} runs once per element inside {where}")


def atom_hits(refs: Iterable[Sequence[Any]]) -> Iterable[Hit]:
    for module, kind, function, line, col, _owner, _loop in refs:
        if kind == "call" and line is not None and (module, function) in ATOM_FUNCTIONS:
            yield Hit(
                "STRING-TO-ATOM", line, col, f"{module}.{function} creates atoms, which are never freed"
            )


def module_hits(modules: Iterable[Sequence[Any]]) -> Iterable[Hit]:
    defined = [m for m in modules if m[4] in ("defmodule", "defprotocol")]
    for name, line, col, _depth, kind in defined[1:]:
        yield Hit(
            "MULTI-MODULE-FILE",
            line,
            col,
            f"{kind} {name} is a second module in a file that already defines {defined[0][0]} (line {defined[0][1]})",
        )


def predicate_hits(defs: Iterable[Sequence[Any]]) -> Iterable[Hit]:
    for kind, name, arity, line, col in defs:
        if kind in ("def", "defp"):
            better = name.removeprefix("is_").rstrip("?") + "?"
            yield Hit(
                "IS-PREDICATE",
                line,
                col,
                f"{kind} {name}/{arity} is named like a guard; name it {better}/{arity}",
            )


def struct_access_hits(items: Iterable[Sequence[Any]]) -> Iterable[Hit]:
    for var, struct, key, line, col, bound_at in items:
        field = key.removeprefix(":") if key and key.startswith(":") else None
        better = f"{var}.{field}" if field else f"{var}.field"
        yield Hit(
            "STRUCT-ACCESS",
            line,
            col,
            f"{var}[{key or '...'}] on a %{struct}{{}} struct (bound at line {bound_at}); write {better}",
        )


def cast_hits(casts: Iterable[Sequence[Any]], protected: frozenset[str]) -> Iterable[Hit]:
    for line, col, fields in casts:
        named = sorted(set(fields) & protected)
        if named:
            listed = ", ".join(f":{name}" for name in named)
            yield Hit("ECTO-CAST-PROTECTED", line, col, f"cast/3 permits {listed}, which the server must set")


def sigil_hits(sigils: Iterable[Sequence[Any]]) -> Iterable[Hit]:
    """~E sigils, and the HEEx rules on each ~H sigil mapped back to file lines and columns."""
    for letter, line, col, content_line, start, heredoc, content in sigils:
        if letter == "E":
            yield Hit("HEEX-SIGIL-E", line, col, "~E sigil (EEx, not HEEx)")
            continue
        for hit in heex_hits(content or ""):
            if heredoc:
                column = hit.column + start if hit.column is not None else None
            elif hit.line == 1 and start is not None and hit.column is not None:
                column = hit.column + start - 1
            else:
                column = hit.column
            yield hit._replace(line=content_line + hit.line - 1, column=column)
