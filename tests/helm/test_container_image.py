"""The Dockerfile matches the chart and the settings contract (no Docker engine here).

The image cannot be built on this machine, so these tests read the Dockerfile and
rebuild the one thing it installs: the project wheel from the files the build stage
copies. That wheel must carry the console script and every shipped model file.
"""

from __future__ import annotations

import contextlib
import fnmatch
import json
import re
import shlex
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from stream.config import Settings
from tests.helm.rendering import REPO_ROOT, chart_defaults, settings_env_names

DOCKERFILE = REPO_ROOT / "Dockerfile"
DOCKERIGNORE = REPO_ROOT / ".dockerignore"
COMPILERS = ("build-essential", "gcc", "g++", "clang", "make")


@dataclass
class Stage:
    """One FROM section of the Dockerfile: its base image and instructions."""

    base: str
    name: str
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def values(self, keyword: str) -> list[str]:
        return [argument for word, argument in self.instructions if word == keyword]


def parse_dockerfile() -> list[Stage]:
    """Stages with line continuations joined and ${ARG} defaults substituted."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    args: dict[str, str] = {}
    stages: list[Stage] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, argument = line.partition(" ")
        keyword = keyword.upper()
        if keyword == "ARG" and "=" in argument:
            name, _, default = argument.partition("=")
            args.setdefault(name.strip(), default.strip())
        argument = re.sub(r"\$\{(\w+)\}", lambda m: args.get(m.group(1), m.group(0)), argument)
        if keyword == "FROM":
            parts = argument.split()
            stages.append(Stage(base=parts[0], name=parts[-1] if "AS" in line.upper() else ""))
        elif stages:
            stages[-1].instructions.append((keyword, argument))
    return stages


def test_multi_stage_slim_python_311_base() -> None:
    stages = parse_dockerfile()
    assert len(stages) >= 2
    assert all(re.fullmatch(r"python:3\.11-slim(-\w+)?", stage.base) for stage in stages)
    build, runtime = stages[0], stages[-1]
    assert any(c in run for run in build.values("RUN") for c in COMPILERS)
    runtime_runs = " ".join(runtime.values("RUN"))
    assert not any(re.search(rf"\b{re.escape(c)}\b", runtime_runs) for c in COMPILERS)
    assert "apt-get install" not in runtime_runs
    assert any(value.startswith(f"--from={build.name} ") for value in runtime.values("COPY"))


def test_runtime_user_is_the_charts_fixed_non_root_uid() -> None:
    runtime = parse_dockerfile()[-1]
    (user,) = runtime.values("USER")
    uid, gid = (int(part) for part in user.split(":"))
    pod = chart_defaults()["podSecurityContext"]
    assert uid > 0
    assert (uid, gid) == (pod["runAsUser"], pod["runAsGroup"])


def test_entrypoint_runs_the_worker_without_healthcheck() -> None:
    runtime = parse_dockerfile()[-1]
    assert runtime.values("ENTRYPOINT") == ['["logwarden"]']
    assert runtime.values("CMD") == ['["run"]']
    assert not [stage for stage in parse_dockerfile() if stage.values("HEALTHCHECK")]
    assert runtime.values("EXPOSE") == [str(Settings.model_fields["web_port"].default)]


def test_image_environment_uses_settings_names_and_chart_paths() -> None:
    runtime = parse_dockerfile()[-1]
    env: dict[str, str] = {}
    for argument in runtime.values("ENV"):
        for pair in shlex.split(argument):
            name, _, value = pair.partition("=")
            env[name] = value
    logwarden_env = {name for name in env if name.startswith("LOGWARDEN_")}
    assert logwarden_env
    assert logwarden_env <= set(settings_env_names())
    settings = chart_defaults()["settings"]
    assert env["LOGWARDEN_STATE_DIR"] == settings["state_dir"]
    assert runtime.values("WORKDIR") == [settings["state_dir"]]


def copied_sources() -> list[str]:
    """Paths the build stage copies from the build context."""
    build = parse_dockerfile()[0]
    sources: list[str] = []
    for argument in build.values("COPY"):
        *parts, _destination = argument.split()
        sources.extend(part for part in parts if not part.startswith("--"))
    return sources


def ignored(path: str, patterns: list[str]) -> bool:
    """Docker's rule in short: the last matching pattern wins, '!' re-includes."""
    result = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        bare = pattern.lstrip("!").rstrip("/")
        candidates = [bare, bare.removeprefix("**/")]
        prefixes = [path, *(str(parent) for parent in Path(path).parents if str(parent) != ".")]
        if any(fnmatch.fnmatch(p, c) for p in prefixes for c in candidates) or (
            bare.startswith("**/") and fnmatch.fnmatch(Path(path).name, bare[3:])
        ):
            result = not negated
    return result


