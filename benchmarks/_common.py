"""Shared plumbing for the benchmarks: a scratch PostgreSQL database and Django set-up."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def bench_database_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/subsidy_bench")


def recreate_database(url: str) -> None:
    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def django_env(url: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="config.settings",
        LOG_LEVEL="WARNING",
        DJANGO_DEBUG="false",
    )
    env.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret-key-not-for-deployment")
    env.pop("CELERY_BROKER_URL", None)
    env.setdefault("DJANGO_SECRET_KEY", "benchmark-only-secret-key-" + "x" * 40)
    env.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")  # the load generator speaks HTTP
    env.update(extra)
    return env


def migrate(url: str) -> None:
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--no-input", "-v0"],
        cwd=ROOT,
        env=django_env(url),
        check=True,
    )


def setup_django(url: str, **extra: str) -> None:
    os.environ.update(django_env(url, **extra))
    # Run as a script, this folder is first on sys.path, where `settlement.py` (the benchmark)
    # would shadow the `settlement` app: put the project root first instead.
    # Celery also puts the working directory on sys.path, so work from the project root.
    here = str(Path(__file__).resolve().parent)
    sys.path[:] = [str(ROOT)] + [p for p in sys.path if str(Path(p or ".").resolve()) != here]
    os.chdir(ROOT)
    import django

    django.setup()


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, round(fraction * (len(sorted_values) - 1)))
    return sorted_values[index]
