#!/usr/bin/env bash
# Create the isolated checkov environment the Helm chart tests scan with.
#
# checkov pins an old `packaging` that conflicts with pytest, so it lives in its own
# virtual environment at <repo>/.venv-checkov (git-ignored by `.venv*/`). Idempotent:
# does nothing when .venv-checkov/bin/checkov already runs.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
venv="${CHECKOV_VENV:-$repo_root/.venv-checkov}"
python="${PYTHON:-python3}"

if "$venv/bin/checkov" --version >/dev/null 2>&1; then
    echo "checkov $("$venv/bin/checkov" --version) ready in $venv"
    exit 0
fi

"$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --upgrade pip
"$venv/bin/pip" install --quiet "checkov>=3.2,<4"
echo "checkov $("$venv/bin/checkov" --version) installed in $venv"
