"""The history tools through an MCP client in both eras, on real git repositories."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.history.git_repos import commit_all, git, init_repo, status
from tests.server.calls import call_error, call_ok

pytestmark = pytest.mark.anyio

PACK = "docs/features/canvas-preview"
GIT_TOOLS = {
    "spec_history": {"feature": "canvas-preview"},
    "spec_diff": {"feature": "canvas-preview", "doc": "prd"},
    "doc_at": {"feature": "canvas-preview", "doc": "prd", "rev": "HEAD"},
    "commit_spec": {"feature": "canvas-preview", "message": "x"},
    "approve_doc": {"feature": "canvas-preview", "doc": "fdd"},
    "spec_drift": {"feature": "canvas-preview"},
    "changed_files": {},
}


@pytest.fixture
def repo_project(project: Path) -> Path:
    return init_repo(project)


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1
    path.write_text(text.replace(old, new))


async def test_approve_then_an_upstream_edit_makes_it_stale_until_reapproved(
    connect, repo_project: Path
) -> None:
    async with connect(repo_project) as client:
        approved = await call_ok(
            client, "approve_doc", feature="canvas-preview", doc="fdd", note="design review"
        )
        clean = await call_ok(client, "check_gates", feature="canvas-preview")
        section = await call_ok(client, "read_doc", feature="canvas-preview", doc="prd", section="Goals")
        await call_ok(
            client,
            "edit_section",
            feature="canvas-preview",
            doc="prd",
            section="Goals",
            content=section["text"].rstrip() + "\n- Previews load in under 200 ms.\n",
            expected_version=section["version"],
        )
        stale = await call_ok(client, "check_gates", feature="canvas-preview")
        diff = await call_ok(client, "spec_diff", feature="canvas-preview", doc="prd")
        prompt = await client.get_prompt("plan", {"feature": "canvas-preview"})
        await call_ok(client, "approve_doc", feature="canvas-preview", doc="fdd")
        again = await call_ok(client, "check_gates", feature="canvas-preview")
    assert approved["doc"] == "fdd.md" and approved["approver"] == "Ada Lovelace <ada@example.com>"
    assert set(approved["upstream"]) == {"prd.md", "requirements.yml"} and approved["replaced"] is False
    assert clean["approved"] == ["fdd.md"] and not [
        f for f in clean["findings"] if f["rule"].startswith("STALE")
    ]
    upstream = [f for f in stale["findings"] if f["rule"] == "STALE-UPSTREAM"]
    assert len(upstream) == 1 and upstream[0]["document"] == "fdd.md"
    assert upstream[0]["message"].endswith("which has since changed: changed Goals & Non-Goals.")
    assert stale["stage"] == clean["stage"] == "developing"
    assert (
        diff["sections_changed"] == ["Goals & Non-Goals"]
        and "+- Previews load in under 200 ms." in diff["diff"]
    )
    assert diff["from_rev"].startswith("HEAD (") and diff["to_rev"] == "working tree"
    assert (
        prompt.messages[0].content.text.split("\n\n")[2].startswith("**Stale: documents this work builds on")
    )
    assert not [f for f in again["findings"] if f["rule"].startswith("STALE")]


async def test_diff_from_the_approved_content(connect, repo_project: Path) -> None:
    async with connect(repo_project) as client:
        await call_ok(client, "approve_doc", feature="canvas-preview", doc="plan")
        _replace(
            repo_project / PACK / "plan.md",
            "## Risks & Dependencies",
            "## Rollback\n\nFlag off.\n\n## Risks & Dependencies",
        )
        commit_all(repo_project, "plan: rollback")  # committed after approving: HEAD no longer shows it
        from_head = await call_ok(client, "spec_diff", feature="canvas-preview", doc="plan")
        from_approved = await call_ok(
            client, "spec_diff", feature="canvas-preview", doc="plan", from_rev="approved"
        )
        between = await call_ok(
            client, "spec_diff", feature="canvas-preview", doc="plan", from_rev="HEAD~1", to_rev="HEAD"
        )
        fdd = await call_error(client, "spec_diff", feature="canvas-preview", doc="fdd", from_rev="approved")
        approved_text = await call_ok(client, "doc_at", feature="canvas-preview", doc="plan", rev="approved")
        approved_resource = await client.read_resource("torus://features/canvas-preview/plan.md@approved")
    assert from_head["diff"] == "" and from_head["sections_added"] == []
    assert from_approved["sections_added"] == ["Rollback"] and from_approved["from_rev"].startswith(
        "approved 20"
    )
    assert between["sections_added"] == ["Rollback"] and between["to_rev"].startswith("HEAD (")
    assert "fdd.md has no approval to compare with; approve_doc records one." in fdd
    assert "## Rollback" not in approved_text["text"] and approved_text["rev"].startswith("approved 20")
    assert approved_resource.contents[0].text == approved_text["text"]


async def test_approval_is_refused_with_the_findings_when_the_gate_fails(connect, repo_project: Path) -> None:
    async with connect(repo_project) as client:
        text = await call_error(client, "approve_doc", feature="bulk-tagging", doc="plan")
    assert "is not approved: its plan gate fails with" in text and "PLAN-" in text
    assert not list(repo_project.rglob("approvals.yml"))


async def test_write_doc_refuses_approvals_yml_and_read_doc_shows_it(connect, repo_project: Path) -> None:
    async with connect(repo_project) as client:
        await call_ok(client, "approve_doc", feature="canvas-preview", doc="prd")
        current = await call_ok(client, "read_doc", feature="canvas-preview", doc="approvals.yml")
        refused = await call_error(
            client,
            "write_doc",
            feature="canvas-preview",
            doc="approvals.yml",
            content="approvals: []\n",
            expected_version=current["version"],
        )
    assert "approvals.yml is written only by approve_doc" in refused and refused.endswith(
        "Nothing was written."
    )
    assert "doc: prd.md" in (repo_project / PACK / "approvals.yml").read_text()


async def test_history_follows_a_pack_moved_with_git_mv_and_doc_at_reads_before_the_move(
    connect, repo_project: Path
) -> None:
    new = "docs/exec-plans/current/features/canvas-preview"
    (repo_project / new).parent.mkdir(parents=True)
    git(repo_project, "mv", PACK, new)
    commit_all(repo_project, "move the pack")
    _replace(repo_project / new / "prd.md", "## 1. Overview", "## 1. Overview (moved)")
    commit_all(repo_project, "prd after the move")
    async with connect(repo_project) as client:
        pack = await call_ok(client, "spec_history", feature="canvas-preview")
        prd = await call_ok(client, "spec_history", feature="canvas-preview", doc="prd", limit=1)
        old = await call_ok(client, "doc_at", feature="canvas-preview", doc="prd", rev="HEAD~2")
        resource = await client.read_resource("torus://features/canvas-preview/prd.md@HEAD~2")
        tools = {t.name: t for t in (await client.list_tools()).tools}
    assert [c["subject"] for c in pack["commits"]] == [
        "prd after the move",
        "move the pack",
        "initial import",
    ]
    assert pack["commits"][1]["moved_from"] == PACK and pack["path"] == new
    assert prd["commits"][0]["files"] == ["prd.md"] and prd["more"] is True
    assert old["path"] == f"{PACK}/prd.md" and "## 1. Overview\n" in old["text"]
    assert resource.contents[0].text == old["text"]
    assert tools["spec_history"].annotations.read_only_hint is True
    assert tools["commit_spec"].annotations.read_only_hint is not True


async def test_commit_spec_commits_the_pack_only(connect, repo_project: Path) -> None:
    (repo_project / "README.md").write_text("staged elsewhere\n")
    git(repo_project, "add", "README.md")
    (repo_project / "mix.exs").write_text("# unstaged elsewhere\n")
    async with connect(repo_project) as client:
        await call_ok(client, "approve_doc", feature="canvas-preview", doc="prd")
        committed = await call_ok(client, "commit_spec", feature="canvas-preview", message="Approve the PRD")
        nothing = await call_error(client, "commit_spec", feature="canvas-preview", message="again")
    assert committed["files"] == ["A approvals.yml"] and committed["subject"] == "Approve the PRD"
    assert status(repo_project) == ["M  README.md", " M mix.exs"]
    assert "nothing to commit" in nothing


async def test_changed_files_on_a_feature_branch_with_areas(connect, repo_project: Path) -> None:
    git(repo_project, "checkout", "-q", "-b", "links")
    lib = repo_project / "lib/torus_example/canvas_preview.ex"
    lib.write_text(lib.read_text() + "# branch\n")
    commit_all(repo_project, "branch commit")
    (repo_project / PACK / "prd.md").write_text("# changed\n")
    (repo_project / "lib/torus_example/canvas_preview/link.ex").write_text("# new\n")
    (repo_project / "notes.txt").write_text("untracked\n")
    async with connect(repo_project) as client:
        report = await call_ok(client, "changed_files")
        since_head = await call_ok(client, "changed_files", since="HEAD")
    assert report["base_reason"] == "merge base of HEAD with master"
    assert [(f["path"], f["status"], f["area"]) for f in report["files"]] == [
        (f"{PACK}/prd.md", "modified", "pack:canvas-preview"),
        ("lib/torus_example/canvas_preview.ex", "modified", "code:lib/torus_example"),
        ("lib/torus_example/canvas_preview/link.ex", "untracked", "code:lib/torus_example"),
        ("notes.txt", "untracked", None),
    ]
    assert "lib/torus_example/canvas_preview.ex" not in [f["path"] for f in since_head["files"]]


async def test_spec_drift_through_the_tool(connect, repo_project: Path) -> None:
    async with connect(repo_project) as client:
        await call_ok(client, "approve_doc", feature="canvas-preview", doc="plan")
        (repo_project / "lib/torus_example/canvas_preview/link.ex").write_text("# Link\n")
        drift = await call_ok(client, "spec_drift", feature="canvas-preview")
    assert drift["since_reason"].startswith("plan.md approved")
    assert drift["phases"] == [
        {
            "phase": "Phase 2: Preview Links",
            "files": [
                {"path": "lib/torus_example/canvas_preview/link.ex", "status": "untracked", "old_path": None}
            ],
        }
    ]


async def test_outside_a_git_repository_git_tools_say_so_and_the_rest_works(connect, project: Path) -> None:
    async with connect(project) as client:
        for tool, arguments in GIT_TOOLS.items():
            text = await call_error(client, tool, **arguments)
            message = text.split(f"Error executing tool {tool}: ", 1)[-1]
            assert "is not inside a git repository" in message, tool
            assert len(re.findall(r"[.;:] [A-Z]", message)) == 0 and message.endswith("."), message
        gates = await call_ok(client, "check_gates", feature="canvas-preview")
        doc = await call_ok(client, "read_doc", feature="canvas-preview", doc="prd")
    assert gates["stage"] == "developing" and gates["approved"] == []
    assert doc["text"].startswith("# Canvas Preview")


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        ({"tool": "doc_at", "rev": "--output=/tmp/x"}, "cannot start with '-'"),
        ({"tool": "spec_diff", "from_rev": "--output={out}"}, "cannot start with '-'"),
        ({"tool": "spec_diff", "to_rev": "HEAD~999"}, "does not name a commit"),
        ({"tool": "doc_at", "rev": "no-such-branch"}, "does not name a commit"),
        ({"tool": "spec_diff", "from_rev": "HEAD..master"}, "is a range"),
        ({"tool": "changed_files", "since": "--output={out}"}, "cannot start with '-'"),
        ({"tool": "changed_files", "since": "master..HEAD"}, "is a range"),
    ],
)
async def test_bad_revisions_are_refused_nothing_run_nothing_written(
    connect, repo_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, arguments: dict, says: str
) -> None:
    # Every git command goes through this wrapper, which records its arguments and runs the real git.
    bin_dir, log = tmp_path / "bin", tmp_path / "git-calls.log"
    bin_dir.mkdir()
    wrapper = bin_dir / "git"
    real_git = subprocess.run(["which", "git"], capture_output=True, text=True, check=True).stdout.strip()
    wrapper.write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >> "{log}"\nexec "{real_git}" "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    out = tmp_path / "injected"
    arguments = {k: v.replace("{out}", str(out)) for k, v in arguments.items()}
    tool = arguments.pop("tool")
    defaults = {"feature": "canvas-preview", "doc": "prd"} if tool != "changed_files" else {}
    before = status(repo_project)
    tmp_x = Path("/tmp/x")
    tmp_x_before = tmp_x.stat().st_mtime_ns if tmp_x.exists() else None
    async with connect(repo_project) as client:
        await call_ok(client, "spec_history", feature="canvas-preview", limit=1)  # the wrapper is in use
        text = await call_error(client, tool, **defaults, **arguments)
    assert says in text and "Nothing was run." in text
    calls = log.read_text()
    assert "log" in calls
    bad = next(iter(arguments.values()))
    assert bad not in calls and "--output" not in calls
    assert not out.exists()
    assert (tmp_x.stat().st_mtime_ns if tmp_x.exists() else None) == tmp_x_before
    assert status(repo_project) == before


def test_creating_the_server_imports_neither_git_nor_the_history_work() -> None:
    code = (
        "import sys\n"
        "from torus_mcp.server import create_server\n"
        "create_server('.')\n"
        "print(sorted(m for m in ('git', 'yaml', 'difflib', 'torus_mcp.specs.gates') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


async def test_the_readme_lists_each_history_tool_with_its_parameters(connect, project: Path) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    async with connect(project) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    for name in GIT_TOOLS:
        schema = tools[name].input_schema
        required = set(schema.get("required", []))
        params = [p if p in required else f"{p}?" for p in schema["properties"] if p != "roots"]
        assert f"| `{name}({', '.join(params)})` |" in readme, name
