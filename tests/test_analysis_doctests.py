"""The tiny worked examples in the analysis docstrings are checked, so they stay true."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ("graphs", "patterns", "people", "relationships", "outcomes", "timeline", "explain")


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"ditmap.analysis.{name}")
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
