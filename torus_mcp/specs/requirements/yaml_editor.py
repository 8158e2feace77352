"""Changing one FR/AC entry of requirements.yml in place: its status, or one more proof.

The file is edited as text at the positions the YAML parser reports, so comments, key order,
quoting and blank lines elsewhere stay exactly as they were. Every edit is parsed back and checked
before it is returned; an edit that would not read back as intended is refused.
"""

from __future__ import annotations

import json
import re

from pydantic import BaseModel

from torus_mcp.specs.ids import normalize_id

STATUSES = ("proposed", "verified_fdd", "verified_plan", "verified")
_PLAIN_SCALAR = re.compile(r"^[A-Za-z0-9_./:#-][A-Za-z0-9_./:#@ -]*$")


class RequirementEditError(ValueError):
    """The entry cannot be changed as asked; nothing was changed."""


class RequirementEdit(BaseModel):
    id: str
    line: int  # 1-based line of the entry's `id:`
    previous_status: str | None
    status: str | None
    proof_added: bool
    proofs: int  # how many proofs the entry has now
    copies: int = 1  # entries with this id in the file (all updated alike)


def _scalar(value: str) -> str:
    return (
        value
        if _PLAIN_SCALAR.match(value) and ": " not in value and not value.endswith(":")
        else json.dumps(value)
    )


