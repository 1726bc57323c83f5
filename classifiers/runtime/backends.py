"""Logit backends: ONNX Runtime on CPU (serving) and torch (GPU or checks), one interface.

Neither torch nor transformers is imported unless :class:`TorchBackend` is built.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

import numpy as np

from classifiers.runtime.bundle import TORCH_FILE, ModelMetadata, require_file


class LogitBackend(Protocol):
    def logits(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        """Raw class scores, shape (batch, n_labels)."""
        ...


class OnnxBackend:
    """ONNX Runtime CPU session with a fixed intra-op thread count."""

    def __init__(self, model_file: Path, threads: int = 2):
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Workers share their cores with Kafka clients and other workers: busy-waiting threads
        # burn CPU others need (measured here: about twice the wall-clock throughput without).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(
            str(model_file), options, providers=["CPUExecutionProvider"]
        )

    def logits(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        feeds = {"input_ids": input_ids, "attention_mask": attention_mask}
        return np.asarray(self.session.run(None, feeds)[0], dtype=np.float32)


class TorchBackend:
    """The fp32 torch weights (``model.pt``), on ``device`` (e.g. ``cuda``) if given."""

    def __init__(
        self, directory: Path, metadata: ModelMetadata, threads: int = 2, device: str = "cpu"
    ):
        import torch

        from classifiers.training.modeling import rebuild

        torch.set_num_threads(threads)
        self.torch: Any = torch
        self.device = device
        state = torch.load(require_file(directory, TORCH_FILE), map_location=device)
        self.model = rebuild(metadata.architecture, len(metadata.labels))
        self.model.load_state_dict(state)
        self.model.to(device).eval()

    def logits(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        with self.torch.inference_mode():
            out = self.model(
                self.torch.as_tensor(input_ids, device=self.device),
                self.torch.as_tensor(attention_mask, device=self.device),
            )
        return out.float().cpu().numpy()
