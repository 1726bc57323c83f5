"""Search of the Elasticsearch test double: hits, sorting, paging, point in time and scroll.

Implements the paging rules exports depend on: ``from + size`` may not pass the
10,000-hit result window, ``search_after`` needs a sort, a point in time freezes the
documents it saw and adds the implicit ``_shard_doc`` tie-breaker, and a scroll walks a
frozen result list page by page.
"""

from __future__ import annotations

import base64
import copy
import fnmatch
import functools
import secrets
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from connectors.es_mappings import flatten_document
from tests.doubles.es_aggs import Doc, aggregate
from tests.doubles.es_query import compile_query, sort_value
from tests.doubles.es_store import EsError, IndexState, StoredDocument, as_list

MAX_RESULT_WINDOW = 10_000
TRACK_TOTAL_HITS_DEFAULT = 10_000
SortSpec = list[tuple[str, str]]


@dataclass
class Candidate:
    """A document a search may return, with the index it belongs to."""

    index: IndexState
    doc: StoredDocument


def visible_candidates(indices: list[IndexState]) -> list[Candidate]:
    """Refreshed documents of ``indices`` in indexing order."""
    return [
        Candidate(index, doc)
        for index in indices
        for doc in sorted(index.docs.values(), key=lambda d: d.seq_no)
        if doc.visible
    ]


def _new_id() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(24)).decode()


@dataclass
class SearchContexts:
    """Open points in time (frozen documents) and scrolls (frozen remaining hits)."""

    pits: dict[str, list[Candidate]] = field(default_factory=dict)
    scrolls: dict[str, tuple[list[dict[str, Any]], int, int]] = field(default_factory=dict)

    def open_pit(self, candidates: list[Candidate]) -> str:
        """Freeze ``candidates``; the id a search passes as ``pit.id``."""
        pit_id = _new_id()
        self.pits[pit_id] = [Candidate(c.index, copy.copy(c.doc)) for c in candidates]
        return pit_id

    def close_pit(self, pit_id: str) -> bool:
        return self.pits.pop(pit_id, None) is not None

    def pit(self, pit_id: str) -> list[Candidate]:
        if pit_id not in self.pits:
            raise EsError(
                404,
                "search_context_missing_exception",
                f"No search context found for id [{pit_id}]",
            )
        return self.pits[pit_id]

    def next_scroll_page(self, scroll_id: str) -> dict[str, Any]:
        """The next page of an open scroll, as a search response."""
        if scroll_id not in self.scrolls:
            raise EsError(
                404,
                "search_context_missing_exception",
                f"No search context found for id [{scroll_id}]",
            )
        remaining, size, total = self.scrolls[scroll_id]
        self.scrolls[scroll_id] = (remaining[size:], size, total)
        return _response(
            remaining[:size], total_hits(total, True), sorted_=True, extra={"_scroll_id": scroll_id}
        )

    def clear_scrolls(self, scroll_ids: list[str]) -> int:
        return sum(self.scrolls.pop(i, None) is not None for i in scroll_ids)

    def search(
        self,
        candidates: list[Candidate],
        body: Mapping[str, Any],
        params: Mapping[str, str],
    ) -> dict[str, Any]:
        """A ``_search`` response for ``body`` over ``candidates``."""
        pit = body.get("pit")
        size = int(params.get("size", body.get("size", 10)))
        offset = int(params.get("from", body.get("from", 0)))
        scroll = params.get("scroll")
        if not scroll and offset + size > MAX_RESULT_WINDOW:
            raise EsError(
                400,
                "illegal_argument_exception",
                "Result window is too large, from + size must be less than or equal to: "
                f"[{MAX_RESULT_WINDOW}] but was [{offset + size}]. See the scroll api for a "
                "more efficient way to request large data sets.",
            )
        sort = sort_spec(body.get("sort"), with_pit=pit is not None)
        hits = matching_hits(candidates, body.get("query"), sort, body.get("_source", True))
        if body.get("search_after") is not None:
            if not sort:
                raise EsError(
                    400, "illegal_argument_exception", "Sort must contain at least one field."
                )
            after = list(body["search_after"])
            hits = [h for h in hits if compare_sort(h["sort"], after, sort) > 0]
        extra: dict[str, Any] = {}
        if scroll:
            scroll_id = _new_id()
            self.scrolls[scroll_id] = (hits[size:], size, len(hits))
            extra["_scroll_id"] = scroll_id
            page = hits[:size]
        else:
            page = hits[offset : offset + size]
        if pit is not None:
            extra["pit_id"] = pit["id"]
        aggs = body.get("aggs") or body.get("aggregations")
        if aggs:
            matched = matching_documents(candidates, body.get("query"))
            extra["aggregations"] = aggregate(aggs, matched)
        total = total_hits(len(hits), body.get("track_total_hits"))
        return _response(page, total, sorted_=bool(sort), extra=extra)


