"""Attacks on the document tools, prompts and resources, each test named after the attack it pins.

Every attack goes through an MCP client in both protocol eras. Each must end in a clear ToolError
(or, for prompts and resources, an MCP error) that names the problem, and nothing outside the spec
tree may be read or written: the files beside the project are compared byte for byte afterwards.
"""

from __future__ import annotations

import os
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from mcp.shared.exceptions import MCPError

from tests.server.calls import call_error, call_ok

pytestmark = pytest.mark.anyio

SECRET = "# Secret outside the project\n\nroot:x:0:0\n"
ZERO_VERSION = "sha256:" + "0" * 64
FIFTY_MB = 50 * 1024 * 1024
DOC_TOOLS = ("read_doc", "write_doc", "edit_section")


@pytest.fixture
def outside(project: Path) -> Path:
    """A directory beside the project that no call may read or write."""
    directory = project.parent / "outside"
    directory.mkdir()
    (directory / "secret.md").write_text(SECRET)
    (directory / "prd.md").write_text(SECRET)
    return directory


def snapshot(directory: Path) -> dict[str, bytes | None]:
    """Every path under a directory with its content (None for directories)."""
    return {
        p.relative_to(directory).as_posix(): (p.read_bytes() if p.is_file() else None)
        for p in sorted(directory.rglob("*"))
    }


def doc_tool_arguments(tool: str, feature: str, doc: str = "prd.md") -> dict[str, str]:
    arguments = {"feature": feature, "doc": doc}
    if tool == "write_doc":
        arguments |= {"content": "# Pwned\n", "expected_version": ZERO_VERSION}
    if tool == "edit_section":
        arguments |= {"section": "1", "content": "pwned\n", "expected_version": ZERO_VERSION}
    return arguments


async def prompt_error(client, name: str, **arguments: str) -> str:
    """The message of an MCP prompt request that must fail with an explanation."""
    with pytest.raises(MCPError) as caught:
        await client.get_prompt(name, arguments)
    message = caught.value.error.message
    assert message and "Error executing" not in message
    return message


async def resource_error(client, uri: str) -> str:
    with pytest.raises(MCPError) as caught:
        await client.read_resource(uri)
    assert caught.value.error.message
    return caught.value.error.message


def nothing_created_outside_tree(project: Path, before: dict[str, bytes | None]) -> None:
    assert snapshot(project.parent / "outside") == before


# -- ../ slugs ------------------------------------------------------------------------------------

DOT_DOT_FEATURES = [
    "../../etc",
    "..",
    "../outside",
    "canvas-preview/../../..",
    "docs/features/../../../outside",
]


@pytest.mark.parametrize("feature", DOT_DOT_FEATURES)
async def test_dot_dot_feature_slug_is_refused(connect, project: Path, outside: Path, feature: str) -> None:
    before = snapshot(outside)
    async with connect(project) as client:
        for tool in DOC_TOOLS:
            message = await call_error(client, tool, **doc_tool_arguments(tool, feature))
            assert "is not a" in message, message
        created = await call_error(client, "create_feature", feature=feature, title="Escape")
        prompt_tool = await call_error(client, "get_prompt", name="develop", feature=feature)
        prompt = await prompt_error(client, "analyze", feature=feature)
    assert "is not a feature id" in created
    assert "is not a" in prompt_tool and "is not a" in prompt
    nothing_created_outside_tree(project, before)
    assert not (project / "etc").exists() and not (project.parent / "etc").exists()


async def test_dot_dot_doc_name_is_refused(connect, project: Path, outside: Path) -> None:
    before = snapshot(outside)
    mix_exs = (project / "mix.exs").read_bytes()
    async with connect(project) as client:
        for doc in ("../../mix.exs", "../../../outside/secret.md", "..", "./prd.md"):
            for tool in DOC_TOOLS:
                message = await call_error(client, tool, **doc_tool_arguments(tool, "canvas-preview", doc))
                assert "is not a document name" in message, message
    nothing_created_outside_tree(project, before)
    assert (project / "mix.exs").read_bytes() == mix_exs


# -- absolute paths -------------------------------------------------------------------------------


@pytest.mark.parametrize("feature", ["/etc/passwd", "/etc", "/tmp", "\\etc\\passwd", "C:\\Windows"])
async def test_absolute_path_as_feature_is_refused(connect, project: Path, feature: str) -> None:
    tree_before = snapshot(project / "docs")
    async with connect(project) as client:
        for tool in DOC_TOOLS:
            message = await call_error(client, tool, **doc_tool_arguments(tool, feature))
            assert "absolute path" in message or "is not a" in message, message
        created = await call_error(client, "create_feature", feature=feature, title="Escape")
        prompt_tool = await call_error(client, "get_prompt", name="plan", feature=feature)
        prompt = await prompt_error(client, "develop", feature=feature)
    assert "absolute path" in created or "is not a feature id" in created
    assert snapshot(project / "docs") == tree_before
    assert "root:x:0:0" not in prompt_tool + prompt


