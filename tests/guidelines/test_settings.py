"""`[guidelines]` in .torus-mcp.toml: every key takes effect, and bad input gets an error that says how to fix it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.guidelines.conftest import FIXTURES, check, findings, pairs
from tests.shared_data import require_mix
from torus_mcp.config import ConfigError, load_project_config
from torus_mcp.guidelines.settings import GuidelinesConfig, guidelines_config


def config_from(tmp_path: Path, text: str) -> GuidelinesConfig:
    (tmp_path / ".torus-mcp.toml").write_text(text)
    return guidelines_config(load_project_config(tmp_path))


def test_defaults_without_a_file_or_section(tmp_path: Path) -> None:
    assert guidelines_config(load_project_config(tmp_path)) == GuidelinesConfig()
    assert config_from(tmp_path, "[specs]\n") == GuidelinesConfig()
    default = GuidelinesConfig()
    assert default.layers == (("Oli", "OliWeb"),)
    assert default.query_functions == ("Repo.*",)
    assert default.protected_fields == {"user_id"}


def test_every_key_is_read(tmp_path: Path) -> None:
    config = config_from(
        tmp_path,
        """
[guidelines]
disabled = ["multi-module-file"]
layers = [["MyApp", "MyAppWeb"], ["MyApp.Core", "MyApp.Reports"]]
query_functions = ["MyApp.Accounts.get_user!", "MyApp.Queries.*"]
protected_fields = [":owner_id", "author_id"]
timeout = 30

[guidelines.severity]
"else-if" = "error"
"STRUCT-ACCESS" = "warning"
""",
    )
    assert config.disabled == {"MULTI-MODULE-FILE"}
    assert config.layers == (("MyApp", "MyAppWeb"), ("MyApp.Core", "MyApp.Reports"))
    assert config.query_functions == ("Repo.*", "MyApp.Accounts.get_user!", "MyApp.Queries.*")
    assert config.protected_fields == {"user_id", "owner_id", "author_id"}
    assert config.timeout == 30.0
    assert config.severity_of("ELSE-IF") == "error" and config.severity_of("STRUCT-ACCESS") == "warning"
    assert config.severity_of("DB-IN-LOOP") == "warning"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[guidelines]\nsevere = 1\n", "unknown key(s) severe; known keys: disabled, layers"),
        (
            '[guidelines]\ndisabled = "ELSE-IF"\n',
            'disabled must be a list of strings, e.g. disabled = ["ELSE-IF"]',
        ),
        (
            '[guidelines]\ndisabled = ["NO-SUCH"]\n',
            "disabled names unknown rule 'NO-SUCH'. Known rules: ELIXIR-PARSE,",
        ),
        (
            '[guidelines.severity]\n"ELSE-IF" = "fatal"\n',
            "[guidelines.severity] ELSE-IF = 'fatal'; a severity is",
        ),
        ("[guidelines]\nseverity = 3\n", "[guidelines.severity] must be a table"),
        ('[guidelines]\ndisabled = ["ELIXIR-PARSE"]\n', "ELIXIR-PARSE cannot be disabled or made a warning"),
        (
            '[guidelines]\nlayers = ["Oli", "OliWeb"]\n',
            "layers entry 'Oli' is not a pair of two different module names",
        ),
        ('[guidelines]\nlayers = [["Oli", "oli_web"]]\n', "is not a pair of two different module names"),
        ('[guidelines]\nlayers = [["Oli", "Oli"]]\n', "is not a pair of two different module names"),
        ("[guidelines]\nlayers = 1\n", "layers must be a list of [lower, upper] pairs"),
        ('[guidelines]\nquery_functions = ["get_user"]\n', "'get_user' is not Module.function or Module.*"),
        ('[guidelines]\nprotected_fields = ["User"]\n', "protected_fields entry 'User' is not a field name"),
        ("[guidelines]\ntimeout = 0\n", "timeout must be a positive number of seconds; got 0"),
        ('guidelines = "strict"\n', "`guidelines` must be a table ([guidelines]), not str"),
    ],
)
def test_bad_values_are_refused_with_the_fix(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as error:
        config_from(tmp_path, text)
    assert expected in str(error.value)
    assert str(tmp_path / ".torus-mcp.toml") in str(error.value)


def test_the_project_file_changes_what_a_check_reports(tmp_path: Path) -> None:
    require_mix()
    shutil.copy(FIXTURES / "rules" / "else_if.ex", tmp_path)
    shutil.copy(FIXTURES / "rules" / "multi_module.ex", tmp_path)
    config = config_from(
        tmp_path,
        '[guidelines]\ndisabled = ["MULTI-MODULE-FILE"]\n[guidelines.severity]\n"ELSE-IF" = "error"\n',
    )
    report = check(tmp_path, ["."], config=config)
    assert pairs(report, "multi_module.ex") == set()
    assert {f.severity for f in findings(report, "else_if.ex")} == {"error"}
    assert report.counts.errors == 2 and report.counts.warnings == 0


def test_the_readme_documents_every_rule_with_its_default_severity() -> None:
    from torus_mcp.guidelines.rules import RULES

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("## Coding guidelines", 1)[1].split("\n## ", 1)[0]
    rows = [line.split(" | ") for line in section.splitlines() if line.startswith("| ") and "---" not in line]
    documented = {cells[0].strip("| "): cells[1] for cells in rows[1:]}
    assert documented == {rule.id: rule.severity for rule in RULES.values()}
    assert "`check_guidelines(paths?, since?)`" in readme
    for key in (
        "disabled",
        "layers",
        "query_functions",
        "protected_fields",
        "timeout",
        "[guidelines.severity]",
    ):
        assert key in readme.split("[guidelines]", 1)[1].split("[mix]", 1)[0]
