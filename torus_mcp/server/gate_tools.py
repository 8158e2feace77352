"""Tools for where a feature stands: gates, requirement tracing, plan progress, and recording progress."""

import json
from pathlib import Path
from typing import Annotated, Literal

from mcp.server.mcpserver import Context, MCPServer
from mcp_types import ToolAnnotations
from pydantic import BaseModel, Field

from torus_mcp.documents import VersionConflict, read_document, write_document
from torus_mcp.personas import doc_uri
from torus_mcp.server.doc_tools import READ_ONLY, FeatureArg, client_roots_parameter
from torus_mcp.server.errors import resource_errors, tool_errors
from torus_mcp.server.protocol import announce_changes
from torus_mcp.server.state import ServerState
from torus_mcp.specs.gate_report import GateReport
from torus_mcp.specs.progress import PlanStatus, TaskStatus
from torus_mcp.specs.trace import TraceMatrix
from torus_mcp.workspace import FeatureRef, Workspace, WorkspaceError

StageArg = Annotated[
    Literal["prd", "fdd", "plan", "developing", "done"] | None,
    Field(description="Evaluate the gates up to this stage only (default: all)"),
]
PhaseArg = Annotated[
    str, Field(description="Phase number as plan_status shows it, e.g. 2 (or 'Phase 2', or its name)")
]
VersionArg = Annotated[
    str | None,
    Field(description="Optional: the version you read; if the file changed since, nothing is written"),
]
EDIT = ToolAnnotations(destructive_hint=False, idempotent_hint=True, open_world_hint=False)


class TaskUpdate(BaseModel):
    feature: str
    phase: str
    task: TaskStatus
    changed: bool
    phase_done: int
    phase_total: int
    version: str
    previous_version: str


class RequirementUpdate(BaseModel):
    feature: str
    doc: str
    id: str
    previous_status: str | None
    status: str | None
    proof_added: bool
    proofs: int
    copies: int = Field(description="Entries with this id in the file; all are updated alike")
    version: str
    previous_version: str


def _pack(ref: FeatureRef):
    from torus_mcp.specs.pack import load_pack

    return load_pack(ref.path, ref.id)


def _foreign_ids(ws: Workspace, ref: FeatureRef) -> set[str]:
    """Acceptance criterion ids that packs other than ``ref`` define too (AC ids are local to a pack)."""
    from torus_mcp.specs.ids import normalize_id

    ids: set[str] = set()
    for other in ws.discover():
        if other.rel_path != ref.rel_path:
            criteria = _pack(other).requirements.acceptance_criteria
            ids.update(normalize_id(c.id) for c in criteria if c.id)
    return ids


def gate_report(ws: Workspace, ref: FeatureRef, stage: str | None = None) -> GateReport:
    from torus_mcp.specs.gate_config import gates_config
    from torus_mcp.specs.gates import check_gates

    return check_gates(_pack(ref), stage, gates_config(ws.config))


def gate_summary_for(ws: Workspace):
    """The gate summary the architect, plan and develop prompts open with."""
    from torus_mcp.specs.gate_summary import summarize_gate

    def summary(ref: FeatureRef, persona: str) -> str | None:
        if persona == "analyze":
            return None
        return summarize_gate(gate_report(ws, ref), persona)

    return summary


def _requirements_file(ws: Workspace, ref: FeatureRef, requirement_id: str):
    """The pack's YAML file holding this id: requirements.yml first, then requirements_*.yml; the
    main file when none holds it (so the error lists the ids that do exist)."""
    from torus_mcp.documents import DocText
    from torus_mcp.specs.requirements.yaml_editor import RequirementEditError, find_entries

    names = [d for d in ref.docs() if d.startswith("requirements") and d.endswith((".yml", ".yaml"))]
    if not names:
        raise WorkspaceError(
            f"{ref.id} has no requirements.yml; create it from torus://templates/requirements.yml with write_doc."
        )
    names.sort(key=lambda d: d != "requirements.yml")
    first: tuple[str, Path, DocText] | None = None
    for doc in names:
        path = ws.doc_path(ref, doc, must_exist=True)
        text = read_document(path, f"{ref.rel_path}/{doc}")
        first = first or (doc, path, text)
        try:
            if find_entries(text.text, requirement_id):
                return doc, path, text
        except RequirementEditError:
            continue  # a broken side file must not hide the id in another one
    return first


