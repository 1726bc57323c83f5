"""Benchmark harnesses behind `logwarden bench ...`: development tools, not in the wheel.

Like Vector's `benches/` and Faust's `tests/bench`: they may use the test doubles in
`tests/doubles` and the scenario generator, which serving code never imports.
"""