async def test_absolute_path_as_feature_says_absolute(connect, project: Path) -> None:
    # "/etc" must not quietly become the slug "etc".
    (project / "docs/features/etc").mkdir()
    (project / "docs/features/etc/prd.md").write_text("# A pack really named etc\n")
    async with connect(project) as client:
        message = await call_error(client, "read_doc", feature="/etc", doc="prd.md")
        created = await call_error(client, "create_feature", feature="/tmp", title="Tmp")
    assert "absolute path" in message and "list_features" in message
    assert "absolute path" in created
    assert not (project / "docs/features/tmp").exists()


@pytest.mark.parametrize("doc", ["/etc/passwd", "/etc/passwd.md", "//etc/hosts.md", "C:\\boot.md"])
async def test_absolute_path_as_doc_is_refused(connect, project: Path, outside: Path, doc: str) -> None:
    before = snapshot(outside)
    async with connect(project) as client:
        for tool in DOC_TOOLS:
            message = await call_error(client, tool, **doc_tool_arguments(tool, "canvas-preview", doc))
            assert "is not a document name" in message, message
        message = await call_error(
            client, "write_doc", feature="canvas-preview", doc=str(outside / "new.md"), content="x\n"
        )
    assert "is not a document name" in message
    nothing_created_outside_tree(project, before)


async def test_absolute_path_in_resource_uri_is_refused(connect, project: Path) -> None:
    async with connect(project) as client:
        for uri in (
            "torus://features//etc/passwd",
            "torus://features/canvas-preview//etc/passwd.md",
            "torus://features/canvas-preview/%2Fetc%2Fpasswd.md",
        ):
            message = await resource_error(client, uri)
            assert "root:" not in message
            via_tool = await call_error(client, "read_resource", uri=uri)
            assert "root:" not in via_tool


# -- URL-encoded traversal in resource URIs --------------------------------------------------------

ENCODED_TRAVERSALS = [
    "torus://features/%2E%2E%2F%2E%2E/prd.md",
    "torus://features/canvas-preview/..%2F..%2Fmix.exs",
    "torus://features/canvas-preview/..%2F..%2F..%2F..%2Fmix.exs",
    "torus://features/%2e%2e/%2e%2e/prd.md",
    "torus://features/docs%2Ffeatures%2F..%2F..%2F..%2Foutside/secret.md",
    "torus://features/docs/features/../../../outside/secret.md",
    "torus://features/canvas-preview/%2E%2E%2F%2E%2E%2F%2E%2E%2Foutside%2Fsecret.md",
    "torus://features/canvas-preview/..%252F..%252Fmix.exs",
    "torus://features/..%5C..%5Coutside/secret.md",
]


@pytest.mark.parametrize("uri", ENCODED_TRAVERSALS)
async def test_url_encoded_traversal_in_resource_uri_is_refused(
    connect, project: Path, outside: Path, uri: str
) -> None:
    async with connect(project) as client:
        message = await resource_error(client, uri)
        via_tool = await call_error(client, "read_resource", uri=uri)
    for text in (message, via_tool):
        assert "Secret outside" not in text and "defmodule" not in text
        assert "Unknown resource" in text or "is not a" in text, text


async def test_plain_resource_uri_still_reads_so_the_refusals_above_are_real(connect, project: Path) -> None:
    # The same URI without the traversal works, so the refusals above are not a broken template.
    async with connect(project) as client:
        result = await client.read_resource("torus://features/canvas-preview/prd.md")
    assert result.contents[0].text == (project / "docs/features/canvas-preview/prd.md").read_text()


# -- symlink escapes -------------------------------------------------------------------------------


async def test_doc_symlinked_outside_the_tree_is_not_read(connect, project: Path, outside: Path) -> None:
    pack = project / "docs/features/canvas-preview"
    (pack / "leak.md").symlink_to(outside / "secret.md")
    async with connect(project) as client:
        message = await call_error(client, "read_doc", feature="canvas-preview", doc="leak.md")
        resource = await resource_error(client, "torus://features/canvas-preview/leak.md")
        listed = [r.uri for r in (await client.list_resources()).resources]
        features = await call_ok(client, "list_features")
    assert "symlink" in message and "leaves the spec tree" in message
    assert "symlink" in resource
    assert "Secret outside" not in message + resource
    assert "torus://features/canvas-preview/leak.md" not in listed
    canvas = next(f for f in features["features"] if f["id"] == "canvas-preview")
    assert "leak.md" not in canvas["docs"]


