"""Real parts on one machine: PostgreSQL, Redis, gunicorn app servers, task workers, nginx.

Used by the topology and fault tests (tests/ops/) and by ``make loadtest``. Every service
listens on a random loopback port, writes its log into the stack's scratch folder and is
stopped by ``Stack.close()`` (a context manager), also when a test fails half-way::

    with Stack() as stack:
        database = stack.postgres()
        cache = stack.redis()
        env = stack.app_env(database_url=database.url, redis_url=cache.url)
        stack.prepare(env)  # migrate, collectstatic
        app = stack.gunicorn(env, workers=2)

Debian's postgresql, redis-server and nginx must be installed
(``scripts/ensure-test-system-deps`` installs them).
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
IS_ROOT = os.geteuid() == 0

# The stacks' readers are established accounts: a load run or a concurrency test measures
# regular readers, not the new-account publishing limits (tests/moderation covers those).
ESTABLISHED_READERS = {"GLOSS_NEW_ACCOUNT_DAYS": "0", "GLOSS_ESTABLISHED_NOTES": "0"}


class StackError(RuntimeError):
    """A service did not start; the message ends with the tail of its log."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def log_tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def wait_until(check, *, timeout: float, what: str, log: Path | None = None, process=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        if process is not None and process.poll() is not None:
            break
        time.sleep(0.05)
    tail = log_tail(log) if log is not None else ""
    raise StackError(f"{what} did not come up within {timeout:.0f} s\n{tail}")


def http_status(url: str, timeout: float = 2.0) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


@dataclass
class Process:
    """A service we started: stopped with SIGTERM, then SIGKILL, with its whole group."""

    name: str
    popen: subprocess.Popen
    log: Path
    port: int | None = None

    @property
    def running(self) -> bool:
        return self.popen.poll() is None

    def stop(self, timeout: float = 10.0) -> None:
        if not self.running:
            return
        below = descendants(self.popen.pid)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
        kill_if_same(below)  # anything that outlived its parent (left the group) goes too

    def kill(self) -> None:
        """SIGKILL to the process and everything it started, also children that left its
        process group (RQ's work horses do): a crash, as far as any of them can tell."""
        kill_if_same(descendants(self.popen.pid))
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)