def _mappings(node):
    import yaml

    if isinstance(node, yaml.MappingNode):
        yield node
        for key, value in node.value:
            yield from _mappings(key)
            yield from _mappings(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _mappings(item)


def _entry(mapping, key: str):
    import yaml

    for k, v in mapping.value:
        if isinstance(k, yaml.ScalarNode) and k.value == key:
            return k, v
    return None


def find_entries(text: str, requirement_id: str) -> list:
    """The YAML mapping nodes whose `id` is this FR/AC id (ids match across FR1 / FR-1 / FR-001)."""
    import yaml

    try:
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise RequirementEditError(
            f"the file is not valid YAML{where}: fix it with write_doc first."
        ) from exc
    wanted = normalize_id(requirement_id)
    found = []
    for mapping in _mappings(root):
        entry = _entry(mapping, "id")
        if entry and isinstance(entry[1], yaml.ScalarNode) and normalize_id(entry[1].value) == wanted:
            found.append(mapping)
    return found


def known_ids(text: str) -> list[str]:
    import yaml

    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return []
    ids = []
    for mapping in _mappings(root):
        entry = _entry(mapping, "id")
        if entry and isinstance(entry[1], yaml.ScalarNode):
            ids.append(entry[1].value)
    return ids


def update_requirement(
    text: str, requirement_id: str, *, status: str | None = None, proof: tuple[str, str] | None = None
) -> tuple[str, RequirementEdit]:
    """The file with the entry's status set and/or a proof (type, ref) appended."""
    if status is None and proof is None:
        raise RequirementEditError("nothing to change: pass status, proof, or both.")
    if status is not None and status not in STATUSES:
        raise RequirementEditError(f"unknown status {status!r}; statuses in order: {' < '.join(STATUSES)}.")
    matches = find_entries(text, requirement_id)
    if not matches:
        ids = ", ".join(known_ids(text)) or "none"
        raise RequirementEditError(f"no entry with id {requirement_id!r}; ids in the file: {ids}.")
    for mapping in matches:
        if mapping.flow_style:
            raise RequirementEditError(
                f"the entry of {requirement_id} (line {mapping.start_mark.line + 1}) is a one-line {{...}} "
                "mapping; rewrite it in block style with write_doc first."
            )
    # Some generated files list an AC twice (nested under its FR and again in a flat list): every
    # copy gets the same change so they never disagree.
    previous = _current_status(matches[0])
    edits: list[tuple[int, int, str]] = []
    proof_added = False
    for mapping in matches:
        if proof is not None and not _has_proof(mapping, proof):
            edits.append(_proof_edit(text, mapping, proof))
            proof_added = True
        if status is not None and status != _current_status(mapping):
            edits.append(_status_edit(text, mapping, status))
    new_text = text
    # Edit from the end of the file backwards so earlier offsets stay valid.
    for start, end, replacement in sorted(edits, key=lambda e: e[0], reverse=True):
        new_text = new_text[:start] + replacement + new_text[end:]
    _verify(new_text, requirement_id, status, proof, copies=len(matches))
    after = find_entries(new_text, requirement_id)[0]
    proofs_node = _entry(after, "proofs")
    count = len(proofs_node[1].value) if proofs_node and isinstance(proofs_node[1].value, list) else 0
    id_line = _entry(matches[0], "id")[0].start_mark.line + 1
    return new_text, RequirementEdit(
        id=_entry(after, "id")[1].value,
        line=id_line,
        copies=len(matches),
        previous_status=previous,
        status=_current_status(after),
        proof_added=proof_added,
        proofs=count,
    )


def _current_status(mapping) -> str | None:
    entry = _entry(mapping, "status")
    return entry[1].value if entry and isinstance(entry[1].value, str) and entry[1].value else None


def _has_proof(mapping, proof: tuple[str, str]) -> bool:
    import yaml

    entry = _entry(mapping, "proofs")
    if not entry or not isinstance(entry[1], yaml.SequenceNode):
        return False
    for item in entry[1].value:
        if isinstance(item, yaml.MappingNode):
            values = {k.value: getattr(v, "value", None) for k, v in item.value}
            if values.get("ref") == proof[1] and values.get("type") in (proof[0], None):
                return True
        elif isinstance(item, yaml.ScalarNode) and item.value == proof[1]:
            return True
    return False


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _line_after(text: str, node) -> int:
    """Offset of the start of the line after the node's last character."""
    end = node.end_mark.index
    # Block collections end at the start of the next token; step back over trailing blank space.
    while end > 0 and text[end - 1] in " \t\r\n":
        end -= 1
    newline = text.find("\n", end)
    return len(text) if newline == -1 else newline + 1


def _status_edit(text: str, mapping, status: str) -> tuple[int, int, str]:
    import yaml

    entry = _entry(mapping, "status")
    if (
        entry
        and isinstance(entry[1], yaml.ScalarNode)
        and entry[1].end_mark.index > entry[1].start_mark.index
    ):
        return entry[1].start_mark.index, entry[1].end_mark.index, status
    key, value = _entry(mapping, "id")
    indent = " " * key.start_mark.column
    at = _line_after(text, value)
    if entry:  # `status:` with an empty value: fill it in on its own line
        at_key = entry[0]
        start = _line_start(text, at_key.start_mark.index)
        end = _line_after(text, at_key)
        return start, end, f"{indent}status: {status}{_newline(text)}"
    return at, at, f"{indent}status: {status}{_newline(text)}"


def _proof_lines(indent: str, proof: tuple[str, str], newline: str) -> str:
    kind, ref = proof
    return f"{indent}- type: {_scalar(kind)}{newline}{indent}  ref: {_scalar(ref)}{newline}"


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _proof_edit(text: str, mapping, proof: tuple[str, str]) -> tuple[int, int, str]:
    import yaml

    newline = _newline(text)
    key_indent = " " * _entry(mapping, "id")[0].start_mark.column
    entry = _entry(mapping, "proofs")
    if entry is None:
        last_value = mapping.value[-1][1]
        at = _line_after(text, last_value)
        # A file without a final newline needs one before the new key.
        prefix = newline if at == len(text) and text and not text.endswith("\n") else ""
        block = f"{prefix}{key_indent}proofs:{newline}{_proof_lines(key_indent + '  ', proof, newline)}"
        return at, at, block
    key, value = entry
    if isinstance(value, yaml.SequenceNode) and value.value and not value.flow_style:
        first = value.value[0]
        line_start = _line_start(text, first.start_mark.index)
        dash = text.index("-", line_start)
        indent = " " * (dash - line_start)
        at = _line_after(text, value.value[-1])
        return at, at, _proof_lines(indent, proof, newline)
    if (isinstance(value, yaml.SequenceNode) and not value.value) or (
        isinstance(value, yaml.ScalarNode) and value.value in ("", "null", "~")
    ):
        # `proofs: []` or `proofs:` with nothing: replace the value with a block list.
        start = key.end_mark.index
        end = value.end_mark.index if value.end_mark.index > start else start
        line_end = text.find("\n", end)
        end_of_line = len(text) if line_end == -1 else line_end
        if text[end:end_of_line].strip() and not text[end:end_of_line].strip().startswith("#"):
            raise RequirementEditError(
                "the proofs line has text after its value; fix it with write_doc first."
            )
        block = ":" + newline + _proof_lines(key_indent + "  ", proof, newline).rstrip("\r\n")
        return start, end, block
    raise RequirementEditError(
        f"proofs of this entry (line {key.start_mark.line + 1}) is not a list; fix it with write_doc first."
    )


def _verify(
    new_text: str, requirement_id: str, status: str | None, proof: tuple[str, str] | None, copies: int
) -> None:
    import yaml

    try:
        yaml.safe_load(new_text)
        entries = find_entries(new_text, requirement_id)
    except (yaml.YAMLError, RequirementEditError) as exc:
        raise RequirementEditError(f"the edit would break the YAML ({exc}); nothing was changed.") from exc
    if len(entries) != copies:
        raise RequirementEditError("the edit would change which entries carry this id; nothing was changed.")
    for entry in entries:
        if status is not None and _current_status(entry) != status:
            raise RequirementEditError("the new status would not read back; nothing was changed.")
        if proof is not None and not _has_proof(entry, proof):
            raise RequirementEditError("the new proof would not read back; nothing was changed.")
