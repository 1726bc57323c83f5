"""``logwarden bench`` loads its harness from the checkout, and says so when there is none."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import typer

from stream.cli import harness

ROOT = Path(__file__).resolve().parents[2]


def test_the_harness_loads_from_the_checkout() -> None:
    module = harness.load_harness("parsing")
    assert Path(module.__file__ or "").parent == ROOT / "benches"


def test_without_a_checkout_one_line_says_what_to_do(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """As from a wheel: no benches/ beside stream/ and none on the path."""
    monkeypatch.setattr(harness, "CHECKOUT", tmp_path)
    monkeypatch.setattr(sys, "path", [p for p in sys.path if Path(p or ".").resolve() != ROOT])
    for name in [m for m in sys.modules if m == "benches" or m.startswith("benches.")]:
        monkeypatch.delitem(sys.modules, name)
    with pytest.raises(typer.Exit) as exit_info:
        harness.load_harness("parsing")
    assert exit_info.value.exit_code == 2
    err = capsys.readouterr().err
    assert "source checkout" in err
    assert "pip install -e '.[bench]'" in err
    assert len(err.strip().splitlines()) == 1
