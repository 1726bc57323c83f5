"""Shipper envelopes: the line a shipper carries, and the metadata it adds around it.

Users ship logs with Filebeat/Elastic Agent, Vector, Fluent Bit/Fluentd or Logstash, or
read container runtimes' files (Docker ``json-file``, CRI). Each wraps the original line;
:func:`unwrap` hands the inner line back so the normal detectors parse it exactly as they
parse the raw line, and keeps the envelope's metadata as ECS fields (``host``, ``agent``,
``log.file.path``, ``container``, ``kubernetes``, ``data_stream``...) to merge afterwards.

Layouts recognised (field names as each shipper documents its output):

- Filebeat / Elastic Agent: ``@metadata.beat`` or ``agent.type`` of a Beat, ``message``.
- Logstash: ``@version`` and ``message`` (``host``/``path`` strings in legacy mode).
- Vector: ``source_type`` and ``message`` (``file``, ``host``, ``kubernetes.pod_*``).
- Fluent Bit / Fluentd: ``log`` (or the ``cri`` parser's ``message`` + ``logtag``) with
  ``kubernetes.pod_name``/``namespace_name``, ``docker.container_id``, ``@timestamp``/``date``.
- Docker ``json-file``: exactly ``log``, ``stream``, ``time`` (and ``attrs``).
- CRI (containerd, CRI-O): ``<RFC 3339 time> <stdout|stderr> <F|P> <line>``.

A JSON envelope may carry a CRI line (Fluent Bit ``tail`` without the ``cri`` parser): that
is unwrapped too, two levels at most.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import orjson

_CRI = re.compile(
    r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d)) (stdout|stderr) ([FP])"
    r"(?: (.*))?\Z",
    re.DOTALL,
)
# Kubelet's file names: /var/log/pods/<namespace>_<pod>_<uid>/<container>/<n>.log and the
# /var/log/containers/<pod>_<namespace>_<container>-<id>.log links to them.
_POD_DIR = re.compile(r"/var/log/pods/([^_/]+)_([^_/]+)_([^_/]+)/([^/]+)/\d+\.log(?:\.\S*)?\Z")
_CONTAINER_LINK = re.compile(r"/var/log/containers/([^_/]+)_([^_/]+)_(.+)-([0-9a-f]{64})\.log\Z")
#: Beats whose ``message`` is the line as read (Winlogbeat and Auditbeat send structured events).
_BEATS = frozenset({"filebeat", "elastic-agent", "journalbeat"})
_DOCKER_KEYS = frozenset({"log", "stream", "time", "attrs"})
_FLUENT_KEYS = frozenset({
    "log", "stream", "time", "@timestamp", "date", "kubernetes", "docker", "filename", "file",
    "logtag", "_p", "tag", "path",
})  # fmt: skip
#: Where Vector's ``kubernetes_logs`` source and Fluent Bit's ``kubernetes`` filter put the
#: pod facts (keys of :func:`_set_pod`).
_VECTOR_POD = {
    "namespace": "pod_namespace", "pod": "pod_name", "uid": "pod_uid",
    "container": "container_name", "node": "pod_node_name", "labels": "pod_labels",
    "image": "container_image", "container_id": "container_id", "pod_ip": "pod_ip",
}  # fmt: skip
_FLUENT_POD = {
    "namespace": "namespace_name", "pod": "pod_name", "uid": "pod_id",
    "container": "container_name", "node": "host", "labels": "labels",
    "image": "container_image", "container_id": "docker_id",
}  # fmt: skip
#: Envelope fields kept as they are: they already speak ECS (Filebeat, Elastic Agent).
#: ``data_stream`` is not among them: ours is a constant_keyword of the index, so the
#: shipper's goes to ``logwarden.envelope.data_stream``.
_ECS_KEPT = (
    "host",
    "agent",
    "container",
    "kubernetes",
    "cloud",
    "elastic_agent",
    "input",
    "fields",
)


@dataclass(slots=True)
class Envelope:
    """What was around the line: its shipper, time, and ECS metadata to merge."""

    format: str
    line: str
    time: str | float | None = None  # when the shipper read the line (RFC 3339 or epoch)
    meta: dict[str, Any] = field(default_factory=dict)
    stream: str | None = None
    partial: bool = False  # a CRI ``P`` record: the runtime split a long line here
    data_stream: dict[str, Any] | None = None  # Elastic Agent's, kept apart from ours

    def source(self) -> str:
        """What identifies where the line came from: its file, else its host, else ``""``."""
        log = self.meta.get("log")
        path = log.get("file", {}).get("path") if isinstance(log, dict) else None
        if isinstance(path, str):
            return path
        host = self.meta.get("host")
        name = host.get("name") or host.get("hostname") if isinstance(host, dict) else None
        return name if isinstance(name, str) else ""


def unwrap(text: str) -> Envelope | None:
    """The envelope of ``text`` with its inner line, or ``None`` for a line that has none."""
    first = text[:1]
    if first == "{":
        outer = _json_envelope(text)
        if outer is None:
            return None
        inner = _cri(outer.line) if outer.line[:1].isdigit() else None
        if inner is not None:  # a JSON envelope around a CRI line: both layers' metadata
            outer.line, outer.stream, outer.partial = inner.line, inner.stream, inner.partial
            outer.time = outer.time or inner.time
        return outer
    if first.isdigit():
        return _cri(text)
    return None


def _cri(text: str) -> Envelope | None:
    match = _CRI.match(text)
    if match is None:
        return None
    stamp, stream, tag, line = match.groups()
    return Envelope("cri", line or "", stamp, {}, stream, tag == "P")


def _json_envelope(text: str) -> Envelope | None:
    try:
        doc = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None  # the JSON parser reports it
    if not isinstance(doc, dict) or "winlog" in doc:  # Windows events are structured, not a line
        return None
    message = doc.get("message")
    if isinstance(message, str):
        return _message_envelope(doc, message)
    log = doc.get("log")
    if isinstance(log, str):
        keys = doc.keys()
        if keys <= _DOCKER_KEYS and isinstance(doc.get("stream"), str) and "time" in doc:
            return _docker(doc, log)
        if keys <= _FLUENT_KEYS:
            return _fluent(doc, log)
    return None


def _message_envelope(doc: dict[str, Any], message: str) -> Envelope | None:
    """The envelopes that carry the line in ``message``: Beats, Logstash, Vector, Fluent cri."""
    if isinstance(doc.get("@metadata"), dict) or _agent_type(doc) in _BEATS:
        return _beat(doc, message)
    if "@version" in doc:
        return _logstash(doc, message)
    if isinstance(doc.get("source_type"), str):
        return _vector(doc, message)
    if "logtag" in doc and doc.keys() <= _FLUENT_KEYS | {"message"}:
        return _fluent(doc, message)
    return None


def _agent_type(doc: dict[str, Any]) -> Any:
    agent = doc.get("agent")
    return agent.get("type") if isinstance(agent, dict) else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _line(message: str) -> str:
    """The inner line without the terminator the runtime or shipper kept (Docker keeps it)."""
    return message.rstrip("\r\n")


def _beat(doc: dict[str, Any], message: str) -> Envelope:
    meta = {key: doc[key] for key in _ECS_KEPT if isinstance(doc.get(key), dict | list)}
    log = doc.get("log")
    if isinstance(log, dict):
        kept = {key: log[key] for key in ("file", "offset") if key in log}
        if kept:
            meta["log"] = kept
    data_stream = doc.get("data_stream")
    name = "elastic-agent" if "elastic_agent" in doc or data_stream else "filebeat"
    _kubernetes_from_path(meta)
    found = Envelope(
        name, _line(message), _text(doc.get("@timestamp")), meta, _text(doc.get("stream"))
    )
    if isinstance(data_stream, dict):
        found.data_stream = data_stream
    return found


def _logstash(doc: dict[str, Any], message: str) -> Envelope:
    meta = {key: doc[key] for key in _ECS_KEPT if isinstance(doc.get(key), dict | list)}
    host = _text(doc.get("host"))
    if host is not None:
        meta["host"] = {"name": host}
    log = doc.get("log")
    if isinstance(log, dict) and isinstance(log.get("file"), dict):
        meta["log"] = {"file": log["file"]}
    elif _text(doc.get("path")) is not None:  # the file input's legacy field
        meta["log"] = {"file": {"path": doc["path"]}}
    _application_fields(doc, meta)
    _kubernetes_from_path(meta)
    return Envelope("logstash", _line(message), _text(doc.get("@timestamp")), meta)


def _application_fields(doc: dict[str, Any], meta: dict[str, Any]) -> None:
    """The level, logger and thread an application wrote beside its message in Logstash's
    event format (logstash-logback-encoder, Spring Boot's ``logstash`` structured logging,
    python-logstash): the line's own fields when the line itself names none."""
    level, logger, thread = (_text(doc.get(key)) for key in ("level", "logger_name", "thread_name"))
    if level is not None:
        meta.setdefault("log", {})["level"] = level.lower()
    if logger is not None:
        meta.setdefault("log", {})["logger"] = logger
    if thread is not None:
        meta["process"] = {"thread": {"name": thread}}


