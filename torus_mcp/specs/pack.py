"""A spec pack loaded from its directory: documents and their versions, parsed sections, the plan,
requirements, markers and notes, and every finding the parsers made. Never raises.

Everything is cached by document version (``sha256:`` of the bytes), so a pack whose files did
not change is not parsed again, and changing plan.md re-parses plan.md alone. A file is not even
re-read while its ``stat`` (mtime, ctime, size, inode) is unchanged: atomic writes replace the inode,
so an edit is always seen; a file modified in the last two seconds is always re-read, because
file times tick too coarsely to tell two quick same-size writes apart (the rule git uses for
"racily clean" files). :func:`pack_cache_stats` makes the cache observable.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, Field

from torus_mcp.documents import DocText, DocumentError, read_document
from torus_mcp.specs.entries import view_of
from torus_mcp.specs.findings import Finding
from torus_mcp.specs.markers import Marker, find_markers
from torus_mcp.specs.notes import Note, extract_notes
from torus_mcp.specs.plan.model import Plan
from torus_mcp.specs.plan.parse import parse_plan
from torus_mcp.specs.records import PackRecords, read_records, record_phase
from torus_mcp.specs.requirements.extract import extract_requirements
from torus_mcp.specs.requirements.model import RequirementSet
from torus_mcp.specs.sections import Section

PRD, FDD, PLAN = "prd.md", "fdd.md", "plan.md"
PACK_RULE = "PARSE-PACK"
"""A pack directory or document that cannot be read."""

_DOC_SUFFIXES = (".md", ".markdown", ".yml", ".yaml")
_REQUIREMENTS_YAML_RE = re.compile(r"^requirements\.ya?ml$", re.IGNORECASE)
"""The pack's requirements; scratch files such as requirements_bulk.yml are not."""
_MAX_DOCS = 200
_PACK_CACHE_SIZE = 256
_RESULT_CACHE_SIZE = 4096
_READ_CACHE_SIZE = 4096
_SETTLED_NS = 2_000_000_000


class DocInfo(BaseModel):
    """One document of a pack."""

    name: str
    version: str
    """``sha256:<hex>`` of the file's bytes, as the document tools report it."""
    size: int


class SpecPack(BaseModel):
    """Everything known about one feature's spec pack."""

    feature: str
    path: Path
    docs: dict[str, DocInfo] = Field(default_factory=dict)
    """Every .md/.yml document of the pack directory, by file name."""
    texts: dict[str, str] = Field(default_factory=dict, exclude=True, repr=False)
    """Raw text of each document (left out of dumps)."""
    prd_sections: list[Section] = Field(default_factory=list)
    fdd_sections: list[Section] = Field(default_factory=list)
    plan_sections: list[Section] = Field(default_factory=list)
    plan: Plan | None = None
    """None when the pack has no plan.md."""
    requirements: RequirementSet = Field(default_factory=RequirementSet)
    markers: list[Marker] = Field(default_factory=list)
    notes: list[Note] = Field(default_factory=list)
    records: PackRecords = Field(default_factory=PackRecords)
    """The phases' execution records and progress.md statuses."""
    findings: list[Finding] = Field(default_factory=list)
    """Parser findings of all documents (gate findings are separate)."""

    def text(self, name: str) -> str | None:
        """The raw text of document ``name``, or None when the pack has no such document."""
        return self.texts.get(name)

    def has(self, name: str) -> bool:
        return name in self.docs


class PackCacheStats(BaseModel):
    """Counters of the pack cache since start (or the last :func:`clear_pack_cache`)."""

    pack_hits: int = 0
    """load_pack calls answered without parsing anything."""
    pack_misses: int = 0
    documents_read: int = 0
    """Files read from disk (their stat had changed or was not known)."""
    reads_skipped: int = 0
    """Files not read again because their stat was unchanged."""
    parses: int = 0
    """Parser runs (sections, plan, requirements, markers or notes of one document version)."""


_lock = threading.RLock()
_stats = PackCacheStats()
_reads: OrderedDict[Path, tuple[tuple[int, int, int, int], DocText]] = OrderedDict()
_results: OrderedDict[tuple, object] = OrderedDict()
_packs: OrderedDict[tuple, SpecPack] = OrderedDict()

T = TypeVar("T")


def pack_cache_stats() -> PackCacheStats:
    with _lock:
        return _stats.model_copy()


def clear_pack_cache() -> None:
    """Forget every cached read, parse and pack, and reset the counters."""
    global _stats
    with _lock:
        _reads.clear()
        _results.clear()
        _packs.clear()
        _stats = PackCacheStats()


def _remember(cache: OrderedDict, key: object, value: object, limit: int) -> None:
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > limit:
        cache.popitem(last=False)


def _memo(key: tuple, compute: Callable[[], T]) -> T:
    """The cached result of ``compute`` for ``key`` (an operation name and document versions)."""
    with _lock:
        if key in _results:
            _results.move_to_end(key)
            return _results[key]  # type: ignore[return-value]
    value = compute()
    with _lock:
        _stats.parses += 1
        _remember(_results, key, value, _RESULT_CACHE_SIZE)
    return value


# ---------------------------------------------------------------------------------------------
# Reading


def _signature(path: Path) -> tuple[int, int, int, int]:
    stat = path.stat()
    return (stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size, stat.st_ino)


def _read(path: Path, label: str) -> DocText:
    signature = _signature(path)
    with _lock:
        cached = _reads.get(path)
        if cached is not None and cached[0] == signature:
            _reads.move_to_end(path)
            _stats.reads_skipped += 1
            return cached[1]
    doc = read_document(path, label)
    with _lock:
        _stats.documents_read += 1
        # File times tick coarsely (a few ms), so a same-size rewrite right after this read could
        # keep the same stat: trust the stat only once the file has been still for a while.
        if time.time_ns() - signature[0] > _SETTLED_NS:
            _remember(_reads, path, (signature, doc), _READ_CACHE_SIZE)
        else:
            _reads.pop(path, None)
    return doc


