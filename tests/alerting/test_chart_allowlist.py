"""The chart's allow-list ConfigMap is a file the worker's AllowList loads, mounted where
LOGWARDEN_ALERT_ALLOWLIST_PATH points."""

from __future__ import annotations

from pathlib import Path

from classifiers.alerting import AllowList
from tests.alerting.signals import failure
from tests.helm.rendering import render_all


def test_the_rendered_allowlist_loads_and_is_mounted_where_the_setting_points(
    tmp_path: Path,
) -> None:
    entries = [{"name": "scanner", "cidr": "10.20.0.0/16", "expires": "2099-01-01"}]
    docs = render_all({"alerting": {"allowlist": entries}})
    maps = {d["metadata"]["name"]: d["data"] for d in docs if d["kind"] == "ConfigMap"}
    allow = next(data for name, data in maps.items() if name.endswith("-allowlist"))
    path = next(
        data["LOGWARDEN_ALERT_ALLOWLIST_PATH"]
        for data in maps.values()
        if "LOGWARDEN_ALERT_ALLOWLIST_PATH" in data
    )
    worker = next(d for d in docs if d["kind"] == "Deployment")["spec"]["template"]["spec"]
    mounts = [m for c in worker["containers"] for m in c["volumeMounts"]]
    assert {"name": "allowlist", "mountPath": str(Path(path).parent), "readOnly": True} in mounts
    file = tmp_path / Path(path).name
    file.write_text(allow[Path(path).name], encoding="utf-8")
    allowlist = AllowList.load(file)
    assert allowlist.signal_exception(failure(0, "10.20.3.4")) == "scanner"
    assert allowlist.signal_exception(failure(0, "10.21.3.4")) is None


def test_no_allowlist_renders_nothing() -> None:
    docs = render_all({})
    assert not any(d["metadata"]["name"].endswith("-allowlist") for d in docs)
    config = next(d for d in docs if d["kind"] == "ConfigMap")["data"]
    assert "LOGWARDEN_ALERT_ALLOWLIST_PATH" not in config