def _vector(doc: dict[str, Any], message: str) -> Envelope:
    meta: dict[str, Any] = {"agent": {"type": "vector"}}
    host = _text(doc.get("host"))
    if host is not None:
        meta["host"] = {"name": host}
    path = _text(doc.get("file"))
    if path is not None:
        meta["log"] = {"file": {"path": path}}
    pod = doc.get("kubernetes")
    if isinstance(pod, dict):
        _set_pod(meta, **{fact: pod.get(key) for fact, key in _VECTOR_POD.items()})
    elif _text(doc.get("container_id")) is not None:  # the docker_logs source
        _set_container(meta, doc.get("container_id"), doc.get("container_name"), doc.get("image"))
    else:
        _kubernetes_from_path(meta)
    stamp = _text(doc.get("timestamp"))
    return Envelope(
        f"vector:{doc['source_type']}", _line(message), stamp, meta, _text(doc.get("stream"))
    )


def _fluent(doc: dict[str, Any], line: str) -> Envelope:
    meta: dict[str, Any] = {"agent": {"type": "fluent"}}
    path = _text(doc.get("filename")) or _text(doc.get("file")) or _text(doc.get("path"))
    if path is not None:
        meta["log"] = {"file": {"path": path}}
    pod = doc.get("kubernetes")
    if isinstance(pod, dict):
        _set_pod(meta, **{fact: pod.get(key) for fact, key in _FLUENT_POD.items()})
    else:
        _kubernetes_from_path(meta)
    docker = doc.get("docker")
    if isinstance(docker, dict) and "container" not in meta:
        _set_container(meta, docker.get("container_id"), None, None)
    stamp: str | float | None = _text(doc.get("@timestamp")) or _text(doc.get("time"))
    if stamp is None and isinstance(doc.get("date"), int | float):  # json_date_key, epoch
        stamp = doc["date"]
    partial = doc.get("logtag") == "P" or doc.get("_p") == "P"  # cri parser, Fluent Bit
    return Envelope("fluent", _line(line), stamp, meta, _text(doc.get("stream")), partial)


