"""The device run behind the shipped ticket model (docs/tickets.md, "Accuracy"): MiniLM teacher
seeds + an ensemble-distilled MiniLM on the shipped split, on one GPU.

Run from a checkout root with the fp16 MiniLM weights in ./minilm beside this file and
TICKETS_CSV pointing at the shared tickets.csv.

Writes to $OUT: logits.npz (every model's logits on train/val/test, float16) and the chosen
final MiniLM's fp16 state dict in <=15 MiB parts (export/quantisation happen on the CPU side).
"""

import io
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch

START = time.time()
OUT = Path(os.environ["OUT"])
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
os.environ["LOGWARDEN_MINILM_DIR"] = str(HERE / "minilm")

from classifiers.datasets import load_tickets, sample_task, stratified_split  # noqa: E402
from classifiers.evaluation import classification_metrics  # noqa: E402
from classifiers.runtime.batching import encode, load_tokenizer  # noqa: E402
from classifiers.training.loop import TrainConfig, predict_logits, train  # noqa: E402
from classifiers.training.modeling import build_teacher  # noqa: E402

LIMIT = int(os.environ.get("LIMIT", "0")) or None
EPOCHS = float(os.environ.get("EPOCHS", "4"))
SEEDS = [int(s) for s in os.environ.get("SEEDS", "13,14,15,16").split(",")]
BUDGET_S = float(os.environ.get("BUDGET_S", "290"))
MAX_LENGTH = 256

torch.backends.cuda.matmul.allow_tf32 = True
task = sample_task(load_tickets(Path(os.environ["TICKETS_CSV"])), LIMIT, 13)
split = stratified_split(task, 13, 0.1, 0.2)
n = len(task.label_names)
tokenizer = load_tokenizer(HERE / "minilm" / "tokenizer.json", MAX_LENGTH)
ids = {p: encode(tokenizer, getattr(split, p).texts) for p in ("train", "val", "test")}
print("split", split.describe(), "device", torch.cuda.is_available(), flush=True)

logits: dict[str, np.ndarray] = {}
report: dict[str, dict] = {}


def score(name: str, model: torch.nn.Module) -> None:
    for part in ("val", "test", "train"):
        logits[f"{name}_{part}"] = predict_logits(model, ids[part], batch_size=256)
    report[name] = {
        p: classification_metrics(getattr(split, p).labels, logits[f"{name}_{p}"].argmax(1), n)
        for p in ("val", "test")
    }
    print(name, report[name], f"{time.time() - START:.0f}s", flush=True)


def config(seed: int) -> TrainConfig:
    return TrainConfig(
        epochs=EPOCHS,
        batch_size=32,
        learning_rate=5e-5,
        seed=seed,
        max_tokens=None,
        checkpoint_every=10**9,
    )


models = {}
seed_seconds = 0.0
for seed in SEEDS:
    if models and time.time() - START + 1.2 * seed_seconds > BUDGET_S and len(models) >= 2:
        print("budget reached before seed", seed, flush=True)
        break
    seed_start = time.time()
    torch.manual_seed(seed)
    model = build_teacher(n)
    train(model, ids["train"], split.train.labels, config(seed), description=f"seed{seed}")
    score(f"seed{seed}", model)
    models[f"seed{seed}"] = model
    seed_seconds = time.time() - seed_start

members = list(models)


def probs(name: str, part: str, t: float = 1.0) -> np.ndarray:
    z = logits[f"{name}_{part}"] / t
    z = z - z.max(1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(1, keepdims=True)


for part in ("val", "test"):
    mean = np.mean([probs(m, part) for m in members], axis=0)
    report.setdefault("ensemble", {})[part] = classification_metrics(
        getattr(split, part).labels, mean.argmax(1), n
    )
print("ensemble", report["ensemble"], flush=True)

# Distil the seed ensemble into one MiniLM (what ships after int8 export on the CPU side).
soft = np.log(np.clip(np.mean([probs(m, "train") for m in members], axis=0), 1e-6, 1)).astype(
    np.float32
)
final_name = max(members, key=lambda m: report[m]["val"]["macro_f1"])
if time.time() - START + 1.2 * seed_seconds < float(os.environ.get("DISTIL_BY_S", "390")):
    torch.manual_seed(99)
    student = build_teacher(n)
    cfg = TrainConfig(
        epochs=EPOCHS,
        batch_size=32,
        learning_rate=5e-5,
        seed=99,
        max_tokens=None,
        checkpoint_every=10**9,
        temperature=2.0,
        alpha=0.7,
    )
    train(student, ids["train"], split.train.labels, cfg, soft_targets=soft, description="distil")
    score("distilled", student)
    models["distilled"] = student
    if report["distilled"]["val"]["macro_f1"] >= report[final_name]["val"]["macro_f1"]:
        final_name = "distilled"

np.savez_compressed(OUT / "logits.npz", **{k: v.astype(np.float16) for k, v in logits.items()})
(OUT / "report.json").write_text(
    json.dumps(
        {
            "report": report,
            "final": final_name,
            "members": members,
            "seconds": time.time() - START,
            "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else "CPU",
        },
        indent=1,
    )
)
buffer = io.BytesIO()
torch.save({k: v.half() for k, v in models[final_name].state_dict().items()}, buffer)
data = buffer.getvalue()
part_size = 15 * 1024 * 1024
for i in range(0, len(data), part_size):
    (OUT / f"final.pt.part{i // part_size}").write_bytes(data[i : i + part_size])
print("final", final_name, "bytes", len(data), f"{time.time() - START:.0f}s", flush=True)
