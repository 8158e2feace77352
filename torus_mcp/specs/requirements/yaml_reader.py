"""requirements.yml in every schema variant the Torus packs use, with line numbers.

- nested: ``requirements: [{id: FR-001, title, status, acceptance_criteria: [{id: AC-001, title,
  status, verification_method, proofs: [{type, ref}]}]}]``;
- flat: ``requirements: [{id, title}]`` beside ``acceptance_criteria: [{id, title,
  verification_method}]``, an AC naming its requirement with ``requirement(s)``/``covers``/``frs``;
- both at once (the same ACs nested and repeated flat), keys in any order;
- ``requirements_bulk.yml``: requirements without ids, matched to an id by title later;
- mappings keyed by id (``requirements: {FR-001: {title: ...}}`` or ``{FR-001: "title"}``) and
  ACs listed by id only (``acceptance_criteria: [AC-001]``).

The file is composed into YAML nodes rather than loaded, so every entry keeps its line and
duplicate keys can be reported; aliases are not expanded, so a "billion laughs" file stays small.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from torus_mcp.specs.findings import Finding
from torus_mcp.specs.ids import id_kind, normalize_id
from torus_mcp.specs.requirements.citations import cited_requirement_ids
from torus_mcp.specs.requirements.model import (
    PARSE_RULE,
    YAML_RULE,
    AcceptanceCriterion,
    Proof,
    Requirement,
    is_given_when_then,
)

_REQUIREMENT_KEYS = (
    "requirements",
    "functional_requirements",
    "non_functional_requirements",
    "nonfunctional_requirements",
    "nfrs",
    "frs",
)
_CRITERIA_KEYS = ("acceptance_criteria", "acceptance", "acs", "criteria")
_TITLE_KEYS = ("title", "description", "text", "statement", "name", "summary", "requirement", "criterion")
_CITE_KEYS = (
    "requirements",
    "requirement",
    "requirement_id",
    "requirement_ids",
    "covers",
    "traces",
    "frs",
    "fr",
    "parent",
)
_MAX_NODES = 50_000


@dataclass
class UnnamedRequirement:
    """A requirement without an id, resolved by title against the other sources."""

    title: str
    document: str
    line: int
    criteria: list[AcceptanceCriterion]


@dataclass
class YamlRequirements:
    requirements: list[Requirement] = field(default_factory=list)
    criteria: list[AcceptanceCriterion] = field(default_factory=list)
    unnamed: list[UnnamedRequirement] = field(default_factory=list)
    links: list[tuple[str, str, str, int | None]] = field(default_factory=list)
    """(AC id, requirement id, document, line) for ACs listed by id under a requirement."""
    findings: list[Finding] = field(default_factory=list)


def _loader() -> type:
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_requirements_yaml(text: str, document: str) -> YamlRequirements:
    """Requirements, criteria and findings of one YAML file. Never raises."""
    result = YamlRequirements()
    try:
        root = yaml.compose(text, Loader=_loader())
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = " ".join(str(error.problem or error).split())
        result.findings.append(
            Finding(
                rule=YAML_RULE,
                severity="warning",
                document=document,
                line=line,
                message=f"{document} is not valid YAML{f' at line {line}' if line else ''}: {problem}; "
                "its requirements are not read.",
                fix="Fix the YAML syntax there (indentation, an unclosed quote or bracket, a ':' in an "
                "unquoted title) and check it with a YAML linter.",
            )
        )
        return result
    except (yaml.YAMLError, RecursionError, ValueError) as error:
        result.findings.append(
            Finding(
                rule=YAML_RULE,
                severity="warning",
                document=document,
                message=f"{document} cannot be read as YAML ({type(error).__name__}: {error}).",
                fix="Rewrite it as plain YAML: a mapping with 'requirements' and 'acceptance_criteria' lists.",
            )
        )
        return result
    _Reader(document, result).root(root)
    return result


class _Reader:
    def __init__(self, document: str, result: YamlRequirements):
        self.document = document
        self.result = result
        self.visited = 0

    # Node helpers ----------------------------------------------------------------------------

    def finding(self, node: yaml.Node | None, message: str, fix: str, severity: str = "warning") -> None:
        self.result.findings.append(
            Finding(
                rule=PARSE_RULE,
                severity=severity,  # type: ignore[arg-type]
                document=self.document,
                line=_line(node),
                message=message,
                fix=fix,
            )
        )

    def mapping(self, node: yaml.MappingNode) -> dict[str, yaml.Node]:
        found: dict[str, yaml.Node] = {}
        for key_node, value in node.value:
            self.visited += 1
            key = _scalar(key_node)
            if key is None:
                continue
            key = key.strip().lower()
            if key in found:
                self.finding(
                    key_node,
                    f"key '{key}' appears twice in one mapping of {self.document} (line {_line(key_node)}); "
                    "the last one is used, as YAML loaders do.",
                    f"Merge the two '{key}' entries into one.",
                )
            found[key] = value
        return found

    def text(self, fields: dict[str, yaml.Node], keys: tuple[str, ...]) -> str | None:
        for key in keys:
            node = fields.get(key)
            value = _scalar(node) if node is not None else None
            if value is not None and value.strip():
                return " ".join(value.split())
        return None

    # Structure -------------------------------------------------------------------------------

    def root(self, node: yaml.Node | None) -> None:
        if node is None:
            self.finding(None, f"{self.document} is empty.", "Add 'requirements:' with FR ids.", "info")
            return
        if isinstance(node, yaml.SequenceNode):
            self.requirements(node)
            return
        if not isinstance(node, yaml.MappingNode):
            self.finding(
                node,
                f"{self.document} is a single value, not a mapping with 'requirements'.",
                "Write 'requirements:' followed by a list of {id, title} entries.",
            )
            return
        fields = self.mapping(node)
        requirement_keys = [k for k in _REQUIREMENT_KEYS if k in fields]
        criteria_keys = [k for k in _CRITERIA_KEYS if k in fields]
        if not requirement_keys and not criteria_keys:
            self.finding(
                node,
                f"{self.document} has no 'requirements' or 'acceptance_criteria' key.",
                "Add 'requirements:' (and 'acceptance_criteria:') lists.",
                "info",
            )
        for key in requirement_keys:
            self.requirements(fields[key])
        for key in criteria_keys:
            for criterion in self.criteria(fields[key], parent=None):
                self.result.criteria.append(criterion)

    def entries(self, node: yaml.Node, what: str) -> list[tuple[str | None, yaml.Node]]:
        """(key, entry) of a list, or of a mapping keyed by id."""
        if isinstance(node, yaml.SequenceNode):
            return [(None, item) for item in node.value]
        if isinstance(node, yaml.MappingNode):
            return [(_scalar(key), value) for key, value in node.value]
        if _scalar(node) in (None, "", "~", "null", "[]"):
            return []
        self.finding(
            node, f"'{what}' in {self.document} is not a list.", f"Write '{what}:' as a list of entries."
        )
        return []

    def budget_left(self) -> bool:
        self.visited += 1
        return self.visited <= _MAX_NODES

    def requirements(self, node: yaml.Node) -> None:
        for key, item in self.entries(node, "requirements"):
            if not self.budget_left():
                return
            self.requirement(key, item)

    def requirement(self, key: str | None, node: yaml.Node) -> None:
        if isinstance(node, yaml.ScalarNode):
            # {FR-001: "title"} or a bare "FR-001" / "FR-001: title" list item.
            value = _scalar(node) or ""
            ident, title = (key, value) if key else _split_scalar(value)
            if ident and id_kind(ident) in ("FR", "NFR"):
                self.add_requirement(ident, title, None, [], node)
                return
            self.finding(
                node,
                f"requirement entry '{value[:60]}' has no FR/NFR id.",
                "Write it as '- id: FR-00N' with 'title:'.",
            )
            return
        if not isinstance(node, yaml.MappingNode):
            self.finding(node, "a requirement entry is neither a mapping nor text.", "Use '- id: FR-00N'.")
            return
        fields = self.mapping(node)
        ident = self.text(fields, ("id", "key")) or key
        title = self.text(fields, _TITLE_KEYS) or ""
        status = self.text(fields, ("status", "state"))
        proofs = self.proofs(fields.get("proofs") or fields.get("proof"))
        criteria_node = next((fields[k] for k in _CRITERIA_KEYS if k in fields), None)
        if ident is None:
            criteria = self.criteria(criteria_node, parent=None) if criteria_node is not None else []
            self.result.unnamed.append(UnnamedRequirement(title, self.document, _line(node) or 0, criteria))
            return
        kind = id_kind(ident)
        if kind not in ("FR", "NFR"):
            self.finding(
                node,
                f"requirement id '{ident}' is not an FR/NFR id (FR-001, FR1, NFR-002); it is skipped.",
                "Use ids such as FR-001 for functional and NFR-001 for non-functional requirements.",
            )
            return
        self.add_requirement(ident, title, status, proofs, node)
        if criteria_node is not None:
            for criterion in self.criteria(criteria_node, parent=ident):
                self.result.criteria.append(criterion)

    def add_requirement(
        self, ident: str, title: str, status: str | None, proofs: list[Proof], node: yaml.Node
    ) -> None:
        kind = id_kind(ident)
        if not title:
            self.finding(
                node, f"{ident} in {self.document} has no title.", f"Add 'title:' to {ident}.", "info"
            )
        self.result.requirements.append(
            Requirement(
                id=ident,
                kind="NFR" if kind == "NFR" else "FR",
                title=title,
                status=status,
                document=self.document,
                line=_line(node),
                proofs=proofs,
            )
        )

    def criteria(self, node: yaml.Node | None, parent: str | None) -> list[AcceptanceCriterion]:
        found: list[AcceptanceCriterion] = []
        if node is None:
            return found
        for key, item in self.entries(node, "acceptance_criteria"):
            if not self.budget_left():
                break
            criterion = self.criterion(key, item, parent)
            if criterion is not None:
                found.append(criterion)
        return found

    def criterion(self, key: str | None, node: yaml.Node, parent: str | None) -> AcceptanceCriterion | None:
        if isinstance(node, yaml.ScalarNode):
            value = _scalar(node) or ""
            ident, title = (key, value) if key else _split_scalar(value)
            if ident and id_kind(ident) == "AC" and not title and parent:
                # Listed by id only: the AC is defined elsewhere and cites this requirement.
                self.result.links.append((ident, parent, self.document, _line(node)))
                return None
            if ident and id_kind(ident) == "AC":
                return self.make(ident, title, None, None, [], [parent] if parent else [], node)
            if value.strip():
                return self.make(None, value, None, None, [], [parent] if parent else [], node)
            return None
        if not isinstance(node, yaml.MappingNode):
            self.finding(
                node, "an acceptance criterion entry is neither a mapping nor text.", "Use '- id: AC-00N'."
            )
            return None
        fields = self.mapping(node)
        ident = self.text(fields, ("id", "key")) or key
        if ident is not None and id_kind(ident) != "AC":
            self.finding(
                node,
                f"acceptance criterion id '{ident}' is not an AC id (AC-001, AC-4b); it is read as unnumbered.",
                "Use ids such as AC-001 for acceptance criteria.",
            )
            ident = None
        title = self.text(fields, _TITLE_KEYS)
        if title is None:
            parts = [
                f"{word.capitalize()} {value}"
                for word in ("given", "when", "then")
                if (value := self.text(fields, (word,)))
            ]
            title = " ".join(parts)
        if not title:
            self.finding(
                node,
                f"acceptance criterion {ident or ''} in {self.document} has no title.".replace("  ", " "),
                "Add 'title:' with the Given/When/Then text.",
                "info",
            )
        cites = [parent] if parent else []
        for cite_key in _CITE_KEYS:
            if cite_key in fields:
                cites.extend(self.ids(fields[cite_key]))
        cites.extend(cited_requirement_ids(title))
        return self.make(
            ident,
            title,
            self.text(fields, ("status", "state")),
            self.text(fields, ("verification_method", "verification", "method")),
            self.proofs(fields.get("proofs") or fields.get("proof")),
            cites,
            node,
        )

    def make(
        self,
        ident: str | None,
        title: str,
        status: str | None,
        method: str | None,
        proofs: list[Proof],
        cites: list[str],
        node: yaml.Node,
    ) -> AcceptanceCriterion:
        unique: dict[str, str] = {}
        for cite in cites:
            unique.setdefault(normalize_id(cite), cite)
        return AcceptanceCriterion(
            id=ident,
            text=title,
            cites=list(unique.values()),
            given_when_then=is_given_when_then(title),
            status=status,
            verification_method=method,
            proofs=proofs,
            document=self.document,
            line=_line(node),
        )

    def ids(self, node: yaml.Node) -> list[str]:
        if isinstance(node, yaml.ScalarNode):
            return cited_requirement_ids(_scalar(node) or "")
        if isinstance(node, yaml.SequenceNode):
            return [i for item in node.value if isinstance(item, yaml.ScalarNode) for i in self.ids(item)]
        return []

    def proofs(self, node: yaml.Node | None) -> list[Proof]:
        if node is None:
            return []
        proofs: list[Proof] = []
        items = node.value if isinstance(node, yaml.SequenceNode) else [node]
        for item in items:
            if not self.budget_left():
                break
            if isinstance(item, yaml.ScalarNode):
                ref = (_scalar(item) or "").strip()
                if ref and ref not in ("[]", "~", "null"):
                    proofs.append(Proof(type=None, ref=ref))
            elif isinstance(item, yaml.MappingNode):
                fields = self.mapping(item)
                ref = self.text(fields, ("ref", "path", "file", "url", "test", "link"))
                if ref is None:
                    self.finding(
                        item, "a proof has no 'ref'.", "Write proofs as '- type: test' / 'ref: path'."
                    )
                    continue
                proofs.append(Proof(type=self.text(fields, ("type", "kind")), ref=ref))
            else:
                self.finding(
                    item, "a proof is neither text nor a mapping.", "Use '- type: test' / 'ref: path'."
                )
        return proofs


def _scalar(node: yaml.Node | None) -> str | None:
    if isinstance(node, yaml.ScalarNode):
        return str(node.value)
    return None


def _line(node: yaml.Node | None) -> int | None:
    mark = getattr(node, "start_mark", None)
    return mark.line + 1 if mark is not None else None


def _split_scalar(value: str) -> tuple[str | None, str]:
    """``"FR-001: text"`` -> ``("FR-001", "text")``; ``"FR-001"`` -> ``("FR-001", "")``."""
    head, _, tail = value.partition(":")
    head = head.strip()
    if id_kind(head) is not None:
        return head, " ".join(tail.split())
    return None, value
