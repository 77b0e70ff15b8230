"""Shared path and query parameter types."""

from __future__ import annotations

from typing import Annotated

from litestar.params import Parameter

SNOWFLAKE_MAX = 2**63 - 1

# A snowflake id in a path: out-of-range numbers are a 422 before any query (SQLite and PostgreSQL
# BIGINT stop at 2**63 - 1, and a bigger number would fail inside the driver instead).
SnowflakeId = Annotated[int, Parameter(ge=1, le=SNOWFLAKE_MAX, description="A snowflake id.")]
