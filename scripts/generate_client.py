"""Generate the typed Python client in `clients/python/` from the API's OpenAPI schema.

    make client                                           # regenerate clients/python/
    .venv/bin/python scripts/generate_client.py --output DIR   # generate elsewhere

The schema comes from `manage.py spectacular` (validated, failing on any warning); the client
from the pinned openapi-python-client with `clients/openapi-python-client.yml`, formatted by
the pinned ruff. `tests/api/test_generated_client.py` fails when `clients/python/` differs
from a fresh generation.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLIENT_DIR = ROOT / "clients" / "python"
CONFIG = ROOT / "clients" / "openapi-python-client.yml"
REGENERATE = "make client"


def generate(output: Path) -> None:
    """Write the client for the current schema to `output` (replacing what is there)."""
    bin_dir = Path(sys.executable).parent
    # The generator's post-hooks call `ruff`: the pinned one, next to this Python.
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    with tempfile.TemporaryDirectory() as scratch:
        schema = Path(scratch) / "schema.json"
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "manage.py"),
                "spectacular",
                "--format=openapi-json",
                "--validate",
                "--fail-on-warn",
                f"--file={schema}",
            ],
            check=True,
            cwd=ROOT,
            env=env,
        )
        subprocess.run(
            [
                str(bin_dir / "openapi-python-client"),
                "generate",
                f"--path={schema}",
                f"--config={CONFIG}",
                "--meta=setup",
                f"--output-path={output}",
                "--overwrite",
                "--fail-on-warning",
            ],
            check=True,
            cwd=scratch,
            env=env,
            stdout=subprocess.DEVNULL,
        )
    shutil.rmtree(output / ".ruff_cache", ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=CLIENT_DIR, help="default: clients/python")
    generate(parser.parse_args().output.resolve())


if __name__ == "__main__":
    main()
