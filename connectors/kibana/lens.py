"""Lens visualisation state (the ``formBased`` datasource) for each panel kind.

One layer per visualisation; column ids are fixed names so the generated NDJSON is stable
from run to run and diffs stay readable.
"""

from __future__ import annotations

from typing import Any

from connectors.kibana.panels import (
    Distribution,
    LatestValue,
    LensPanel,
    OverTime,
    Share,
    TopValues,
)

LAYER_ID = "layer1"
COUNT = "count"


def layer_reference_name(layer_id: str = LAYER_ID) -> str:
    """The reference name Lens resolves a layer's data view through."""
    return f"indexpattern-datasource-layer-{layer_id}"


def _column(
    label: str,
    data_type: str,
    operation: str,
    field: str,
    *,
    bucketed: bool,
    scale: str,
    params: dict[str, Any],
) -> dict[str, Any]:
    return {
        "label": label,
        "dataType": data_type,
        "operationType": operation,
        "sourceField": field,
        "isBucketed": bucketed,
        "scale": scale,
        "params": params,
    }


def _count() -> dict[str, Any]:
    return _column(
        "Count of records",
        "number",
        "count",
        "___records___",
        bucketed=False,
        scale="ratio",
        params={"emptyAsNull": True},
    )


def _date_histogram(field: str) -> dict[str, Any]:
    params = {"interval": "auto", "includeEmptyRows": True, "dropPartials": False}
    return _column(
        field, "date", "date_histogram", field, bucketed=True, scale="interval", params=params
    )


def _terms(field: str, size: int) -> dict[str, Any]:
    params = {
        "size": size,
        "orderBy": {"type": "column", "columnId": COUNT},
        "orderDirection": "desc",
        "otherBucket": True,
        "missingBucket": False,
        "parentFormat": {"id": "terms"},
    }
    label = f"Top {size} values of {field}"
    return _column(label, "string", "terms", field, bucketed=True, scale="ordinal", params=params)


def _histogram(field: str) -> dict[str, Any]:
    params = {
        "type": "histogram",
        "maxBars": "auto",
        "includeEmptyRows": True,
        "ranges": [{"from": 0, "to": 1000, "label": ""}],
    }
    return _column(field, "number", "range", field, bucketed=True, scale="interval", params=params)


def _last_value(field: str, sort_field: str) -> dict[str, Any]:
    params = {"sortField": sort_field, "showArrayValues": True}
    column = _column(
        f"Last value of {field}",
        "string",
        "last_value",
        field,
        bucketed=False,
        scale="ordinal",
        params=params,
    )
    column["filter"] = {"query": f'"{field}": *', "language": "kuery"}
    return column


def _xy(columns: dict[str, Any], x: str, series: str, split: str | None) -> dict[str, Any]:
    layer: dict[str, Any] = {
        "layerId": LAYER_ID,
        "layerType": "data",
        "accessors": [COUNT],
        "position": "top",
        "seriesType": series,
        "showGridlines": False,
        "xAccessor": x,
    }
    if split:
        layer["splitAccessor"] = split
    visualization = {
        "legend": {"isVisible": True, "position": "right"},
        "valueLabels": "hide",
        "fittingFunction": "None",
        "preferredSeriesType": series,
        "layers": [layer],
    }
    return _state(columns, visualization)


def _state(columns: dict[str, Any], visualization: dict[str, Any]) -> dict[str, Any]:
    return {
        "datasourceStates": {
            "formBased": {
                "layers": {
                    LAYER_ID: {
                        "columns": columns,
                        "columnOrder": list(columns),
                        "incompleteColumns": {},
                    }
                }
            }
        },
        "visualization": visualization,
    }


def visualization(panel: LensPanel) -> tuple[str, dict[str, Any]]:
    """``(visualizationType, state without query/filters)`` for one panel."""
    if isinstance(panel, OverTime):
        time_field = panel.time_field or panel.data_view.time_field
        columns: dict[str, Any] = {}
        if panel.breakdown:
            columns["breakdown"] = _terms(panel.breakdown, panel.size)
        columns["time"] = _date_histogram(time_field)
        columns[COUNT] = _count()
        split = "breakdown" if panel.breakdown else None
        return "lnsXY", _xy(columns, "time", panel.chart, split)
    if isinstance(panel, TopValues):
        columns = {"values": _terms(panel.field, panel.size), COUNT: _count()}
        return "lnsXY", _xy(columns, "values", "bar_horizontal", None)
    if isinstance(panel, Distribution):
        columns = {"bins": _histogram(panel.field), COUNT: _count()}
        return "lnsXY", _xy(columns, "bins", "bar", None)
    if isinstance(panel, Share):
        columns = {"slices": _terms(panel.field, 10), COUNT: _count()}
        pie = {
            "shape": "donut",
            "layers": [
                {
                    "layerId": LAYER_ID,
                    "layerType": "data",
                    "primaryGroups": ["slices"],
                    "metrics": [COUNT],
                    "numberDisplay": "percent",
                    "categoryDisplay": "default",
                    "legendDisplay": "default",
                    "nestedLegend": False,
                }
            ],
        }
        return "lnsPie", _state(columns, pie)
    if isinstance(panel, LatestValue):
        columns = {"latest": _last_value(panel.field, panel.data_view.time_field)}
        metric = {"layerId": LAYER_ID, "layerType": "data", "metricAccessor": "latest"}
        return "lnsMetric", _state(columns, metric)
    raise TypeError(f"not a Lens panel: {panel!r}")
