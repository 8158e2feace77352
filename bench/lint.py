"""Guideline-check benchmark: `torus-mcp lint`'s check over a generated tree of Elixir files, against
`elixir` merely parsing the same files.

Run: `python bench/lint.py` (needs `elixir` on PATH; prints numbers and PASS/FAIL, always exits 0).
`--files N` changes the tree size, `--runs N` the repetitions.

1. A temporary project gets N (default 500) generated modules of about 200 lines each under lib/,
   written the way Torus code is: aliases, Ecto queries, Enum pipelines (some with a Repo call in the
   loop), case/if, struct patterns, changesets and, in every fifth file, a ~H template.
2. Baseline: one `elixir` process running a tiny script that reads each file and calls
   `Code.string_to_quoted/2` with the same options the checker uses (columns, token metadata).
3. Checked: `check_guidelines(root, ["lib"])` in this process, the whole path a lint run takes:
   pick the files, one `elixir` run of the bundled AST script, decode its JSON lines, apply every
   rule and the ignore comments, build the report.
4. Both are run interleaved `--runs` times; the medians are printed as ms per file with their ratio
   (target: checked <= 2x baseline). The ratio of the medians is what PASS/FAIL judges.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TARGET = 2.0
# Compiled in a module, like the checker's script, so neither side pays for evaluating script code.
PARSE_ONLY = """
defmodule ParseOnly do
  def run(paths) do
    # Each AST is dropped at once (a `for` would keep all of them alive until the end).
    Enum.each(paths, fn path ->
      opts = [columns: true, token_metadata: true, emit_warnings: false]
      {:ok, _} = Code.string_to_quoted(File.read!(path), opts)
    end)
  end
end

ParseOnly.run(System.argv())
"""

_FUNCTION = """
  @doc "Loads the {thing}s of a section ({n})."
  @spec {name}(map(), [integer()], keyword()) :: {{:ok, [map()]}} | {{:error, atom()}}
  def {name}(%Section{{}} = section, ids, opts \\\\ []) do
    limit = Keyword.get(opts, :limit, 50)

    {thing}s =
      from(r in Revision,
        where: r.section_id == ^section.id and r.id in ^ids,
        order_by: [asc: r.inserted_at],
        limit: ^limit
      )
      |> Repo.all()

    titles =
      {thing}s
      |> Enum.filter(&(&1.status == :published))
      |> Enum.map(fn {thing} -> String.trim({thing}.title) end)

    case Keyword.get(opts, :mode) do
      :titles ->
        {{:ok, titles}}

      :count ->
        {{:ok, [%{{count: length(titles)}}]}}

      _ ->
        if section.open_and_free do
          {{:ok, Enum.sort_by({thing}s, & &1.title)}}
        else
          {{:error, :not_open}}
        end
    end
  end
"""

_LOOP_QUERY = """
  def {name}_each(ids) do
    Enum.map(ids, fn id -> Repo.get(Revision, id) end)
  end
"""

_CHANGESET = """
  def changeset(%{{}} = data, attrs) do
    data
    |> cast(attrs, [:title, :status, :section_id])
    |> validate_required([:title])
    |> validate_number(:score, greater_than_or_equal_to: 0)
  end
"""

_TEMPLATE = '''
  def render(assigns) do
    ~H"""
    <div id="section" class={["card", @active && "active"]}>
      <h2>{@section.title}</h2>
      <ul id="items" phx-update="stream">
        <li :for={{id, item} <- @streams.items} id={id}>{item.title}</li>
      </ul>
      <.link navigate={"/sections/" <> @section.slug}>Open</.link>
    </div>
    """
  end
'''

_WORDS = ["page", "activity", "objective", "attempt", "revision", "resource", "enrollment", "grade", "tag"]


def generate(root: Path, count: int) -> None:
    rng = random.Random(13)
    lib = root / "lib" / "oli" / "generated"
    lib.mkdir(parents=True)
    for index in range(count):
        parts = [
            f"defmodule Oli.Generated.Module{index} do",
            '  @moduledoc "Generated for bench/lint.py."',
            "",
            "  import Ecto.Query",
            "  import Ecto.Changeset",
            "  alias Oli.Repo",
            "  alias Oli.Delivery.Sections.Section",
            "  alias Oli.Resources.Revision",
        ]
        if index % 5 == 0:
            parts.append("  use Phoenix.Component")
        for n in range(5):
            thing = rng.choice(_WORDS)
            parts.append(_FUNCTION.format(name=f"load_{thing}s_{n}", thing=thing, n=n))
        if index % 3 == 0:
            parts.append(_LOOP_QUERY.format(name=f"load_{rng.choice(_WORDS)}"))
        parts.append(_CHANGESET.format())
        if index % 5 == 0:
            parts.append(_TEMPLATE)
        parts.append("end\n")
        (lib / f"module_{index}.ex").write_text("\n".join(parts))


def time_baseline(root: Path, script: Path, files: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(["elixir", str(script), *files], cwd=root, check=True, stdin=subprocess.DEVNULL)
    return time.perf_counter() - start


def time_check(root: Path) -> tuple[float, int]:
    import anyio

    from torus_mcp.guidelines.checker import check_guidelines

    async def run():
        return await check_guidelines(root, ["lib"])

    start = time.perf_counter()
    report = anyio.run(run)
    elapsed = time.perf_counter() - start
    if report.notes or report.counts.files_checked == 0:
        raise SystemExit(f"the check did not read every file: {report.notes}")
    return elapsed, report.shown


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--files", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if shutil.which("elixir") is None:
        print("skipped: elixir is not on PATH")
        return 0
    with tempfile.TemporaryDirectory(prefix="torus-lint-bench-") as tmp:
        root = Path(tmp)
        generate(root, args.files)
        script = root / "parse_only.exs"
        script.write_text(PARSE_ONLY)
        files = sorted(p.relative_to(root).as_posix() for p in (root / "lib").rglob("*.ex"))
        lines = sum(len((root / f).read_text().splitlines()) for f in files)
        print(f"{len(files)} files, {lines / len(files):.0f} lines each on average")
        time_baseline(root, script, files[:5])  # warm the file cache and the code paths once
        time_check(root)
        baseline, checked = [], []
        findings = 0
        for _ in range(args.runs):
            baseline.append(time_baseline(root, script, files))
            elapsed, findings = time_check(root)
            checked.append(elapsed)
        per_file = 1000 / len(files)
        base_ms = statistics.median(baseline) * per_file
        check_ms = statistics.median(checked) * per_file
        ratio = check_ms / base_ms
        print(f"elixir parsing only : {base_ms:6.2f} ms per file (median of {args.runs})")
        print(f"guideline check     : {check_ms:6.2f} ms per file ({findings} findings)")
        print(f"ratio {ratio:.2f}x, target <= {TARGET:g}x: {'PASS' if ratio <= TARGET else 'FAIL'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
