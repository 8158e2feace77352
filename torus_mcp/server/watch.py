"""Noticing spec documents that change on disk, whoever changed them.

`SpecWatch` watches the project's spec trees with watchfiles (changes are grouped over ~200 ms)
and compares a snapshot of the packs before and after each batch: which packs and documents
exist, and a stamp (mtime, size, inode) of each document. What differs becomes a `SpecChange`:
the URIs of the documents that changed or came and went, of the resources derived from them (the
pack's `.../status`, the `torus://features` index), and whether the resource list changed.

Trees that do not exist yet are watched through their nearest existing parent (not recursively,
so a large repository is not watched file by file); once such a tree appears the watch is
restarted with it. watchfiles is imported when the watch starts, never at server start-up.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import anyio

from torus_mcp.discovery import CORE_DOCS
from torus_mcp.personas import doc_uri
from torus_mcp.server.state import ServerState
from torus_mcp.workspace import Workspace

log = logging.getLogger("torus_mcp")
# watchfiles logs every batch at INFO; the server's own log says what matters.
logging.getLogger("watchfiles").setLevel(logging.WARNING)

FEATURES_URI = "torus://features"
DOC_URI_PREFIX = "torus://features/"
DEBOUNCE_MS = 200
# How long watchfiles waits for more changes once one arrived; a batch is reported this long after
# the last change, and at most DEBOUNCE_MS after the first.
STEP_MS = 50
# watchfiles returns after this long without changes: the first time, changes made while the watch
# was being set up are reported; it is also the backstop for stopping (the stop event is seen at once).
RUST_TIMEOUT_MS = 1000

Stamp = tuple[int, int, int]


def status_uri(feature_id: str) -> str:
    return f"{DOC_URI_PREFIX}{feature_id}/status"


def split_doc_uri(uri: str) -> tuple[str, str] | None:
    """(feature id, document name) of a torus://features/<id>/<doc> URI, None for other URIs."""
    if not uri.startswith(DOC_URI_PREFIX):
        return None
    feature, _, doc = uri[len(DOC_URI_PREFIX) :].rpartition("/")
    return (feature, doc) if feature and doc else None


def affected_resources(doc_uris: Iterable[str], features: Iterable[str], list_changed: bool) -> list[str]:
    """The changed documents plus what is derived from them: each touched pack's gate report, and the
    features index when packs or documents came or went or a core document (which names the pack) changed."""
    uris = dict.fromkeys(doc_uris)
    touched = dict.fromkeys(features)
    index_changed = list_changed
    for uri in list(uris):
        parts = split_doc_uri(uri)
        if parts:
            touched[parts[0]] = None
            index_changed = index_changed or parts[1] in CORE_DOCS
    uris.update((status_uri(f), None) for f in touched)
    if index_changed:
        uris[FEATURES_URI] = None
    return list(uris)


@dataclass(frozen=True)
class SpecChange:
    uris: list[str]
    list_changed: bool

    def __bool__(self) -> bool:
        return bool(self.uris) or self.list_changed


@dataclass
class SpecSnapshot:
    features: set[str] = field(default_factory=set)
    docs: dict[str, Stamp] = field(default_factory=dict)


def take_snapshot(ws: Workspace) -> SpecSnapshot:
    snapshot = SpecSnapshot()
    for feature in ws.discover():
        snapshot.features.add(feature.id)
        for doc in feature.docs():
            stamp = _stamp(feature.path / doc)
            if stamp is not None:
                snapshot.docs[doc_uri(feature.id, doc)] = stamp
    return snapshot


def compare(before: SpecSnapshot, after: SpecSnapshot) -> SpecChange:
    changed = [uri for uri, stamp in after.docs.items() if before.docs.get(uri) != stamp]
    gone = [uri for uri in before.docs if uri not in after.docs]
    packs = before.features ^ after.features
    list_changed = bool(packs) or before.docs.keys() != after.docs.keys()
    return SpecChange(affected_resources([*changed, *gone], sorted(packs), list_changed), list_changed)