async def test_core_doc_symlinked_outside_the_tree_is_not_embedded_in_prompts(
    connect, project: Path, outside: Path
) -> None:
    pack = project / "docs/features/canvas-preview"
    (pack / "informal.md").symlink_to(outside / "secret.md")
    (pack / "plan.md").unlink()
    (pack / "plan.md").symlink_to(outside / "secret.md")
    async with connect(project) as client:
        rendered = await call_ok(client, "get_prompt", name="analyze", feature="canvas-preview")
        develop = await client.get_prompt("develop", {"feature": "canvas-preview"})
    assert "Secret outside" not in rendered["text"]
    embedded = [m.content.resource.text for m in develop.messages if m.content.type == "resource"]
    assert all("Secret outside" not in text for text in embedded)
    assert "Secret outside" not in develop.messages[0].content.text


async def test_doc_symlinked_outside_the_tree_is_not_written(connect, project: Path, outside: Path) -> None:
    from torus_mcp.documents import version_of

    before = snapshot(outside)
    pack = project / "docs/features/canvas-preview"
    (pack / "leak.md").symlink_to(outside / "secret.md")
    (pack / "dangling.md").symlink_to(outside / "not-yet.md")
    real_version = version_of((outside / "secret.md").read_bytes())
    async with connect(project) as client:
        for version in (real_version, None):
            arguments = {"feature": "canvas-preview", "doc": "leak.md", "content": "# Pwned\n"}
            if version:
                arguments["expected_version"] = version
            message = await call_error(client, "write_doc", **arguments)
            assert "leaves the spec tree" in message
        edited = await call_error(
            client,
            "edit_section",
            feature="canvas-preview",
            doc="leak.md",
            section="Secret outside the project",
            content="pwned\n",
            expected_version=real_version,
        )
        dangling = await call_error(
            client, "write_doc", feature="canvas-preview", doc="dangling.md", content="# Pwned\n"
        )
    assert "leaves the spec tree" in edited and "leaves the spec tree" in dangling
    nothing_created_outside_tree(project, before)
    assert (pack / "leak.md").is_symlink()


async def test_feature_dir_symlinked_outside_the_tree_is_not_read(
    connect, project: Path, outside: Path
) -> None:
    (project / "docs/features/evil").symlink_to(outside, target_is_directory=True)
    async with connect(project) as client:
        by_slug = await call_error(client, "read_doc", feature="evil", doc="secret.md")
        by_path = await call_error(client, "read_doc", feature="docs/features/evil", doc="prd.md")
        prompt_tool = await call_error(client, "get_prompt", name="develop", feature="evil")
        prompt = await prompt_error(client, "architect", feature="evil")
        resource = await resource_error(client, "torus://features/evil/secret.md")
        listing = await call_ok(client, "list_features")
        listed = [r.uri for r in (await client.list_resources()).resources]
        info = await call_ok(client, "workspace_info")
    for message in (by_slug, by_path, prompt_tool, prompt, resource):
        assert "no feature" in message and "Secret outside" not in message, message
    assert "evil" not in {f["slug"] for f in listing["features"]}
    assert not any("/evil/" in uri for uri in listed)
    assert any("docs/features/evil" in note and "symlink" in note for note in info["skipped"])


async def test_feature_dir_symlinked_outside_the_tree_is_not_written(
    connect, project: Path, outside: Path
) -> None:
    empty_outside = project.parent / "outside-empty"
    empty_outside.mkdir()
    (project / "docs/features/evil").symlink_to(outside, target_is_directory=True)
    (project / "docs/features/hollow").symlink_to(empty_outside, target_is_directory=True)
    (project / "docs/exec-plans/current/epics/evil-epic").symlink_to(empty_outside, target_is_directory=True)
    before = snapshot(outside)
    async with connect(project) as client:
        new_doc = await call_error(client, "write_doc", feature="evil", doc="new.md", content="# Pwned\n")
        overwrite = await call_error(
            client,
            "write_doc",
            feature="docs/features/evil",
            doc="secret.md",
            content="# Pwned\n",
            expected_version=ZERO_VERSION,
        )
        into_full = await call_error(client, "create_feature", feature="evil", title="Evil")
        into_empty = await call_error(client, "create_feature", feature="hollow", title="Hollow")
        under_epic = await call_error(client, "create_feature", feature="evil-epic/payload", title="Payload")
    assert "no feature" in new_doc and "no feature" in overwrite
    assert "nothing was created" in into_full
    assert "outside the spec tree" in into_empty and "nothing was created" in into_empty
    assert "outside the spec tree" in under_epic and "nothing was created" in under_epic
    nothing_created_outside_tree(project, before)
    assert list(empty_outside.iterdir()) == []


