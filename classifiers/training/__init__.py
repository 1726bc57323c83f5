"""Training machinery (torch + transformers, train extra only): teacher fine-tune, distillation,
ONNX export and int8 quantisation. Task-agnostic: a task is texts, labels and label names."""