def _document_paths(directory: Path) -> list[Path]:
    root = directory.resolve()
    found = []
    for child in sorted(directory.iterdir(), key=lambda p: p.name):
        if child.name.startswith(".") or not child.name.lower().endswith(_DOC_SUFFIXES):
            continue
        if child.is_symlink() and not child.resolve().is_relative_to(root):
            continue  # a link out of the pack is not part of it
        if child.is_file():
            found.append(child)
    records = directory / "execution"
    if records.is_dir() and not records.is_symlink():
        found.extend(
            child
            for child in sorted(records.iterdir(), key=lambda p: p.name)
            if child.is_file() and not child.is_symlink() and record_phase(f"execution/{child.name}")
        )
    return found[:_MAX_DOCS]


def _finding(message: str, fix: str, document: str | None = None) -> Finding:
    return Finding(rule=PACK_RULE, severity="warning", document=document, message=message, fix=fix)


# ---------------------------------------------------------------------------------------------
# Loading


def load_pack(path: Path, feature: str) -> SpecPack:
    """The parsed spec pack in directory ``path``. Never raises: a missing directory or an
    unreadable document (too large, not UTF-8, binary) is a finding naming it.

    Each call returns a fresh copy, so callers may change it without touching the cache.
    """
    path = Path(path)
    findings: list[Finding] = []
    docs: dict[str, DocInfo] = {}
    texts: dict[str, str] = {}
    try:
        paths = _document_paths(path)
    except OSError as error:
        pack = SpecPack(feature=feature, path=path)
        pack.findings.append(
            _finding(
                f"the pack directory {path} cannot be read ({error.strerror or error}).",
                "Check that the feature exists (list_features) and that the directory is readable.",
            )
        )
        return pack
    for doc_path in paths:
        name = doc_path.relative_to(path).as_posix()
        try:
            doc = _read(doc_path, f"{feature}/{name}")
        except DocumentError as error:
            findings.append(_finding(str(error), "Fix or remove the file; it is left out of the pack.", name))
            continue
        except OSError as error:
            findings.append(
                _finding(
                    f"{feature}/{name} cannot be read ({error.strerror or error}).", "Check the file.", name
                )
            )
            continue
        docs[name] = DocInfo(name=name, version=doc.version, size=doc.size)
        texts[name] = doc.text

    key = (
        str(path.resolve()),
        feature,
        tuple((n, d.version) for n, d in docs.items()),
        tuple(f.message for f in findings),
    )
    with _lock:
        cached = _packs.get(key)
        if cached is not None:
            _packs.move_to_end(key)
            _stats.pack_hits += 1
            return _copy(cached)
        _stats.pack_misses += 1
    pack = _build(path, feature, docs, texts, findings)
    with _lock:
        _remember(_packs, key, pack, _PACK_CACHE_SIZE)
    return _copy(pack)


def _copy(pack: SpecPack) -> SpecPack:
    """An independent copy of a cached pack. Dumping and validating again is three times faster
    than ``model_copy(deep=True)``; the texts are excluded from dumps, so they are carried over."""
    data = pack.model_dump()
    data["texts"] = dict(pack.texts)
    return SpecPack.model_validate(data)


def _named(docs: dict[str, DocInfo], wanted: str) -> str | None:
    if wanted in docs:
        return wanted
    return next((name for name in docs if name.lower() == wanted), None)


def _build(
    path: Path, feature: str, docs: dict[str, DocInfo], texts: dict[str, str], findings: list[Finding]
) -> SpecPack:
    pack = SpecPack(feature=feature, path=path, docs=docs, texts=texts, findings=list(findings))
    prd, fdd, plan = (_named(docs, wanted) for wanted in (PRD, FDD, PLAN))

    def sections(name: str | None) -> list[Section]:
        if name is None:
            return []
        return _memo(("sections", docs[name].version), lambda: list(view_of(texts[name]).sections))

    pack.prd_sections = sections(prd)
    pack.fdd_sections = sections(fdd)
    pack.plan_sections = sections(plan)
    if plan is not None:
        # Shared from the plan cache: this pack is cached too and only ever handed out as a copy.
        pack.plan = _memo(("plan", docs[plan].version), lambda: parse_plan(texts[plan], shared=True))
        pack.findings.extend(pack.plan.findings)

    yaml_names = [name for name in docs if _REQUIREMENTS_YAML_RE.match(name)]
    requirements_key = (
        "requirements",
        docs[prd].version if prd else None,
        docs[fdd].version if fdd else None,
        tuple((name, docs[name].version) for name in yaml_names),
    )
    pack.requirements = _memo(
        requirements_key,
        lambda: extract_requirements(
            texts[prd] if prd else None,
            {name: texts[name] for name in yaml_names},
            texts[fdd] if fdd else None,
            prd_name=prd or PRD,
            fdd_name=fdd or FDD,
        ),
    )
    pack.findings.extend(pack.requirements.findings)
    record_texts = {n: texts[n] for n in docs if record_phase(n) or n.lower() == "progress.md"}
    if record_texts:
        pack.records = _memo(
            ("records", tuple((n, docs[n].version) for n in record_texts)), lambda: read_records(record_texts)
        )

    for name, info in docs.items():
        text = texts[name]
        pack.markers.extend(_memo(("markers", name, info.version), lambda t=text, n=name: find_markers(t, n)))
        if name.lower().endswith((".md", ".markdown")):
            pack.notes.extend(
                _memo(("notes", name, info.version), lambda t=text, n=name: extract_notes(t, n))
            )
    return pack