def test_dockerignore_keeps_everything_the_build_copies() -> None:
    patterns = [
        line.strip()
        for line in DOCKERIGNORE.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert ignored(".git/config", patterns)
    assert ignored(".venv/bin/python", patterns)
    assert ignored("classifiers/__pycache__/x.pyc", patterns)
    for source in copied_sources():
        root = REPO_ROOT / source
        files = [root] if root.is_file() else [p for p in root.rglob("*") if p.is_file()]
        for path in files:
            relative = str(path.relative_to(REPO_ROOT))
            if "__pycache__" in relative:
                continue
            if path.suffix in (".onnx", ".json", ".txt", ".py"):
                assert not ignored(relative, patterns), f".dockerignore drops {relative}"


@pytest.fixture(scope="module")
def built_wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    """The wheel `pip install .` builds from exactly the files the build stage copies."""
    context = tmp_path_factory.mktemp("context")
    for source in copied_sources():
        origin = REPO_ROOT / source
        if origin.is_dir():
            shutil.copytree(origin, context / source, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            (context / source).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(origin, context / source)
    wheels = tmp_path_factory.mktemp("wheels")
    subprocess.run(
        [
            *(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"),
            *("-q", "-w", str(wheels), str(context)),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    (wheel,) = wheels.glob("logwarden-*.whl")
    return zipfile.ZipFile(wheel)


def test_wheel_has_the_console_script_and_no_torch(built_wheel: zipfile.ZipFile) -> None:
    names = built_wheel.namelist()
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "logwarden = stream.cli:main" in built_wheel.read(entry_points).decode()
    metadata = built_wheel.read(next(n for n in names if n.endswith(".dist-info/METADATA")))
    core = [
        line
        for line in metadata.decode().splitlines()
        if line.startswith("Requires-Dist:") and "extra ==" not in line
    ]
    assert core
    assert not [line for line in core if re.search(r"\b(torch|transformers)\b", line)]


def test_shipped_models_are_baked_into_the_image(built_wheel: zipfile.ZipFile) -> None:
    models = REPO_ROOT / "classifiers" / "models"
    shipped = [p for p in models.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    if not shipped:
        pytest.skip("no shipped models under classifiers/models yet")
    in_wheel = set(built_wheel.namelist())
    missing = [str(p.relative_to(REPO_ROOT)) for p in shipped]
    missing = [name for name in missing if name not in in_wheel]
    assert not missing, f"model files pip install . would leave out of the image: {missing}"


# Modules `logwarden run` loads beyond what the interpreter itself started with (.pth hooks).
IMPORT_PROBE = """
import json, sys
before = {name.split(".")[0] for name in sys.modules}
import stream.cli, stream.worker
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules} - before)))
"""


def core_closure() -> set[str]:
    """Distributions `pip install .` brings: core dependencies and theirs, no extras."""
    from importlib import metadata

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    pending = [Requirement(spec) for spec in metadata.requires("logwarden") or []]
    seen: set[str] = set()
    while pending:
        requirement = pending.pop()
        marker = requirement.marker
        if marker is not None and not marker.evaluate({"extra": ""}):
            continue
        name = canonicalize_name(requirement.name)
        if name in seen:
            continue
        seen.add(name)
        with contextlib.suppress(metadata.PackageNotFoundError):
            pending.extend(Requirement(spec) for spec in metadata.requires(name) or [])
    return seen


def test_worker_imports_only_core_dependencies() -> None:
    """The image has no train extra, so `logwarden run` must not import from it."""
    from importlib import metadata

    from packaging.utils import canonicalize_name

    completed = subprocess.run(
        [sys.executable, "-c", IMPORT_PROBE],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    imported = set(json.loads(completed.stdout.strip().splitlines()[-1]))
    allowed = core_closure() | {"logwarden"}
    owners = metadata.packages_distributions()
    outside = {
        module: owners[module]
        for module in imported
        if module in owners and not {canonicalize_name(dist) for dist in owners[module]} & allowed
    }
    assert not outside, f"serving imports modules outside the core dependencies: {outside}"
