"""Schemathesis over the served OpenAPI document: no input produces a 500, and every documented
answer matches its own schema."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.stack import open_stack, sign_up

pytestmark = pytest.mark.e2e

EXAMPLES_PER_OPERATION = 20
SEED = "20261121"  # fixed, so a failure replays; raise EXAMPLES_PER_OPERATION to explore further
RUN_TIMEOUT_S = 600


async def test_no_generated_request_breaks_the_server_or_its_schema(tmp_path: Path) -> None:
    async with open_stack("embedded", tmp_path, label="schemathesis", redis_db=0) as stack:
        server = await stack.serve("serve")
        headers = await sign_up(server.base_url, "fuzz_tester")
        command = [
            _schemathesis(), "run", f"{server.base_url}/api/docs/openapi.json",
            "--checks", "not_a_server_error,response_schema_conformance",
            "--max-examples", str(EXAMPLES_PER_OPERATION), "--seed", SEED,
            "-H", f"Authorization: {headers['Authorization']}",
            "--no-color",
        ]

        result = subprocess.run(command, capture_output=True, text=True, timeout=RUN_TIMEOUT_S, cwd=tmp_path,
                                env={**os.environ, "SCHEMATHESIS_HOOKS": ""})

    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]
    assert "Tested:" in result.stdout


def _schemathesis() -> str:
    found = shutil.which("schemathesis") or str(Path(sys.executable).parent / "schemathesis")
    assert Path(found).exists(), "schemathesis is a dev dependency: pip install -e '.[dev]'"
    return found
