"""LAYER-OLI-OLIWEB on a small project with lib/oli and lib/oli_web: every kind of reference from
the domain to the web layer is found; the web layer using the domain is not."""

from __future__ import annotations

import pytest

from tests.guidelines.conftest import FIXTURES, check, findings, pairs
from tests.shared_data import require_mix
from torus_mcp.guidelines.settings import GuidelinesConfig

PROJECT = FIXTURES / "layering"


@pytest.fixture(scope="module")
def report():
    require_mix()
    return check(PROJECT, ["lib"])


def kinds(report, file: str) -> list[tuple[int, str]]:
    """(line, what the message says the module does) for each layering finding."""
    verbs = (
        "aliases",
        "imports",
        "requires",
        "uses",
        "calls",
        "builds or matches the struct",
        "implements the behaviour",
        "implements the protocol",
        "names",
    )
    found = []
    for finding in findings(report, file):
        assert finding.rule == "LAYER-OLI-OLIWEB"
        verb = next(v for v in verbs if f" {v} OliWeb" in finding.message)
        found.append((finding.line, verb))
    return found


def test_every_kind_of_reference_from_oli_to_oliweb(report) -> None:
    assert kinds(report, "lib/oli/accounts.ex") == [
        (4, "aliases"),
        (5, "aliases"),
        (5, "aliases"),
        (6, "imports"),
        (7, "requires"),
        (8, "uses"),
        (10, "implements the behaviour"),
        (13, "calls"),  # Routes.page_path: the alias is resolved to OliWeb.Router.Helpers
        (13, "names"),  # Endpoint, aliased from OliWeb
        (17, "calls"),
        (20, "builds or matches the struct"),
        (22, "names"),
        (26, "names"),
    ]
    messages = [f.message for f in findings(report, "lib/oli/accounts.ex")]
    assert messages[7] == "Oli.Accounts calls OliWeb.Router.Helpers.page_path: Oli must not depend on OliWeb"
    assert all(f.severity == "error" for f in findings(report, "lib/oli/accounts.ex"))


def test_a_protocol_implemented_inside_a_domain_module(report) -> None:
    assert kinds(report, "lib/oli/delivery/impl.ex") == [(5, "implements the protocol")]


def test_the_web_layer_may_use_the_domain_and_oliwebhooks_is_not_oliweb(report) -> None:
    assert pairs(report, "lib/oli_web/live/page_live.ex") == set()
    assert pairs(report, "lib/oli_web.ex") == set()
    assert pairs(report, "lib/oli.ex") == set()
    assert report.counts.files_checked == 5


def test_configured_pairs_replace_the_default() -> None:
    require_mix()
    config = GuidelinesConfig(layers=(("OliWeb", "Oli.Delivery"),))
    report = check(PROJECT, ["lib"], config=config)
    assert pairs(report, "lib/oli/accounts.ex") == set()
    assert [(f.line, f.message) for f in findings(report, "lib/oli_web/live/page_live.ex")] == [
        (5, "OliWeb.PageLive aliases Oli.Delivery.Section: OliWeb must not depend on Oli.Delivery"),
        (
            10,
            "OliWeb.PageLive implements the behaviour Oli.Delivery.Behaviour: OliWeb must not depend on Oli.Delivery",
        ),
        (
            13,
            "OliWeb.PageLive builds or matches the struct Oli.Delivery.Section: OliWeb must not depend on Oli.Delivery",
        ),
    ]
