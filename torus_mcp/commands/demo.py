"""`torus-mcp demo`: the main job end to end, on a temporary copy of the bundled example project.

It starts the server as a real stdio subprocess, connects an MCP client to it, and walks through what
an engineer does in a day: find the features, take the develop prompt for a phase, read and edit a
document with versions, see a stale write refused, approve a design and see an upstream edit turn the
approval stale, build and test, and check the coding guidelines. The copy is made a git repository first (with a local identity, so it works where git
has none configured). Steps that need a tool this machine lacks say "skipped" and why instead of
failing.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Any

FEATURE = "canvas-preview"
PHASE = "2"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--keep", action="store_true", help="keep the temporary project and print its path")


def run(args: argparse.Namespace) -> int:
    import anyio

    from torus_mcp.packaged import packaged_dir

    example = packaged_dir("examples") / "torus-example"
    if not example.is_dir():
        print(f"torus-mcp demo: the bundled example project is missing ({example})", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="torus-mcp-demo-"))
    project = workdir / "torus-example"
    shutil.copytree(example, project, ignore=shutil.ignore_patterns("_build", "deps"))
    try:
        return anyio.run(_demo, project, _git_init(project))
    finally:
        if args.keep:
            print(f"\nThe demo project is kept at {project}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def _git_init(project: Path) -> str | None:
    """Make the copy a git repository with everything committed; the reason when that cannot be done."""
    git = shutil.which("git")
    if git is None:
        return "git not found (install git)"
    steps = [
        ["init", "-q"],
        ["symbolic-ref", "HEAD", "refs/heads/master"],
        ["config", "user.name", "Torus Demo"],
        ["config", "user.email", "demo@example.invalid"],
        ["config", "commit.gpgsign", "false"],
        ["add", "-A"],
        ["commit", "-q", "--no-verify", "-m", "The example project"],
    ]
    for step in steps:
        done = subprocess.run([git, *step], cwd=project, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            return f"git {step[0]} failed: {done.stderr.strip()[:200]}"
    return None


class Demo:
    def __init__(self, client: Any, git_problem: str | None = None) -> None:
        self.client = client
        self.failures = 0
        self.git_problem = git_problem

    def step(self, title: str) -> None:
        print(f"\n==> {title}")

    def say(self, text: str, indent: int = 4) -> None:
        print(textwrap.indent(text.rstrip(), " " * indent))

    async def tool(self, name: str, **arguments: Any) -> dict[str, Any] | None:
        result = await self.client.call_tool(name, arguments)
        if result.is_error:
            self.say("error: " + " ".join(getattr(c, "text", "") for c in result.content))
            return None
        return result.structured_content


async def _demo(project: Path, git_problem: str | None = None) -> int:
    from mcp import Client, StdioServerParameters

    params = StdioServerParameters(
        command=sys.executable, args=["-m", "torus_mcp", "serve", "--root", str(project)], cwd=str(project)
    )
    print(f"torus-mcp demo: serving {project} over stdio ({sys.executable} -m torus_mcp serve)")
    async with Client(params) as client:
        demo = Demo(client, git_problem)
        for step in STEPS:
            await step(demo)
        if demo.failures:
            print(f"\n{demo.failures} step(s) failed.")
            return 1
    print("\nDone: every step ran against a real server over stdio.")
    return 0


async def show_workspace(demo: Demo) -> None:
    demo.step("workspace_info: which project, and why")
    info = await demo.tool("workspace_info")
    if info:
        demo.say(f"root: {info['root']}\nrule: {info['rule']} ({info['reason']})")
        demo.say(f"spec trees searched: {', '.join(t['path'] for t in info['spec_trees'] if t['exists'])}")


async def show_catalog(demo: Demo) -> None:
    demo.step("prompts, resources and features")
    prompts = (await demo.client.list_prompts()).prompts
    for prompt in prompts:
        args = ", ".join(a.name + ("" if a.required else "?") for a in prompt.arguments or [])
        demo.say(f"prompt {prompt.name}({args})")
    resources = (await demo.client.list_resources()).resources
    demo.say(f"{len(resources)} resources, e.g. " + ", ".join(str(r.uri) for r in resources[:4]))
    listing = await demo.tool("list_features")
    for feature in (listing or {}).get("features", []):
        missing = f" (missing {', '.join(feature['missing'])})" if feature["missing"] else ""
        demo.say(f"feature {feature['id']}: {feature['title']} at {feature['path']}{missing}")


async def show_develop_prompt(demo: Demo) -> None:
    demo.step(
        f"develop prompt for {FEATURE}, phase {PHASE} (what /mcp__torus__develop {FEATURE} {PHASE} sends)"
    )
    completion = await demo.client.complete(
        ref={"type": "ref/prompt", "name": "develop"},
        argument={"name": "phase", "value": ""},
        context_arguments={"feature": FEATURE},
    )
    demo.say(f"phase completion offers: {', '.join(completion.completion.values)}")
    result = await demo.client.get_prompt("develop", {"feature": FEATURE, "phase": PHASE})
    text = result.messages[0].content.text
    attached = [str(m.content.resource.uri) for m in result.messages[1:]]
    demo.say(f"{len(text):,} characters of instructions; attached: {', '.join(attached)}")
    phase_text = text.split("## The phase to implement", 1)[-1].split("\nAttached from the spec pack")[0]
    demo.say("the phase text it carries:")
    demo.say(phase_text.strip(), indent=6)


async def show_read_and_edit(demo: Demo) -> None:
    demo.step("read_doc prd.md section 7, then edit_section with the version read")
    section = await demo.tool("read_doc", feature=FEATURE, doc="prd", section="Acceptance Criteria")
    if not section:
        demo.failures += 1
        return
    demo.say(
        f"version {section['version'][:19]}…, lines {section['section']['line']}-{section['section']['end_line']}"
    )
    demo.say("\n".join(section["text"].splitlines()[:4]) + "\n…", indent=6)
    questions = await demo.tool("read_doc", feature=FEATURE, doc="prd", section="Open Questions")
    if not questions:
        demo.failures += 1
        return
    body = (
        questions["text"].split("\n", 1)[1].rstrip()
        + "\n- Should previews show draft comments? (asked in review)\n"
    )
    edited = await demo.tool(
        "edit_section",
        feature=FEATURE,
        doc="prd",
        section="Open Questions",
        content=body,
        expected_version=questions["version"],
    )
    if not edited:
        demo.failures += 1
        return
    demo.say(f"edited section {edited['section']['title']!r}: new version {edited['version'][:19]}…")
    demo.step("a stale write is refused, and nothing is lost")
    stale = await demo.client.call_tool(
        "write_doc",
        {
            "feature": FEATURE,
            "doc": "prd",
            "content": "# overwritten\n",
            "expected_version": questions["version"],
        },
    )
    message = " ".join(getattr(c, "text", "") for c in stale.content)
    demo.say(("refused: " if stale.is_error else "NOT refused: ") + message[:240])
    if not stale.is_error:
        demo.failures += 1


async def show_resource(demo: Demo) -> None:
    demo.step("the feature index resource (torus://features), and the same through read_resource")
    result = await demo.client.read_resource("torus://features")
    index = json.loads(result.contents[0].text)
    demo.say(", ".join(f"{f['id']} [{', '.join(f['docs'])}]" for f in index["features"]))
    status = await demo.tool("read_resource", uri=f"torus://features/{FEATURE}/status")
    if status:
        demo.say(
            f"read_resource torus://features/{FEATURE}/status: stage {json.loads(status['text'])['stage']}"
        )


async def show_gates_and_progress(demo: Demo) -> None:
    demo.step("check_gates: where each feature stands, and why")
    for feature in (FEATURE, "bulk-tagging"):
        report = await demo.tool("check_gates", feature=feature)
        if not report:
            demo.failures += 1
            continue
        gates = ", ".join(f"{g['gate']} {'passes' if g['passed'] else 'fails'}" for g in report["gates"])
        demo.say(f"{report['feature']}: stage {report['stage']} ({gates})")
        for finding in [f for f in report["findings"] if f["severity"] == "error"][:2]:
            demo.say(f"{finding['rule']} {finding['document']}: {finding['message']}", indent=6)
            demo.say(f"fix: {finding['fix']}", indent=8)
    demo.step(f"trace_requirements for phase {PHASE}: which acceptance criteria still lack a test")
    trace = await demo.tool("trace_requirements", feature=FEATURE, phase=PHASE)
    if trace:
        for row in trace["requirements"]:
            acs = ", ".join(
                f"{a['id']} {'covered' if a['covered'] else 'NO TEST'}" for a in row["acceptance"]
            )
            demo.say(f"{row['id']} -> {acs}")
    demo.step(f"update_task: tick task 2 of phase {PHASE}, then plan_status")
    ticked = await demo.tool("update_task", feature=FEATURE, phase=PHASE, task="2")
    if ticked:
        demo.say(
            f"ticked {ticked['task']['text'][:70]!r}: phase {PHASE} now {ticked['phase_done']}/{ticked['phase_total']}"
        )
    status = await demo.tool("plan_status", feature=FEATURE)
    if status:
        for phase in status["phases"]:
            demo.say(f"{phase['heading'].lstrip('#').strip()}: {phase['done']}/{phase['total']} tasks")
    demo.step("update_requirement: record a test as proof of AC-004 in requirements.yml")
    recorded = await demo.tool(
        "update_requirement",
        feature=FEATURE,
        id="AC-004",
        status="verified",
        proof="test/torus_example/canvas_preview/link_test.exs",
    )
    if recorded:
        demo.say(
            f"{recorded['id']}: {recorded['previous_status']} -> {recorded['status']}, "
            f"{recorded['proofs']} proof(s) in {recorded['doc']} (comments and layout kept)"
        )


async def show_new_feature(demo: Demo) -> None:
    demo.step("create_feature: scaffold a new pack from the templates, and see why it is at stage none")
    created = await demo.tool("create_feature", feature="grade-sync", title="Grade Sync")
    if not created:
        demo.failures += 1
        return
    demo.say(f"created {created['path']}: {', '.join(f['doc'] for f in created['files'])}")
    report = await demo.tool("check_gates", feature="grade-sync", stage="prd")
    if report:
        errors = [f for f in report["findings"] if f["severity"] == "error"]
        demo.say(f"stage {report['stage']}: {len(errors)} error(s) to fix before the architect starts, e.g.")
        for finding in errors[:2]:
            demo.say(f"{finding['rule']}: {finding['message']}", indent=6)


async def show_history(demo: Demo) -> None:
    demo.step("approve_doc fdd.md, commit_spec, then an upstream edit of prd.md turns the approval stale")
    if demo.git_problem:
        demo.say(f"skipped: {demo.git_problem}")
        return
    approved = await demo.tool("approve_doc", feature=FEATURE, doc="fdd", note="design review")
    committed = await demo.tool("commit_spec", feature=FEATURE, message="canvas-preview: approve the FDD")
    if not approved or not committed:
        demo.failures += 1
        return
    pinned = ", ".join(f"{doc} {version[:15]}…" for doc, version in approved["upstream"].items())
    demo.say(
        f"approved fdd.md by {approved['approver']} (blob {approved['blob'][:12]}), written against {pinned}"
    )
    demo.say(
        f"committed {committed['commit']}: {', '.join(committed['files'])} (the new grade-sync pack stays out)"
    )
    goals = await demo.tool("read_doc", feature=FEATURE, doc="prd", section="Goals")
    if not goals:
        demo.failures += 1
        return
    await demo.tool(
        "edit_section",
        feature=FEATURE,
        doc="prd",
        section="Goals",
        content=goals["text"].split("\n", 1)[1].rstrip() + "\n- Previews load in under 200 ms.\n",
        expected_version=goals["version"],
    )
    report = await demo.tool("check_gates", feature=FEATURE)
    stale = [f for f in (report or {}).get("findings", []) if f["rule"] == "STALE-UPSTREAM"]
    if not stale:
        demo.failures += 1
        demo.say("NOT stale: check_gates reported no STALE-UPSTREAM")
        return
    demo.say(f"check_gates: stage {report['stage']}, {stale[0]['rule']}: {stale[0]['message']}")
    diff = await demo.tool("spec_diff", feature=FEATURE, doc="prd")
    if diff:
        demo.say(
            f"spec_diff prd.md ({diff['from_rev']} -> {diff['to_rev']}): sections changed: "
            f"{', '.join(diff['sections_changed']) or 'none'}"
        )
        lines = diff["diff"].splitlines()
        demo.say(
            "\n".join(line for line in lines if line[:1] in "+-" and line[:3] not in ("+++", "---")), indent=6
        )
    history = await demo.tool("spec_history", feature=FEATURE, limit=3)
    if history:
        for commit in history["commits"]:
            demo.say(f"{commit['hash']} {commit['subject']} ({', '.join(commit['files'])})")


async def show_mix(demo: Demo) -> None:
    demo.step("mix_compile (warnings_as_errors, as Torus CI), mix_test and mix_format, parsed")
    if shutil.which("mix") is None:
        demo.say("skipped: mix not found (install Elixir, e.g. apt-get install elixir)")
        return
    compiled = await demo.tool("mix_compile", warnings_as_errors=True)
    if not compiled:
        demo.failures += 1
        return
    counts = compiled["diagnostics"]
    demo.say(f"exit {compiled['exit_code']}: {counts['errors']} errors, {counts['warnings']} warnings")
    for diag in counts["shown"]:
        demo.say(f"{diag['file']}:{diag['line']}: {diag['severity']}: {diag['message'][:90]}", indent=6)
    demo.say(f"full log: {compiled['log_uri']}")
    tested = await demo.tool("mix_test")
    if tested and tested.get("tests"):
        summary = tested["tests"]
        demo.say(
            f"mix test: {summary['tests']} tests, {summary['failures']} failures (seed {tested['seed']})"
        )
    formatted = await demo.tool("mix_format")
    if formatted:
        files = formatted["unformatted_files"] or []
        demo.say(
            "mix format --check-formatted: " + (", ".join(files) if files else "every file is formatted")
        )


async def show_guidelines(demo: Demo) -> None:
    demo.step("check_guidelines: the Torus coding guidelines on the project's Elixir code")
    report = await demo.tool("check_guidelines", paths=["lib"])
    if not report:
        demo.failures += 1
        return
    for group in report["files"]:
        for finding in group["findings"]:
            demo.say(
                f"{group['file']}:{finding['line']}:{finding['column']}: {finding['severity']} "
                f"{finding['rule']}: {finding['message']}"
            )
    for rule, advice in report["rules"].items():
        demo.say(f"{rule} fix: {advice['fix']}", indent=6)
    for note in report["notes"]:
        demo.say(f"note: {note}")
    counts = report["counts"]
    demo.say(
        f"{counts['files_checked']} files checked: {counts['errors']} errors, {counts['warnings']} warnings"
    )


STEPS = [
    show_workspace,
    show_catalog,
    show_develop_prompt,
    show_read_and_edit,
    show_gates_and_progress,
    show_new_feature,
    show_history,
    show_mix,
    show_guidelines,
    show_resource,
]