def _docker(doc: dict[str, Any], line: str) -> Envelope:
    return Envelope("docker", _line(line), _text(doc.get("time")), {}, _text(doc.get("stream")))


def _set_container(meta: dict[str, Any], cid: Any, name: Any, image: Any) -> None:
    container: dict[str, Any] = {}
    if _text(cid) is not None:
        container["id"] = cid.rsplit("://", 1)[-1]  # "containerd://<id>" in Kubernetes
    if _text(name) is not None:
        container["name"] = name.lstrip("/")
    if _text(image) is not None:
        container["image"] = {"name": image}
    if container:
        meta["container"] = container


def _set_pod(
    meta: dict[str, Any], *, namespace: Any, pod: Any, uid: Any = None, container: Any = None,
    node: Any = None, labels: Any = None, image: Any = None, container_id: Any = None,
    pod_ip: Any = None,
) -> None:  # fmt: skip
    """Filebeat's ``kubernetes.*`` layout, whatever the shipper called the facts."""
    kube: dict[str, Any] = {}
    pod_fields = {k: v for k, v in (("name", pod), ("uid", uid), ("ip", pod_ip)) if _text(v)}
    if pod_fields:
        kube["pod"] = pod_fields
    if _text(namespace):
        kube["namespace"] = namespace
    if _text(node):
        kube["node"] = {"name": node}
    if _text(container):
        kube["container"] = {"name": container}
    if isinstance(labels, dict) and labels:
        kube["labels"] = labels
    if kube:
        meta["kubernetes"] = kube
    _set_container(meta, container_id, container, image)


def _kubernetes_from_path(meta: dict[str, Any]) -> None:
    """Pod facts from a kubelet log path, when the shipper sent nothing richer."""
    if "kubernetes" in meta:
        return
    log = meta.get("log")
    path = log.get("file", {}).get("path") if isinstance(log, dict) else None
    if not isinstance(path, str):
        return
    match = _POD_DIR.search(path)
    if match is not None:
        namespace, pod, uid, container = match.groups()
        _set_pod(meta, namespace=namespace, pod=pod, uid=uid, container=container)
        return
    match = _CONTAINER_LINK.search(path)
    if match is not None:
        pod, namespace, container, cid = match.groups()
        _set_pod(meta, namespace=namespace, pod=pod, container=container, container_id=cid)


def merge(event: dict[str, Any], meta: dict[str, Any]) -> None:
    """Add the envelope's fields the parsed line did not set itself (the line wins)."""
    for key, value in meta.items():
        mine = event.get(key)
        if mine is None:
            event[key] = value
        elif isinstance(mine, dict) and isinstance(value, dict):
            merge(mine, value)