# -- NUL bytes -------------------------------------------------------------------------------------


async def test_nul_byte_in_feature_is_refused(connect, project: Path) -> None:
    async with connect(project) as client:
        for feature in ("canvas-preview\x00", "canvas\x00/../../etc", "\x00"):
            for tool in DOC_TOOLS:
                message = await call_error(client, tool, **doc_tool_arguments(tool, feature))
                assert "NUL byte" in message, message
            created = await call_error(client, "create_feature", feature=feature, title="Nul")
            assert "NUL byte" in created
            assert "NUL byte" in await call_error(client, "get_prompt", name="plan", feature=feature)
            assert "NUL byte" in await prompt_error(client, "plan", feature=feature)


async def test_nul_byte_in_doc_is_refused(connect, project: Path) -> None:
    async with connect(project) as client:
        for doc in ("prd.md\x00", "prd.md\x00.txt", "\x00"):
            for tool in DOC_TOOLS:
                message = await call_error(client, tool, **doc_tool_arguments(tool, "canvas-preview", doc))
                assert "NUL byte" in message, message
        resource = await resource_error(client, "torus://features/canvas-preview/prd.md%00.yml")
    assert "Unknown resource" in resource or "NUL byte" in resource, resource


async def test_nul_byte_in_content_is_refused(connect, project: Path) -> None:
    path = project / "docs/features/canvas-preview/prd.md"
    before = path.read_bytes()
    async with connect(project) as client:
        read = await call_ok(client, "read_doc", feature="canvas-preview", doc="prd.md")
        written = await call_error(
            client,
            "write_doc",
            feature="canvas-preview",
            doc="prd.md",
            content="# Title\n\x00\n",
            expected_version=read["version"],
        )
        created = await call_error(
            client, "write_doc", feature="canvas-preview", doc="nul.md", content="a\x00b"
        )
        edited = await call_error(
            client,
            "edit_section",
            feature="canvas-preview",
            doc="prd.md",
            section="2",
            content="body with \x00 inside\n",
            expected_version=read["version"],
        )
    for message in (written, created, edited):
        assert "NUL byte" in message and "nothing was written" in message, message
    assert path.read_bytes() == before
    assert not (project / "docs/features/canvas-preview/nul.md").exists()


# -- a slug starting with "-" ----------------------------------------------------------------------


@pytest.mark.parametrize("feature", ["-rf", "--help", "-", "authoring/-rf", "-rf/canvas-preview"])
async def test_slug_starting_with_dash_is_refused(connect, project: Path, feature: str) -> None:
    (project / "docs/features/-rf").mkdir()
    (project / "docs/features/-rf/prd.md").write_text("# Not addressable\n")
    async with connect(project) as client:
        for tool in DOC_TOOLS:
            message = await call_error(client, tool, **doc_tool_arguments(tool, feature))
            assert "does not start with '-'" in message, message
        created = await call_error(client, "create_feature", feature=feature, title="Dash")
        prompt_tool = await call_error(client, "get_prompt", name="develop", feature=feature)
        prompt = await prompt_error(client, "develop", feature=feature)
        resource = await resource_error(client, f"torus://features/{feature}/prd.md")
        info = await call_ok(client, "workspace_info")
    for text in (created, prompt_tool, prompt, resource):
        assert "does not start with '-'" in text, text
    assert (project / "docs/features/-rf/prd.md").read_text() == "# Not addressable\n"
    assert not (project / "docs/exec-plans/current/epics/-rf").exists()
    assert any("docs/features/-rf" in note for note in info["skipped"])


async def test_doc_name_starting_with_dash_is_refused(connect, project: Path) -> None:
    async with connect(project) as client:
        message = await call_error(
            client, "write_doc", feature="canvas-preview", doc="-rf.md", content="# x\n"
        )
    assert "is not a document name" in message
    assert not (project / "docs/features/canvas-preview/-rf.md").exists()


# -- a 50 MB file ----------------------------------------------------------------------------------


@pytest.fixture
def huge_prd(project: Path) -> Path:
    """A 50 MB prd.md, sparse so it costs no disk and no time to create."""
    path = project / "docs/features/canvas-preview/prd.md"
    with path.open("r+b") as handle:
        handle.truncate(FIFTY_MB)
    assert path.stat().st_size == FIFTY_MB
    return path