def _stat(pid: int) -> tuple[int, str] | None:
    """(parent pid, start time) of a live process, from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return int(fields[1]), fields[19]


def descendants(pid: int) -> list[tuple[int, str]]:
    """Every process below pid as (pid, start time), children first."""
    children: dict[int, list[tuple[int, str]]] = {}
    for entry in glob.glob("/proc/[0-9]*"):
        child = int(entry.rsplit("/", 1)[1])
        stat = _stat(child)
        if stat is not None:
            children.setdefault(stat[0], []).append((child, stat[1]))
    found, pending = [], [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            found.append(child)
            pending.append(child[0])
    return found


def kill_if_same(processes: list[tuple[int, str]]) -> None:
    """SIGKILL each process that is still the one we saw (same pid and start time)."""
    for pid, started in processes:
        stat = _stat(pid)
        if stat is not None and stat[1] == started:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def wait_for_server(process: Process, timeout: float = 60) -> None:
    wait_until(
        lambda: http_status(f"http://127.0.0.1:{process.port}/healthz") == 200,
        timeout=timeout, what=process.name, log=process.log, process=process.popen,
    )  # fmt: skip


@dataclass
class Postgres:
    """A throwaway cluster; ``stop``/``start`` keep its data (for outage tests)."""

    folder: Path
    port: int
    bindir: Path
    log: Path

    @property
    def url(self) -> str:
        return f"postgres://gloss@127.0.0.1:{self.port}/gloss"

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if IS_ROOT else []
        subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.folder / "data"),
            "-l",
            str(self.log),
            "-w",
            "-o",
            f"-k {self.folder} -p {self.port} -c listen_addresses=127.0.0.1"
            " -c fsync=off -c full_page_writes=off -c max_connections=200 -c random_page_cost=1.1",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run(
                str(self.bindir / "pg_ctl"), "-D", str(self.folder / "data"), "-m", mode, "stop"
            )


@dataclass
class Redis:
    port: int
    log: Path
    process: Process | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        popen = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--protected-mode", "no"],
            stdout=self.log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        self.process = Process("redis", popen, self.log, self.port)
        wait_until(lambda: port_open(self.port), timeout=10, what="redis", log=self.log,
                   process=popen)  # fmt: skip

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()


@dataclass
class Stack:
    folder: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="gloss-stack-")))
    processes: list[Process] = field(default_factory=list)
    cleanups: list = field(default_factory=list)

    def __enter__(self) -> Stack:
        self.folder.chmod(0o755)  # the postgres user and nginx's workers look inside
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        for process in reversed(self.processes):
            process.stop()
        for cleanup in reversed(self.cleanups):
            with contextlib.suppress(Exception):
                cleanup()
        shutil.rmtree(self.folder, ignore_errors=True)

    # --- services ---------------------------------------------------------------------------

    def postgres(self) -> Postgres:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not found:
            raise StackError("PostgreSQL is not installed (run scripts/ensure-test-system-deps)")
        folder = self.folder / "postgres"
        folder.mkdir()
        if IS_ROOT:
            shutil.chown(folder, "postgres", "postgres")
        database = Postgres(folder, free_port(), Path(found[-1]).parent, folder / "server.log")
        database._run(
            str(database.bindir / "initdb"), "-D", str(folder / "data"), "-A", "trust",
            "-U", "gloss", "-E", "UTF8", "--locale=C.UTF-8",
        )  # fmt: skip
        database.start()
        self.cleanups.append(lambda: database.stop("immediate"))
        subprocess.run(
            [str(database.bindir / "createdb"), "-h", "127.0.0.1", "-p", str(database.port),
             "-U", "gloss", "gloss"],
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip
        return database

    def redis(self) -> Redis:
        cache = Redis(free_port(), self.folder / "redis.log")
        cache.start()
        self.cleanups.append(cache.stop)
        return cache

    def app_env(self, *, database_url: str, redis_url: str = "", **extra: str) -> dict[str, str]:
        """Production settings (DEBUG off) on loopback, over plain HTTP."""
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL"}
        }
        env.update(
            DEBUG="false",
            SECRET_KEY="stack-only-secret-" + "x" * 40,
            ALLOWED_HOSTS="127.0.0.1,localhost",
            SECURE_SSL_REDIRECT="false",
            DATABASE_URL=database_url,
            STATIC_ROOT=str(self.folder / "static"),
            GLOSS_FETCH_ALLOW_LOOPBACK="true",
            PYTHONDONTWRITEBYTECODE="1",
            PYTHONUNBUFFERED="1",
            **ESTABLISHED_READERS,
        )
        if redis_url:
            env["REDIS_URL"] = redis_url
        env.update(extra)
        return env

    def manage(self, env: dict[str, str], *args: str, timeout: float = 300) -> str:
        result = subprocess.run(
            [PYTHON, "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True,
            timeout=timeout,
        )  # fmt: skip
        if result.returncode != 0:
            raise StackError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
        return result.stdout

    def prepare(self, env: dict[str, str]) -> None:
        """Migrate and collect the static files, side by side (neither needs the other)."""
        collect = subprocess.Popen(
            [PYTHON, "manage.py", "collectstatic", "--no-input"], cwd=REPO, env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            self.manage(env, "migrate", "--no-input")
        finally:
            _, errors = collect.communicate(timeout=300)
        if collect.returncode != 0:
            raise StackError(f"manage.py collectstatic failed:\n{errors[-3000:]}")

    def seed(self, env: dict[str, str], *args: str) -> dict:
        import json

        result = subprocess.run(
            [PYTHON, "-m", "bench.seed", *args], cwd=REPO, env=env, capture_output=True,
            text=True, timeout=300,
        )  # fmt: skip
        if result.returncode != 0:
            raise StackError(f"bench.seed failed:\n{result.stderr[-3000:]}")
        return json.loads(result.stdout.strip().splitlines()[-1])

    def spawn(self, name: str, command: list[str], env: dict[str, str], port: int | None = None):
        log = self.folder / f"{name}.log"
        popen = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        process = Process(name, popen, log, port)
        self.processes.append(process)
        return process

    def gunicorn(
        self, env: dict[str, str], *, workers: int = 2, name: str = "app", wait: bool = True,
        **settings: str,
    ) -> Process:  # fmt: skip
        """A gunicorn app server with scripts/gunicorn.conf.py; ``wait=False`` returns at once
        (start several, then ``wait_for_server`` each)."""
        port = free_port()
        server_env = env | {"GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers)}
        server_env.update(settings)
        process = self.spawn(
            name,
            [PYTHON, "-m", "gunicorn", "-c", "scripts/gunicorn.conf.py", "newsapp.wsgi"],
            server_env,
            port,
        )
        if wait:
            wait_for_server(process)
        return process

    def worker(self, env: dict[str, str], *, name: str = "worker") -> Process:
        return self.spawn(name, [PYTHON, "manage.py", "run_worker", "--recover-every", "0.5"], env)

    def nginx(self, upstream_ports: list[int]) -> Process:
        """nginx on a random port, round-robin over the app servers, as docs/deploy.md."""
        port = free_port()
        folder = self.folder / "nginx"
        folder.mkdir(exist_ok=True)
        servers = "".join(f"    server 127.0.0.1:{p} max_fails=0;\n" for p in upstream_ports)
        config = folder / "nginx.conf"
        config.write_text(
            NGINX_TEMPLATE.format(
                user="user root;" if IS_ROOT else "",
                folder=folder,
                servers=servers,
                port=port,
                static=self.folder / "static",
            )
        )
        process = self.spawn(
            "nginx",
            [
                shutil.which("nginx") or "/usr/sbin/nginx",
                "-c",
                str(config),
                "-p",
                str(folder),
                "-e",  # the startup error log too, not /var/log/nginx
                str(folder / "error.log"),
                "-g",
                "daemon off;",
            ],
            dict(os.environ),
            port,
        )
        wait_until(lambda: port_open(port), timeout=10, what="nginx", log=process.log,
                   process=process.popen)  # fmt: skip
        return process


# The test and load runs' nginx: the essentials of docs/deploy.md, on plain HTTP.
NGINX_TEMPLATE = """\
{user}
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {folder}/body;
  proxy_temp_path {folder}/proxy;
  fastcgi_temp_path {folder}/fastcgi;
  uwsgi_temp_path {folder}/uwsgi;
  scgi_temp_path {folder}/scgi;
  client_max_body_size 8m;
  upstream gloss {{
{servers}    keepalive 16;
  }}
  server {{
    listen 127.0.0.1:{port};
    location /static/ {{ alias {static}/; expires 1y; }}
    location / {{
      proxy_pass http://gloss;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Request-ID $request_id;
      proxy_next_upstream error timeout;
      proxy_read_timeout 60s;
    }}
  }}
}}
"""
