"""One training loop for teacher, student and distilled student, plus batched inference.

Batches are length-bucketed (similar lengths together, bucket order shuffled each epoch with a
seeded generator), so CPU training spends little time on padding. With ``soft_targets`` the loss
is ``alpha * T^2 * KL(teacher_T || student_T) + (1 - alpha) * CE(labels)`` (Hinton et al.).
Checkpoints are written every ``checkpoint_every`` steps and a rerun resumes from the last one.
Training and inference run on a GPU when one is present (bf16 autocast), else on the CPU; either
way the model is handed back on the CPU, where export and serving expect it.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F  # noqa: N812
from tqdm.auto import tqdm

from classifiers.runtime.batching import iter_padded, length_buckets, pad_batch

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainConfig:
    """Optimisation settings; ``max_steps`` (if set) cuts training short, for tests."""

    epochs: float = 2.0
    batch_size: int = 32
    learning_rate: float = 5e-5
    weight_decay: float = 0.01
    warmup_share: float = 0.06
    temperature: float = 2.0
    alpha: float = 0.7
    seed: int = 13
    max_steps: int | None = None
    checkpoint_every: int = 200
    max_tokens: int | None = 4096
    device: str = "auto"

    def result_settings(self) -> dict[str, Any]:
        """Settings that change what training produces: not where it runs or how often it
        saves, so caches keyed on them survive a move between CPU and GPU."""
        return {k: v for k, v in asdict(self).items() if k not in {"checkpoint_every", "device"}}


def resolve_device(name: str = "auto") -> torch.device:
    """``auto`` picks CUDA when available; ``cpu``/``cuda`` force one."""
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    return torch.device(name)


def training_hardware(device: str) -> str:
    """What trains on ``device``, for the model card: the GPU's name or ``CPU``."""
    resolved = resolve_device(device)
    return torch.cuda.get_device_name(resolved) if resolved.type == "cuda" else "CPU"


def _autocast(device: torch.device) -> Any:
    return torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda")


def _schedule(step: int, total: int, warmup: int) -> float:
    if step < warmup:
        return (step + 1) / max(1, warmup)
    return max(0.0, (total - step) / max(1, total - warmup))


def _epoch_batches(lengths: Sequence[int], config: TrainConfig, epoch: int) -> list[np.ndarray]:
    rng = np.random.default_rng(config.seed + epoch)
    # Jitter lengths a little so bucket membership changes between epochs.
    jittered = np.asarray(lengths) + rng.uniform(0, 3, size=len(lengths))
    batches = length_buckets(list(jittered), config.batch_size, config.max_tokens)
    return [batches[i] for i in rng.permutation(len(batches))]


def distillation_loss(
    logits: torch.Tensor,
    labels: torch.Tensor,
    soft: torch.Tensor | None,
    temperature: float,
    alpha: float,
) -> torch.Tensor:
    logits = logits.float()
    hard = F.cross_entropy(logits, labels)
    if soft is None:
        return hard
    student = F.log_softmax(logits / temperature, dim=-1)
    teacher = F.softmax(soft / temperature, dim=-1)
    kl = F.kl_div(student, teacher, reduction="batchmean") * temperature**2
    return alpha * kl + (1 - alpha) * hard


