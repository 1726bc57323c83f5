"""ONNX export of an encoder classifier and ONNX Runtime dynamic int8 quantisation."""

from __future__ import annotations

import warnings
from pathlib import Path

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
