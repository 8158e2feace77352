"""The [gates] configuration: validation with clear errors, and what disabling or changing a severity does."""

from __future__ import annotations

import re

import pytest

from tests.specs.gate_samples import GOOD_PLAN, GOOD_PRD, PRD_TWO_ERRORS, pack_of, replace_once
from torus_mcp.config import ConfigError, load_project_config
from torus_mcp.specs import gate_config
from torus_mcp.specs.gate_config import GatesConfig, gates_config, parse_gates_section
from torus_mcp.specs.gates import check_gates
from torus_mcp.specs.rules.registry import RULES


def test_disabled_rules_do_not_run(tmp_path):
    pack = pack_of(tmp_path, prd=PRD_TWO_ERRORS)
    config = parse_gates_section({"disabled": ["prd-ac-cites-known-fr", "PRD-AC-COVERS-FR"]})
    report = check_gates(pack, config=config)
    assert report.findings == []
    assert report.stage == "developing"


def test_severity_can_make_a_warning_block(tmp_path):
    prd = replace_once(
        GOOD_PRD,
        "Given a paragraph with a script tag, when the preview renders, then the tag is shown as text.",
        "Script tags are shown as text.",
    )
    pack = pack_of(tmp_path, prd=prd)
    assert check_gates(pack).stage == "developing"
    strict = check_gates(pack, config=parse_gates_section({"severity": {"PRD-AC-GWT": "error"}}))
    assert strict.stage == "none"
    assert [(f.rule, f.severity) for f in strict.findings] == [("PRD-AC-GWT", "error")]


def test_severity_can_stop_an_error_from_blocking(tmp_path):
    plan = replace_once(GOOD_PLAN, "\nDefinition of Done:\n- The flag turns the button on and off.\n", "")
    pack = pack_of(tmp_path, plan=plan)
    assert check_gates(pack).stage == "fdd"
    relaxed = check_gates(pack, config=parse_gates_section({"severity": {"PLAN-DOD": "warning"}}))
    assert relaxed.stage == "developing"
    assert relaxed.gate("plan").warnings == 1


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"disabled": ["PRD-NOPE"]}, "unknown rule 'PRD-NOPE'. Known rules: PRD-DOC, PRD-SECTIONS"),
        ({"severity": {"FDD-X": "error"}}, "unknown rule 'FDD-X'"),
        ({"severity": {"NO-TBD": "fatal"}}, "NO-TBD = 'fatal'; a severity is \"error\""),
        ({"severity": "error"}, "[gates.severity] must be a table"),
        ({"disabled": "NO-TBD"}, "disabled must be a list of rule ids"),
        ({"disabled": [1]}, "disabled must be a list of rule ids"),
        ({"disable": ["NO-TBD"]}, "unknown key(s) disable"),
        ({"disabled": ["PLAN-DOC"]}, "PLAN-DOC cannot be disabled or made a warning"),
        ({"severity": {"PRD-DOC": "warning"}}, "PRD-DOC cannot be disabled or made a warning"),
    ],
)
def test_bad_gates_config_names_the_problem(section, message):
    with pytest.raises(ConfigError) as error:
        parse_gates_section(section, "proj/.torus-mcp.toml")
    assert message in str(error.value)
    assert str(error.value).startswith("proj/.torus-mcp.toml: ")


def test_an_unknown_rule_error_lists_every_known_rule():
    with pytest.raises(ConfigError) as error:
        parse_gates_section({"disabled": ["X"]})
    assert all(rule_id in str(error.value) for rule_id in RULES)


def test_fixed_rules_may_be_named_with_their_own_severity():
    assert parse_gates_section({"severity": {"PRD-DOC": "error"}}).severity == {"PRD-DOC": "error"}


def test_gates_config_reads_the_project_file(tmp_path):
    (tmp_path / ".torus-mcp.toml").write_text(
        '[gates]\ndisabled = ["PLAN-COVERS-FR"]\n\n[gates.severity]\n"PRD-AC-GWT" = "error"\n',
        encoding="utf-8",
    )
    config = gates_config(load_project_config(tmp_path))
    assert config == GatesConfig(disabled=frozenset({"PLAN-COVERS-FR"}), severity={"PRD-AC-GWT": "error"})
    assert gates_config(load_project_config(tmp_path / "missing")) == GatesConfig()
    assert gates_config(None) == GatesConfig()


def test_gates_config_names_the_file_in_errors(tmp_path):
    (tmp_path / ".torus-mcp.toml").write_text('[gates]\ndisabled = ["NOPE"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(str(tmp_path / ".torus-mcp.toml"))):
        gates_config(load_project_config(tmp_path))


def test_every_rule_is_documented_in_the_config_schema():
    doc = gate_config.__doc__ or ""
    for rule in RULES.values():
        assert rule.title and len(rule.description) > 40
        row = re.search(rf"^    {re.escape(rule.id)}\s+(\w+)\s+(\w+)\s", doc, re.MULTILINE)
        assert row, f"{rule.id} is missing from the [gates] table in gate_config.py's docstring"
        assert row.groups() == (rule.gate, rule.severity)
    assert {r.id for r in RULES.values() if not r.configurable} == {"PRD-DOC", "FDD-DOC", "PLAN-DOC"}
