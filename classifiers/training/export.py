"""ONNX export of an encoder classifier and ONNX Runtime dynamic int8 quantisation."""

from __future__ import annotations

import math
import warnings
from pathlib import Path
from typing import Any

import torch
from torch import nn

INPUT_NAMES = ["input_ids", "attention_mask"]
OUTPUT_NAME = "logits"


def export_onnx(model: nn.Module, path: Path, opset: int = 17) -> Path:
    """Write ``model`` as ONNX with dynamic batch and sequence axes."""
    model.eval()
    example = (
        torch.ones((2, 8), dtype=torch.long),
        torch.ones((2, 8), dtype=torch.long),
    )
    axes = {0: "batch", 1: "sequence"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model,
            example,
            str(path),
            input_names=INPUT_NAMES,
            output_names=[OUTPUT_NAME],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, OUTPUT_NAME: {0: "batch"}},
            opset_version=opset,
            dynamo=False,
        )
    return path


def quantize_int8(source: Path, target: Path) -> Path:
    """Dynamic (weight-only, activations at run time) int8 quantisation with ONNX Runtime."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8)
    return target


#: Logits of slack added to every margin bound for the int8 head's rounding (the bound itself is
#: exact for the fp32 weights; on the shipped log model the int8 margins differ from fp32 by at
#: most 0.46 on 3,738 bench texts, and tests check the bound against the shipped int8 model).
INT8_MARGIN_SLACK = 1.0


def transformer_margin_bounds(
    model: nn.Module, slack: float = INT8_MARGIN_SLACK
) -> list[list[float]]:
    """``bounds[i][j]``: the most the transformer's logit ``j`` can exceed its logit ``i``, for
    any input at all.

    Why it holds: the head reads the masked mean of the last LayerNorm's outputs
    ``gamma * x_hat + beta``, where ``|x_hat| <= sqrt(hidden)`` (unit variance). So with
    ``d = W_j - W_i``, ``logit_j - logit_i <= |d * gamma| sqrt(hidden) + d . beta + b_j - b_i``,
    a mean of vectors obeying a linear bound obeying it too. The runtime uses the bounds to skip
    the transformer on texts whose lexical scores alone already settle the outcome.
    """
    classifier: Any = model  # an EncoderClassifier around a transformers BertModel
    norm = classifier.encoder.encoder.layer[-1].output.LayerNorm
    gamma, beta = norm.weight.detach().double(), norm.bias.detach().double()
    head = classifier.head
    weight, bias = head.weight.detach().double(), head.bias.detach().double()
    root_hidden = float(gamma.numel()) ** 0.5
    diff = weight[None, :, :] - weight[:, None, :]  # diff[i, j] = W_j - W_i
    bounds = (
        (diff * gamma).norm(dim=2) * root_hidden
        + diff @ beta
        + (bias[None, :] - bias[:, None])
        + slack
    )
    bounds.fill_diagonal_(0.0)
    # Rounded up, never down: the bounds are stored in metadata.json as 4-decimal numbers.
    return [[math.ceil(float(value) * 1e4) / 1e4 for value in row] for row in bounds]
