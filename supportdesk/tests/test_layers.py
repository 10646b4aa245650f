"""Imports point down: the layers contract in pyproject.toml ([tool.importlinter]) holds.

The first test lints the package as `lint-imports` does; the second adds one upward import
to the real graph and checks that the same contract catches it (the guard can fail).
"""

from __future__ import annotations

from pathlib import Path

import grimp
import pytest
from importlinter.api import read_configuration
from importlinter.application.use_cases import lint_imports
from importlinter.contracts.layers import LayersContract

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def _layers_contract() -> LayersContract:
    config = read_configuration(str(PYPROJECT))
    (options,) = [c for c in config["contracts_options"] if c.get("id") == "layers"]
    return LayersContract(name=options["name"], session_options=config["session_options"],
                          contract_options=options)


def test_the_package_keeps_the_layers_contract(capsys: pytest.CaptureFixture[str]) -> None:
    kept = lint_imports(config_filename=str(PYPROJECT), cache_dir=None, no_logo=True)
    assert kept, capsys.readouterr().out


def test_an_upward_import_breaks_the_contract() -> None:
    graph = grimp.build_graph("supportdesk", cache_dir=None)
    graph.add_import(importer="supportdesk.tickets.services", imported="supportdesk.mail.routing",
                     line_number=1, line_contents="from supportdesk.mail import routing")
    check = _layers_contract().check(graph, verbose=False)
    assert not check.kept
    broken = {(d["importer"], d["imported"]) for d in check.metadata["invalid_dependencies"]}
    assert ("supportdesk.tickets", "supportdesk.mail") in broken, broken
    # only chains through the added import (kb and replies reach mail through tickets now)
    assert {imported for _, imported in broken} == {"supportdesk.mail"}, broken
