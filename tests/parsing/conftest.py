"""Shared options for the parsing tests: a fixed clock so year inference is reproducible."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from classifiers.parsing import ParseOptions

NOW = datetime(2024, 6, 1, tzinfo=UTC)


@pytest.fixture
def options() -> ParseOptions:
    """Default options with the clock fixed at 2024-06-01T00:00:00Z."""
    return ParseOptions(now=NOW)
