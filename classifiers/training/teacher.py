"""Fine-tune the MiniLM teacher once and keep its logits for distillation.

The teacher is the slow part on a CPU (~100 tickets/s forward), so its weights and its logits
on every split are stored in ``<work_dir>/teacher`` with a fingerprint of data, split and
settings; a rerun with the same fingerprint reuses them and an interrupted run resumes from its
checkpoint.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import torch

from classifiers.datasets import TaskSplit
from classifiers.runtime.batching import encode, load_tokenizer
from classifiers.training.loop import TrainConfig, predict_logits, train, training_hardware
from classifiers.training.modeling import build_teacher, minilm_dir

log = logging.getLogger(__name__)

HARDWARE_FILE = "hardware.txt"


def teacher_fingerprint(split: TaskSplit, config: TrainConfig, max_length: int) -> dict:
    return {
        "data_hash": split.train.data_hash,
        "sizes": split.describe(),
        "max_length": max_length,
        "config": config.result_settings(),
    }


def fine_tune_teacher(
    split: TaskSplit, folder: Path, config: TrainConfig, max_length: int
) -> torch.nn.Module:
    """Fine-tune MiniLM on the training split; weights land in ``folder/teacher.pt``."""
    tokenizer = load_tokenizer(minilm_dir() / "tokenizer.json", max_length)
    model = build_teacher(len(split.train.label_names))
    train(
        model,
        encode(tokenizer, split.train.texts),
        split.train.labels,
        config,
        checkpoint_dir=folder,
        description="teacher",
    )
    torch.save(model.state_dict(), folder / "teacher.pt")
    (folder / HARDWARE_FILE).write_text(training_hardware(config.device))
    return model


def teacher_hardware(work_dir: Path) -> str | None:
    """What fine-tuned the cached teacher (its logits may be reused on other hardware)."""
    path = work_dir / "teacher" / HARDWARE_FILE
    return path.read_text().strip() if path.is_file() else None


def teacher_logits(
    split: TaskSplit, work_dir: Path, config: TrainConfig, max_length: int = 128
) -> dict[str, np.ndarray]:
    """Logits of the fine-tuned teacher on train/val/test (trained now or reused)."""
    folder = work_dir / "teacher"
    folder.mkdir(parents=True, exist_ok=True)
    fingerprint = teacher_fingerprint(split, config, max_length)
    logits_path = folder / "logits.npz"
    meta_path = folder / "fingerprint.json"
    if meta_path.exists() and json.loads(meta_path.read_text()) != fingerprint:
        log.info("teacher settings changed: discarding %s", folder)
        stale_files = ("checkpoint.pt", "teacher.pt", HARDWARE_FILE)
        for stale in (logits_path, *(folder / name for name in stale_files)):
            stale.unlink(missing_ok=True)
    meta_path.write_text(json.dumps(fingerprint, indent=2))
    if logits_path.exists():
        log.info("reusing teacher logits from %s", logits_path)
        with np.load(logits_path) as data:
            return {key: data[key] for key in data.files}
    model = fine_tune_teacher(split, folder, config, max_length)
    tokenizer = load_tokenizer(minilm_dir() / "tokenizer.json", max_length)
    result = {
        name: predict_logits(model, encode(tokenizer, part.texts), description=f"teacher {name}")
        for name, part in (("val", split.val), ("test", split.test), ("train", split.train))
    }
    np.savez(logits_path, val=result["val"], test=result["test"], train=result["train"])
    return result
