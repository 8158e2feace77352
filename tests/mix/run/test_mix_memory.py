"""A test printing 200 MB keeps the runner's memory bounded and says how much it dropped.

The run happens in a fresh Python process so its peak RSS (ru_maxrss) is not hidden by whatever
earlier tests of this session allocated.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.mix

MEASURE = """
import json, resource, sys
from pathlib import Path
import anyio
from torus_mcp.mix.operations import TestSelection, test_project

def peak_kb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

async def main():
    before = peak_kb()
    result = await test_project(Path(sys.argv[1]), TestSelection(only=["flood"]), timeout=120)
    summary = result.test.summary
    print(json.dumps({
        "before_kb": before,
        "after_kb": peak_kb(),
        "exit_code": result.exit_code,
        "log_bytes": result.log_bytes,
        "dropped_bytes": result.dropped_bytes,
        "log_file_bytes": Path(result.log_path).stat().st_size,
        "tests": summary.tests if summary else None,
        "failures": summary.failures if summary else None,
        "excluded": summary.excluded if summary else None,
    }))

anyio.run(main)
"""


def test_200_mb_of_output_keeps_memory_bounded(built_projects: dict[str, Path]) -> None:
    completed = subprocess.run(
        [sys.executable, "-c", MEASURE, str(built_projects["test_outcomes_app"])],
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    numbers = json.loads(completed.stdout.strip().splitlines()[-1])
    growth_mb = (numbers["after_kb"] - numbers["before_kb"]) / 1024
    print(f"peak RSS growth {growth_mb:.1f} MB, dropped {numbers['dropped_bytes'] / 1e6:.0f} MB")
    assert numbers["exit_code"] == 0
    assert numbers["log_bytes"] >= 200_000_000 and numbers["log_file_bytes"] == numbers["log_bytes"]
    assert numbers["dropped_bytes"] >= 170_000_000
    assert growth_mb < 100, f"peak RSS grew by {growth_mb:.0f} MB"
    # The tail kept in memory still holds ExUnit's summary.
    assert (numbers["tests"], numbers["failures"], numbers["excluded"]) == (8, 0, 9)
