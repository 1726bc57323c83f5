"""Log event classification: taxonomy, scenario generator, Loghub labels, template mining,
novelty, risk scoring and explanations (pure, I/O-free; the caller passes paths or bytes)."""