def _response(
    page: list[dict[str, Any]], total: dict[str, Any], *, sorted_: bool, extra: dict[str, Any]
) -> dict[str, Any]:
    return {
        "took": 1,
        "timed_out": False,
        "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
        **extra,
        "hits": {
            **total,
            "max_score": None if sorted_ or not page else 1.0,
            "hits": page,
        },
    }


def total_hits(total: int, track: Any) -> dict[str, Any]:
    """The ``total`` object, capped at 10,000 (``gte``) unless ``track_total_hits`` is true."""
    if track is False:
        return {}
    limit = None if track is True else TRACK_TOTAL_HITS_DEFAULT if track is None else int(track)
    if limit is not None and total > limit:
        return {"total": {"value": limit, "relation": "gte"}}
    return {"total": {"value": total, "relation": "eq"}}


def sort_spec(raw: Any, *, with_pit: bool) -> SortSpec:
    """``[(field, order), ...]``; a point in time gets the implicit ``_shard_doc`` tie-breaker."""
    spec: SortSpec = []
    for item in as_list(raw):
        if isinstance(item, str):
            spec.append((item, "desc" if item == "_score" else "asc"))
        else:
            name, order = next(iter(item.items()))
            spec.append((name, order if isinstance(order, str) else order.get("order", "asc")))
    if with_pit and spec and all(name != "_shard_doc" for name, _ in spec):
        spec.append(("_shard_doc", "asc"))
    return spec


def matching_documents(candidates: list[Candidate], query: Mapping[str, Any] | None) -> list[Doc]:
    """``(_id, _source, field types)`` of every candidate ``query`` matches, in order."""
    return [(c.doc.id, c.doc.source, types) for c, types in _matching(candidates, query)]


def _matching(
    candidates: list[Candidate], query: Mapping[str, Any] | None
) -> Iterator[tuple[Candidate, Mapping[str, str]]]:
    compiled: dict[str, tuple[Mapping[str, str], Callable[[str, Mapping[str, Any]], bool]]] = {}
    for candidate in candidates:
        if candidate.index.name not in compiled:
            index_types = candidate.index.field_types()
            compiled[candidate.index.name] = (index_types, compile_query(query, index_types))
        types, predicate = compiled[candidate.index.name]
        if predicate(candidate.doc.id, candidate.doc.source):
            yield candidate, types


def matching_hits(
    candidates: list[Candidate],
    query: Mapping[str, Any] | None,
    sort: SortSpec,
    source_filter: Any,
) -> list[dict[str, Any]]:
    """Hits of the documents ``query`` matches, sorted by ``sort``."""
    hits: list[dict[str, Any]] = []
    for candidate, types in _matching(candidates, query):
        hit: dict[str, Any] = {
            "_index": candidate.index.backing_index,
            "_id": candidate.doc.id,
            "_score": None if sort else 1.0,
        }
        if source_filter is not False:
            hit["_source"] = filter_source(candidate.doc.source, source_filter)
        if sort:
            hit["sort"] = [_sort_key(candidate, name, types) for name, _ in sort]
        hits.append(hit)
    if sort:
        hits.sort(key=functools.cmp_to_key(lambda a, b: compare_sort(a["sort"], b["sort"], sort)))
    return hits


def _sort_key(candidate: Candidate, name: str, types: Mapping[str, str]) -> Any:
    if name in ("_shard_doc", "_doc"):
        return candidate.doc.seq_no
    if name == "_score":
        return 1.0
    return sort_value(candidate.doc.source, name, types)


def compare_sort(left: list[Any], right: list[Any], spec: SortSpec) -> int:
    """Compare two ``sort`` value lists; missing values sort last in either order."""
    for a, b, (_, order) in zip(left, right, spec, strict=False):
        if a == b:
            continue
        if a is None:
            return 1
        if b is None:
            return -1
        try:
            smaller = a < b
        except TypeError:
            smaller = str(a) < str(b)
        result = -1 if smaller else 1
        return -result if order == "desc" else result
    return 0


def filter_source(source: dict[str, Any], source_filter: Any) -> dict[str, Any]:
    """``_source`` reduced to the included fields (``true``/``None`` keeps everything)."""
    if source_filter is True or source_filter is None:
        return source  # stored sources are replaced on write, never changed in place
    includes = as_list(
        source_filter.get("includes") if isinstance(source_filter, dict) else source_filter
    )
    kept: dict[str, Any] = {}
    for path, value in flatten_document(source):
        if not any(
            path == inc or path.startswith(f"{inc}.") or fnmatch.fnmatchcase(path, inc)
            for inc in includes
        ):
            continue
        node = kept
        *parents, leaf = path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = [*as_list(node[leaf]), value] if leaf in node else value
    return kept