def watch_targets(ws: Workspace) -> tuple[list[Path], list[Path]]:
    """(trees to watch recursively, directories to watch one level deep).

    The root is always watched one level deep (it holds .torus-mcp.toml, which names the trees); a
    missing tree through its nearest existing parent inside the root.
    """
    deep: list[Path] = []
    shallow: dict[Path, None] = {ws.root: None}
    for tree in ws.spec_trees():
        path = ws.root / tree.path
        if path.is_dir():
            deep.append(path)
            continue
        parent = path.parent
        while parent != ws.root and not parent.is_dir():
            parent = parent.parent
        shallow[parent] = None
    return deep, list(shallow)


class SpecWatch:
    """Watches the spec trees and calls `on_change` with what changed, until cancelled."""

    def __init__(self, state: ServerState, on_change: Callable[[SpecChange], Awaitable[None]]) -> None:
        self._state = state
        self._on_change = on_change
        self._snapshot: SpecSnapshot | None = None
        self._round = anyio.Event()
        self._stopped = False
        self.root: Path | None = None

    def absorb(self, doc_uris: Iterable[str]) -> None:
        """Take these documents' current state into the snapshot: the server wrote them and has
        announced them already, so the watch must not announce them a second time."""
        if self._snapshot is None:
            return
        try:
            fresh = take_snapshot(self._state.workspace())
        except (OSError, ValueError):
            return
        for uri in doc_uris:
            if uri in fresh.docs:
                self._snapshot.docs[uri] = fresh.docs[uri]
            else:
                self._snapshot.docs.pop(uri, None)
            parts = split_doc_uri(uri)
            if parts and parts[0] in fresh.features:
                self._snapshot.features.add(parts[0])

    def prime(self) -> None:
        """Take the snapshot later changes are compared with. Called before the request that starts the
        watch is answered, so an edit made after that answer is always reported."""
        ws = self._state.workspace()
        self.root = ws.root
        self._snapshot = take_snapshot(ws)

    async def run(self) -> None:
        """Watch until stop() or cancellation."""
        if self._snapshot is None:
            self.prime()
        while not self._stopped:
            ws = self._state.workspace()
            self.root = ws.root
            targets = (ws.root, *watch_targets(ws))
            log.debug("watching %s recursively and %s one level deep", *targets[1:])
            self._round = anyio.Event()
            async with anyio.create_task_group() as tg:
                for paths, recursive in ((targets[1], True), (targets[2], False)):
                    if paths:
                        tg.start_soon(self._watch_paths, paths, recursive, targets)

    def stop(self) -> None:
        """End the watch promptly. (watchfiles waits in a thread that sees its stop event at once but a
        cancellation only at its next timeout.)"""
        self._stopped = True
        self._round.set()

    async def _watch_paths(self, paths: list[Path], recursive: bool, targets: tuple) -> None:
        from watchfiles import awatch

        batches = awatch(
            *paths,
            debounce=DEBOUNCE_MS,
            step=STEP_MS,
            stop_event=self._round,
            rust_timeout=RUST_TIMEOUT_MS,
            yield_on_timeout=True,
            recursive=recursive,
        )
        caught_up = False
        async for batch in batches:
            if not batch:
                # The first quiet period: report what changed between the snapshot and the moment the
                # watch was in place. Later quiet periods are only the backstop timeout.
                if not caught_up:
                    caught_up = True
                    await self._report()
                continue
            await self._report()
            ws = self._state.workspace()
            if (ws.root, *watch_targets(ws)) != targets:
                self._round.set()  # a tree appeared or the root moved: the next round watches anew

    async def _report(self) -> None:
        try:
            fresh = take_snapshot(self._state.workspace())
        except (OSError, ValueError) as exc:
            log.warning("cannot read the spec tree after a change: %s", exc)
            return
        before, self._snapshot = self._snapshot or SpecSnapshot(), fresh
        change = compare(before, fresh)
        if change:
            await self._on_change(change)


def _stamp(path: Path) -> Stamp | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size, stat.st_ino
