"""Opt-in mypyc build of the log parser; all package metadata lives in pyproject.toml.

``LOGWARDEN_COMPILE_PARSER=1 pip install .`` (or ``pip wheel .``) compiles the parsing modules
to C extensions (about a third more lines per CPU-second). Without the variable, and always for
editable installs, the package stays plain Python: compiled ``.so`` files next to the sources
would shadow edits.
"""

import os
import sys

from setuptools import setup

# The modules of classifiers/parsing that mypyc compiles (bench.py and __init__.py stay Python).
PARSER_MODULES = (
    "events",
    "options",
    "timeparse",
    "fields",
    "scrubbing",
    "auth",
    "cef",
    "syslog",
    "access",
    "jsonfmt",
    "loghub",
    "registry",
    "core",
)
EDITABLE_COMMANDS = {"develop", "editable_wheel"}


def compile_parser() -> bool:
    """True when the compiled build was asked for and this is not an editable install."""
    if os.environ.get("LOGWARDEN_COMPILE_PARSER") != "1":
        return False
    if EDITABLE_COMMANDS.intersection(sys.argv[1:]):
        print("LOGWARDEN_COMPILE_PARSER ignored: editable installs stay plain", file=sys.stderr)
        return False
    return True


if compile_parser():
    from mypyc.build import mypycify

    # No config file: the project's mypy config loads the pydantic plugin, absent in an isolated
    # build environment, and third-party imports (orjson, ahocorasick) are only typed as Any there.
    paths = [f"classifiers/parsing/{name}.py" for name in PARSER_MODULES]
    setup(ext_modules=mypycify(["--config-file=", "--ignore-missing-imports", *paths]))
else:
    setup()
