"""The design card's layering, checked on the source: transforms stay pure, edges stay edges."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from classifiers.logs.taxonomy import LABELS, OPERATIONAL_LABELS

ROOT = Path(__file__).resolve().parents[2]
NETWORK_MODULES = {
    "socket",
    "http",
    "urllib",
    "aiohttp",
    "requests",
    "httpx",
    "kafka",
    "aiokafka",
    "faust",
    "elasticsearch",
    "elastic_transport",
}


def imported_roots(package: str) -> dict[str, set[str]]:
    """Top-level module names imported by each file of a package."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        roots: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                roots.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = roots
    return found


@pytest.mark.parametrize("package", ["classifiers", "connectors"])
def test_only_stream_imports_stream(package: str) -> None:
    offenders = {f for f, roots in imported_roots(package).items() if "stream" in roots}
    assert offenders == set()


def test_classifiers_never_touch_the_network() -> None:
    offenders = {
        f: sorted(roots & (NETWORK_MODULES | {"connectors"}))
        for f, roots in imported_roots("classifiers").items()
        if roots & (NETWORK_MODULES | {"connectors"})
    }
    assert offenders == {}


#: Modules that only training, evaluation, the demo or benchmarks use: the wheel ships them (the
#: ``train`` extra and ``demo`` need them), but nothing that serves imports them.
OFF_THE_SERVING_PATH = (
    "classifiers.training",
    "classifiers.datasets",
    "classifiers.evaluation",
    "classifiers.baseline",
    "classifiers.calibration",
    "classifiers.logs.generator",
    "classifiers.logs.payloads",
    "classifiers.logs.campaigns",
    "classifiers.logs.dataset",
    "classifiers.logs.training",
    "classifiers.logs.evaluation",
    "classifiers.logs.template_evaluation",
    "classifiers.logs.web_evaluation",
    "classifiers.logs.model_card",
    "stream.demo",
)
#: Third-party and dev-only roots that serving never needs (``onnx`` is the exporter, not the
#: ONNX Runtime): ``benches`` and ``tests`` are not even in the wheel.
NEVER_SERVING = {
    "torch",
    "transformers",
    "sklearn",
    "onnx",
    "matplotlib",
    "faker",
    "benches",
    "tests",
}


def _off_path(module: str) -> bool:
    return module.split(".", maxsplit=1)[0] in NEVER_SERVING or any(
        module == name or module.startswith(name + ".") for name in OFF_THE_SERVING_PATH
    )


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def module_level_imports(package: str, *, lazy: bool = False) -> dict[str, set[str]]:
    """Modules imported at module level (``lazy``: also inside functions, where commands
    import what only they need)."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        names: set[str] = set()
        for node in ast.walk(tree) if lazy else tree.body:
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
        found[_module_name(path)] = names
    return found


@pytest.mark.parametrize("package", ["stream", "classifiers", "connectors"])
def test_serving_modules_import_no_training_generator_bench_or_double(package: str) -> None:
    offenders = {
        module: sorted(name for name in names if _off_path(name))
        for module, names in module_level_imports(package).items()
        if not _off_path(module) and any(_off_path(name) for name in names)
    }
    assert offenders == {}


def test_the_product_packages_hold_no_test_double_or_bench_harness() -> None:
    """Doubles live in tests/doubles, harnesses in benches/ (stream/cli/bench.py only holds the
    ``bench`` commands, which load the harnesses from there)."""
    stray = [
        str(path.relative_to(ROOT))
        for package in ("stream", "classifiers", "connectors")
        for pattern in ("*test*.py", "*bench*.py")
        for path in (ROOT / package).rglob(pattern)
        if path != ROOT / "stream" / "cli" / "bench.py"
    ]
    assert stray == []


def test_the_serving_commands_load_no_training_code_torch_or_doubles() -> None:
    """The CLI, the worker and its loaded components, in a fresh interpreter."""
    script = (
        "import sys, stream.cli, stream.worker, stream.app\n"
        "from stream.cli import bench, harness\n"
        "from stream.components import load_components\n"
        "from stream.config import Settings\n"
        "load_components(Settings())\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOGWARDEN_")}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120, check=True,
    )  # fmt: skip
    loaded = done.stdout.split()
    assert "classifiers.logs.scoring" in loaded  # the serving path was really loaded
    assert [name for name in loaded if _off_path(name)] == []


def test_no_import_cycles() -> None:
    """Modules of the three packages import each other in one direction only; an import
    inside a function counts too (it only hides a cycle from the interpreter)."""
    graph: dict[str, set[str]] = {}
    for package in ("stream", "classifiers", "connectors"):
        graph.update(module_level_imports(package, lazy=True))

    def target(name: str) -> str | None:
        """The module an imported name lives in (``from a.b import c``: ``a.b.c`` or ``a.b``)."""
        if name in graph:
            return name
        parent = name.rsplit(".", 1)[0]
        return parent if parent in graph else None

    # A module's own parent packages are initialised before it anyway: not an edge.
    edges = {
        module: {
            t for t in map(target, names) if t is not None and not f"{module}.".startswith(f"{t}.")
        }
        for module, names in graph.items()
    }
    cycles: set[tuple[str, ...]] = set()

    def visit(module: str, path: list[str]) -> None:
        for target in edges[module]:
            if target in path:
                cycle = path[path.index(target) :]
                start = cycle.index(min(cycle))
                cycles.add(tuple(cycle[start:] + cycle[:start]))
            elif len(path) < 12:
                visit(target, [*path, target])

    for module in edges:
        visit(module, [module])
    assert cycles == set()


def test_operational_labels_are_taxonomy_labels() -> None:
    assert OPERATIONAL_LABELS.issubset(LABELS)