def register_gate_tools(server: MCPServer, state: ServerState) -> None:
    ClientRoots = client_roots_parameter(state)

    @server.tool(annotations=READ_ONLY)
    def check_gates(feature: FeatureArg, stage: StageArg = None, roots: ClientRoots = None) -> GateReport:
        """Check the Torus workflow gates of a feature from its documents: prd (analyze), fdd (architect),
        plan (planner), then developing / done from the plan's ticked tasks.

        Returns the stage reached, pass/fail per gate, the documents approved (approve_doc) and unchanged,
        and every finding with its rule id, severity, document, line, message and a concrete fix. Only errors block a gate; warnings are advice.
        Run it before handing a document to the next persona, and after finishing a phase.
        """
        with tool_errors():
            ws = state.workspace(roots)
            return gate_report(ws, ws.resolve_feature(feature), stage)

    @server.tool(annotations=READ_ONLY)
    def trace_requirements(
        feature: FeatureArg,
        phase: Annotated[
            str | None, Field(description="Narrow to the FR/ACs this phase's tasks cite, e.g. 2")
        ] = None,
        roots: ClientRoots = None,
    ) -> TraceMatrix:
        """Trace each requirement: FR -> acceptance criteria -> FDD sections citing them -> plan tasks
        citing them -> tests referencing them (ExUnit `@tag ac: "AC-001"`, `# @ac "AC-001"` comments, ids in
        test names) and requirements.yml proofs, with the gaps listed. With a phase, shows which acceptance
        criteria of that phase still lack a test."""
        from torus_mcp.specs.trace import build_trace

        with tool_errors():
            ws = state.workspace(roots)
            ref = ws.resolve_feature(feature)
            return build_trace(_pack(ref), ws.root, phase, _foreign_ids(ws, ref))

    @server.tool(annotations=READ_ONLY)
    async def plan_status(feature: FeatureArg, roots: ClientRoots = None) -> PlanStatus:
        """Progress of a feature's plan.md: each phase with its tasks (numbered as update_task takes them),
        its execution record, a verdict (done/in_progress/not_started/removed) with the evidence used,
        and the next phase neither ticked nor recorded as done."""
        from torus_mcp.specs.plan.parse import parse_plan
        from torus_mcp.specs.progress import plan_status as status_of

        with tool_errors():
            ws = state.workspace(roots)
            ref = ws.resolve_feature(feature)
            path = ws.doc_path(ref, "plan.md", must_exist=True)
            plan = parse_plan(read_document(path, f"{ref.rel_path}/plan.md").text)
            return status_of(ref.id, plan, _pack(ref).records)

    @server.tool(annotations=EDIT)
    async def update_task(
        feature: FeatureArg,
        phase: PhaseArg,
        task: Annotated[
            str,
            Field(
                description="The task: its number within the phase (as plan_status shows) or unique words of its text"
            ),
        ],
        ctx: Context,
        done: Annotated[bool, Field(description="true to tick the checkbox, false to untick it")] = True,
        expected_version: VersionArg = None,
        roots: ClientRoots = None,
    ) -> TaskUpdate:
        """Tick (or untick) one task checkbox in plan.md; nothing else in the file changes."""
        from torus_mcp.specs.plan.edit import set_task_done
        from torus_mcp.specs.plan.lookup import find_phase, find_task
        from torus_mcp.specs.plan.parse import parse_plan

        with tool_errors():
            ws = state.workspace(roots)
            ref = ws.resolve_feature(feature)
            path = ws.doc_path(ref, "plan.md", must_exist=True)
            label = f"{ref.rel_path}/plan.md"
            current = read_document(path, label)
            if expected_version and expected_version != current.version:
                raise VersionConflict(label, expected_version, current.version)
            chosen = find_phase(parse_plan(current.text), phase)
            target = find_task(chosen, task)
            new_text = set_task_done(current.text, target, done)
            changed = new_text != current.text
            version = current.version
            if changed:
                version = write_document(path, new_text, current.version, label).version
            after = find_phase(parse_plan(new_text), chosen.key if chosen.key is not None else phase)
            updated = next(t for t in after.tasks if t.index == target.index)
        if changed:
            await announce_changes(ctx, state, [doc_uri(ref.id, "plan.md")], list_changed=False)
        return TaskUpdate(
            feature=ref.id,
            phase=after.label,
            task=TaskStatus(**updated.model_dump(include=set(TaskStatus.model_fields))),
            changed=changed,
            phase_done=after.done,
            phase_total=after.total,
            version=version,
            previous_version=current.version,
        )

    @server.tool(annotations=EDIT)
    async def update_requirement(
        feature: FeatureArg,
        id: Annotated[str, Field(description="The FR or AC id, e.g. AC-003 or FR-001")],
        ctx: Context,
        status: Annotated[
            Literal["proposed", "verified_fdd", "verified_plan", "verified"] | None,
            Field(description="New status (order: proposed < verified_fdd < verified_plan < verified)"),
        ] = None,
        proof: Annotated[
            str | None, Field(description="A proof to append, e.g. a test path test/oli/foo_test.exs:42")
        ] = None,
        proof_type: Annotated[str, Field(description="Kind of proof, e.g. test, manual, telemetry")] = "test",
        expected_version: VersionArg = None,
        roots: ClientRoots = None,
    ) -> RequirementUpdate:
        """Set an FR/AC status and/or append a proof in the pack's requirements.yml, keeping the rest of the
        file (comments, order, quoting) exactly as it was. An AC listed twice in the file is updated in
        both places."""
        from torus_mcp.specs.requirements.yaml_editor import update_requirement

        with tool_errors():
            ws = state.workspace(roots)
            ref = ws.resolve_feature(feature)
            doc, path, current = _requirements_file(ws, ref, id)
            label = f"{ref.rel_path}/{doc}"
            if expected_version and expected_version != current.version:
                raise VersionConflict(label, expected_version, current.version)
            new_text, edit = update_requirement(
                current.text, id, status=status, proof=(proof_type, proof) if proof else None
            )
            version = current.version
            if new_text != current.text:
                version = write_document(path, new_text, current.version, label).version
        if version != current.version:
            await announce_changes(ctx, state, [doc_uri(ref.id, doc)], list_changed=False)
        return RequirementUpdate(
            feature=ref.id,
            doc=doc,
            id=edit.id,
            previous_status=edit.previous_status,
            status=edit.status,
            proof_added=edit.proof_added,
            proofs=edit.proofs,
            copies=edit.copies,
            version=version,
            previous_version=current.version,
        )

    @server.resource(
        "torus://features/{+feature}/status",
        name="feature-status",
        title="Feature gate report",
        description="The feature's gate report as JSON: stage reached, per-gate pass/fail, findings",
        mime_type="application/json",
    )
    def feature_status(feature: str) -> str:
        with resource_errors():
            ws = state.workspace()
            report = gate_report(ws, ws.resolve_feature(feature))
            return json.dumps(report.model_dump(mode="json"), indent=2)
