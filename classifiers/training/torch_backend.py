"""The torch logit backend: a model directory's fp32 weights (``model.pt``) on CPU or GPU.

Part of the ``train`` extra: it rebuilds the network from the training code's definitions.
Serving loads it only when ``model_backend=torch`` is configured.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch

from classifiers.runtime.bundle import TORCH_FILE, ModelMetadata, require_file
from classifiers.training.modeling import rebuild


class TorchBackend:
    """The fp32 torch weights (``model.pt``), on ``device`` (e.g. ``cuda``) if given."""

    def __init__(
        self, directory: Path, metadata: ModelMetadata, threads: int = 2, device: str = "cpu"
    ):
        torch.set_num_threads(threads)
        # One call at a time: torch already spreads a call over its threads (or the GPU).
        self.parallel_calls = 1
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