@pytest.fixture
def peak_memory() -> Iterator[Callable[[], int]]:
    """Peak Python memory allocated since the fixture started, in bytes."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        yield lambda: tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def assert_refused_by_size(message: str) -> None:
    assert f"{FIFTY_MB:,} bytes" in message, message
    assert "2,097,152-byte limit" in message, message
    # A sparse file is all NUL bytes: had the server read it, it would call it binary.
    assert "binary" not in message


async def test_fifty_mb_file_is_refused_by_size_without_reading_it(
    connect, project: Path, huge_prd: Path, peak_memory
) -> None:
    async with connect(project) as client:
        messages = [
            await call_error(client, "read_doc", feature="canvas-preview", doc="prd.md"),
            await call_error(client, "read_doc", feature="canvas-preview", doc="prd.md", section="1"),
            await resource_error(client, "torus://features/canvas-preview/prd.md"),
            await call_error(client, "read_resource", uri="torus://features/canvas-preview/prd.md"),
            await call_error(client, "get_prompt", name="develop", feature="canvas-preview"),
            await prompt_error(client, "architect", feature="canvas-preview"),
        ]
    for message in messages:
        assert_refused_by_size(message)
    assert peak_memory() < FIFTY_MB // 10, f"peak {peak_memory():,} bytes: the file was loaded"


async def test_fifty_mb_file_is_not_overwritten_or_read_to_version_it(
    connect, project: Path, huge_prd: Path, peak_memory
) -> None:
    async with connect(project) as client:
        written = await call_error(
            client,
            "write_doc",
            feature="canvas-preview",
            doc="prd.md",
            content="# Small now\n",
            expected_version=ZERO_VERSION,
        )
        edited = await call_error(
            client,
            "edit_section",
            feature="canvas-preview",
            doc="prd.md",
            section="1",
            content="x\n",
            expected_version=ZERO_VERSION,
        )
    for message in (written, edited):
        assert_refused_by_size(message)
    assert "Nothing was written" in written
    assert peak_memory() < FIFTY_MB // 10, f"peak {peak_memory():,} bytes: the file was loaded"
    assert huge_prd.stat().st_size == FIFTY_MB


async def test_fifty_mb_content_is_refused(connect, project: Path) -> None:
    async with connect(project) as client:
        message = await call_error(
            client, "write_doc", feature="canvas-preview", doc="huge.md", content="x" * (3 * 1024 * 1024)
        )
    assert "over the 2,097,152-byte limit" in message and "nothing was written" in message
    assert not (project / "docs/features/canvas-preview/huge.md").exists()


# -- binary and non-UTF-8 files --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        (b"# Caf\xe9 au lait\n\nLatin-1, not UTF-8.\n", "not valid UTF-8"),
        (b"\xff\xfe#\x00 \x00T\x00", "binary file"),
    ],
    ids=["png", "latin-1", "utf-16"],
)
async def test_binary_or_non_utf8_doc_is_refused(
    connect, project: Path, content: bytes, expected: str
) -> None:
    from torus_mcp.documents import version_of

    pack = project / "docs/features/canvas-preview"
    (pack / "prd.md").write_bytes(content)
    (pack / "requirements.yml").write_bytes(content)
    async with connect(project) as client:
        messages = [
            await call_error(client, "read_doc", feature="canvas-preview", doc="prd.md"),
            await call_error(client, "read_doc", feature="canvas-preview", doc="requirements.yml"),
            await call_error(
                client,
                "edit_section",
                feature="canvas-preview",
                doc="prd.md",
                section="1",
                content="x\n",
                expected_version=version_of(content),
            ),
            await resource_error(client, "torus://features/canvas-preview/prd.md"),
            await resource_error(client, "torus://features/canvas-preview/requirements.yml"),
            await call_error(client, "get_prompt", name="analyze", feature="canvas-preview"),
            await prompt_error(client, "plan", feature="canvas-preview"),
        ]
    for message in messages:
        assert expected in message and "docs/features/canvas-preview/" in message, message
    assert (pack / "prd.md").read_bytes() == content


async def test_fifo_under_a_doc_name_does_not_hang_the_server(connect, project: Path) -> None:
    path = project / "docs/features/canvas-preview/pipe.md"
    os.mkfifo(path)
    async with connect(project) as client:
        read = await call_error(client, "read_doc", feature="canvas-preview", doc="pipe.md")
        written = await call_error(
            client,
            "write_doc",
            feature="canvas-preview",
            doc="pipe.md",
            content="x\n",
            expected_version=ZERO_VERSION,
        )
    assert "pipe.md" in read
    assert "not a regular file" in written and "Nothing was written" in written