def train(
    model: nn.Module,
    ids: Sequence[Sequence[int]],
    labels: np.ndarray,
    config: TrainConfig,
    *,
    soft_targets: np.ndarray | None = None,
    checkpoint_dir: Path | None = None,
    description: str = "train",
) -> nn.Module:
    """Fine-tune ``model`` in place and return it (resuming from ``checkpoint_dir`` if any)."""
    torch.manual_seed(config.seed)
    device = resolve_device(config.device)
    model.to(device)
    lengths = [len(row) for row in ids]
    steps_per_epoch = len(_epoch_batches(lengths, config, 0))
    total = math.ceil(config.epochs * steps_per_epoch)
    if config.max_steps is not None:
        total = min(total, config.max_steps)
    decay = [p for n, p in model.named_parameters() if p.ndim > 1 and "LayerNorm" not in n]
    no_decay = [p for n, p in model.named_parameters() if p.ndim <= 1 or "LayerNorm" in n]
    optimizer = torch.optim.AdamW(
        [
            {"params": decay, "weight_decay": config.weight_decay},
            {"params": no_decay, "weight_decay": 0.0},
        ],
        lr=config.learning_rate,
    )
    warmup = int(config.warmup_share * total)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: _schedule(s, total, warmup))
    step = _resume(model, optimizer, scheduler, checkpoint_dir)
    label_tensor = torch.as_tensor(labels, dtype=torch.long, device=device)
    soft_tensor = (
        None if soft_targets is None else torch.as_tensor(soft_targets, device=device).float()
    )
    model.train()
    progress = tqdm(total=total, initial=step, desc=description, mininterval=5.0)
    running = 0.0
    while step < total:
        epoch = step // steps_per_epoch
        batches = _epoch_batches(lengths, config, epoch)
        for batch in batches[step - epoch * steps_per_epoch :]:
            input_ids, mask = pad_batch([ids[i] for i in batch])
            index = torch.as_tensor(batch, device=device)
            with _autocast(device):
                logits = model(
                    torch.as_tensor(input_ids, device=device), torch.as_tensor(mask, device=device)
                )
            soft = None if soft_tensor is None else soft_tensor[index]
            loss = distillation_loss(
                logits, label_tensor[index], soft, config.temperature, config.alpha
            )
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            step += 1
            value = float(loss.detach())
            running = 0.98 * running + 0.02 * value if step > 1 else value
            progress.update(1)
            progress.set_postfix(loss=f"{running:.4f}", epoch=epoch)
            if checkpoint_dir is not None and step % config.checkpoint_every == 0:
                _save(model, optimizer, scheduler, step, checkpoint_dir)
            if step >= total:
                break
    progress.close()
    model.to("cpu")
    if checkpoint_dir is not None:
        _save(model, optimizer, scheduler, step, checkpoint_dir)
    model.eval()
    return model


def _save(model: nn.Module, optimizer: Any, scheduler: Any, step: int, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    state = {
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "scheduler": scheduler.state_dict(),
        "step": step,
    }
    tmp = directory / "checkpoint.pt.tmp"
    torch.save(state, tmp)
    tmp.replace(directory / "checkpoint.pt")


def _resume(model: nn.Module, optimizer: Any, scheduler: Any, directory: Path | None) -> int:
    if directory is None or not (directory / "checkpoint.pt").exists():
        return 0
    state = torch.load(directory / "checkpoint.pt", weights_only=False, map_location="cpu")
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    scheduler.load_state_dict(state["scheduler"])
    log.info("resumed %s at step %d", directory, state["step"])
    return int(state["step"])


def predict_logits(
    model: nn.Module,
    ids: Sequence[Sequence[int]],
    batch_size: int = 64,
    description: str = "",
    device: str = "auto",
) -> np.ndarray:
    """Logits in input order, computed over length buckets (model returned to the CPU).

    The model moves between devices outside inference mode: parameters moved inside it would
    become inference tensors that a later export or training step cannot use.
    """
    target = resolve_device(device)
    model.eval().to(target)
    out = np.zeros((len(ids), 0), dtype=np.float32)
    progress = tqdm(
        total=len(ids), desc=description or "predict", mininterval=5.0, disable=len(ids) < 2000
    )
    try:
        with torch.inference_mode():
            for batch, input_ids, mask in iter_padded(ids, batch_size):
                with _autocast(target):
                    logits = model(
                        torch.as_tensor(input_ids, device=target),
                        torch.as_tensor(mask, device=target),
                    )
                scores = logits.float().cpu().numpy()
                if out.shape[1] == 0:
                    out = np.zeros((len(ids), scores.shape[1]), dtype=np.float32)
                out[batch] = scores
                progress.update(len(batch))
    finally:
        progress.close()
        model.to("cpu")
    if out.shape[1] == 0:
        raise ValueError("no input to predict")
    return out
