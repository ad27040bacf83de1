"""Fail fast, with instructions, when PostgreSQL or Redis is not reachable for `make test`."""

from __future__ import annotations

import os
import socket
import sys
from urllib.parse import urlparse

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/subsidy"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"

HELP = """
make test needs PostgreSQL and Redis. {what} is not reachable at {where}.

Start them, for example:
  docker compose up -d db redis
or, on Debian/Ubuntu with the packages installed:
  pg_ctlcluster $(ls /etc/postgresql) main start
  redis-server --daemonize yes --port 6379
or point the tests elsewhere:
  DATABASE_URL=postgres://user:pass@host:5432/db REDIS_URL=redis://host:6379/0 make test
"""


def reachable(url: str, default_port: int) -> tuple[bool, str]:
    parsed = urlparse(url)
    host = parsed.hostname or "127.0.0.1"
    port = parsed.port or default_port
    try:
        with socket.create_connection((host, port), timeout=3):
            return True, f"{host}:{port}"
    except OSError:
        return False, f"{host}:{port}"


def main() -> int:
    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    if not database_url.startswith(("postgres://", "postgresql://")):
        print(f"make test runs on PostgreSQL; DATABASE_URL is {database_url!r}.", file=sys.stderr)
        return 1
    for what, url, port in (("PostgreSQL", database_url, 5432), ("Redis", redis_url, 6379)):
        ok, where = reachable(url, port)
        if not ok:
            print(HELP.format(what=what, where=where), file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
