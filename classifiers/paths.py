"""Where the shipped models live and where training keeps its work: each path defined once.

The shipped models are package data of ``classifiers`` (``classifiers/models/<task>``); the
training work dirs (teachers, fp32 students, resumable checkpoints) are never shipped and live
in the user's cache.
"""

from __future__ import annotations

from pathlib import Path

SHIPPED_MODELS = Path(__file__).resolve().parent / "models"
SHIPPED_LOG_MODEL = SHIPPED_MODELS / "logs"
SHIPPED_TICKET_MODEL = SHIPPED_MODELS / "tickets"

TRAIN_WORK_ROOT = Path.home() / ".cache" / "logwarden" / "train"
LOG_WORK_DIR = TRAIN_WORK_ROOT / "logs"
TICKET_WORK_DIR = TRAIN_WORK_ROOT / "tickets"
