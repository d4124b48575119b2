"""The layers hold (issue 21): core ← employers ← matching ← placements ← portal ← config, the engine
imports only numpy/scipy/scikit-learn and itself, participants sit below the rest of matching, and no
two modules import each other (directly or round a circle)."""

from pathlib import Path

import pytest

from tests.core import layers

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def graph():
    return layers.build(ROOT)


def test_no_package_imports_a_higher_layer(graph):
    assert layers.layer_violations(graph) == []


def test_the_engine_imports_only_numpy_scipy_sklearn_and_itself(graph):
    assert any(m.startswith("matching.engine.") for m in graph.modules)
    assert layers.engine_violations(graph) == []


def test_participants_sit_below_the_rest_of_matching(graph):
    allowed = ("matching.models", "matching.choices", "matching.engine")
    assert layers.inner_violations(graph, "matching.participants", allowed) == []


def test_no_import_cycles(graph):
    assert layers.cycles(graph) == []


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def test_the_checks_find_what_they_look_for(tmp_path):
    """The checks are not vacuous: each finds a planted violation (a lazy import counts, a
    TYPE_CHECKING import does not)."""
    root = _tree(
        tmp_path,
        {
            "core/__init__.py": "",
            "core/a.py": "def f():\n    from employers import b\n",
            "employers/__init__.py": "",
            "employers/b.py": "from core import a\n",
            "employers/c.py": (
                "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from portal import views\n"
            ),
            "matching/__init__.py": "",
            "matching/engine/__init__.py": "",
            "matching/engine/x.py": "import numpy\nimport json\nfrom django.db import models\n",
            "matching/participants/__init__.py": "",
            "matching/participants/p.py": "from matching.services import s\nfrom matching import models\n",
            "matching/services/__init__.py": "",
            "matching/services/s.py": "",
            "matching/models.py": "",
            "placements/__init__.py": "",
            "portal/__init__.py": "",
            "portal/views.py": "",
            "config/__init__.py": "",
        },
    )
    graph = layers.build(root)
    assert layers.layer_violations(graph) == ["core.a imports employers.b (a higher layer)"]
    assert layers.engine_violations(graph) == [
        "matching.engine.x imports django.db",
        "matching.engine.x imports django.db.models",
    ]
    assert layers.inner_violations(graph, "matching.participants", ("matching.models",)) == [
        "matching.participants.p imports matching.services.s"
    ]
    assert layers.cycles(graph) == [["core.a", "employers.b"]]
