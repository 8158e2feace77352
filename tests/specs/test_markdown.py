"""The shared CommonMark parse: cheap to import, YAML front matter blanked with its lines kept."""

from __future__ import annotations

import subprocess
import sys

from torus_mcp.specs.sections import parse_sections


def test_importing_the_specs_modules_does_not_import_markdown_it():
    code = (
        "import sys, torus_mcp.specs.sections, torus_mcp.specs.markdown, torus_mcp.specs.plan.parse, torus_mcp.specs.findings;"
        "print('markdown_it' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_yaml_front_matter_is_not_a_heading():
    text = "---\ntitle: Spec\nstatus: draft\n---\n# Title\n\n## 1. Overview\n"
    sections = parse_sections(text)
    assert [(s.title, s.line) for s in sections] == [("Title", 5), ("Overview", 7)]
    # Two rules in a row are not front matter.
    assert [s.title for s in parse_sections("---\n---\n## A\n")] == ["A"]
