"""Gloss as production runs it, for the hostile tests: gunicorn (one worker process with
threads, so the local-memory cache and its rate counters are shared) on a scratch SQLite
database, DEBUG off, started on a loopback port and stopped afterwards.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.stack import ESTABLISHED_READERS

REPO = Path(__file__).resolve().parents[2]
THREADS = 16


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class LiveGloss:
    url: str
    folder: Path
    process: subprocess.Popen
    world: dict
    log: Path

    def worker_pid(self) -> int:
        """The gunicorn worker (the master's only child) that answers every request."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return int(children.read_text().split()[0])

    def cpu_seconds(self, pid: int) -> float:
        """User and system CPU time of `pid` so far (Linux /proc)."""
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def database(self) -> Path:
        return self.folder / "live.sqlite3"


def environment(folder: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    env.update(
        DEBUG="false",
        SECRET_KEY="hostile-tests-only-not-a-secret",
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{folder / 'live.sqlite3'}",
        STATIC_ROOT=str(folder / "static"),
        SECURE_SSL_REDIRECT="false",
        GLOSS_TASKS_IMMEDIATE="true",
        DJANGO_SETTINGS_MODULE="newsapp.settings",
        PYTHONDONTWRITEBYTECODE="1",
        **ESTABLISHED_READERS,
    )
    env.pop("REDIS_URL", None)
    return env


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def start() -> LiveGloss:
    folder = Path(tempfile.mkdtemp(prefix="gloss-hostile-"))
    env = environment(folder)
    manage(env, "migrate", "--no-input")
    manage(env, "collectstatic", "--no-input")
    seeded = manage(
        env, "shell", "-c",
        "import json; from tests.hostile.catalogue import build_world; "
        "print('WORLD ' + json.dumps(build_world()))",
    )  # fmt: skip
    world = json.loads(seeded.split("WORLD ", 1)[1])
    port = free_port()
    log = folder / "gunicorn.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "newsapp.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--worker-class", "gthread", "--threads", str(THREADS),
         "--timeout", "60"],
        cwd=REPO, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    live = LiveGloss(f"http://127.0.0.1:{port}", folder, process, world, log)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{live.url}/accounts/login/", timeout=2).status_code == 200:
                return live
        except httpx.HTTPError:
            time.sleep(0.2)
    stop(live)
    raise RuntimeError(f"gunicorn did not answer:\n{log.read_text()[-3000:]}")


def stop(live: LiveGloss) -> None:
    live.process.terminate()
    try:
        live.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        live.process.kill()
        live.process.wait(timeout=10)


@dataclass
class Session:
    """A reader's cookies, kept by hand: with DEBUG off they are Secure, and over plain http
    an HTTP client would not send them back."""

    live: LiveGloss
    cookies: dict[str, str] = field(default_factory=dict)

    def client(self, timeout: float = 30) -> httpx.Client:
        return httpx.Client(base_url=self.live.url, timeout=timeout, follow_redirects=False)

    def headers(self, htmx: bool = False) -> dict[str, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if "csrftoken" in self.cookies:
            headers["X-CSRFToken"] = self.cookies["csrftoken"]
        if htmx:
            headers["HX-Request"] = "true"
        return headers

    def keep(self, response: httpx.Response) -> httpx.Response:
        for header in response.headers.get_list("set-cookie"):
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response

    def sign_in(self, username: str, password: str) -> None:
        with self.client() as client:
            self.keep(client.get("/accounts/login/"))
            answer = self.keep(
                client.post(
                    "/accounts/login/",
                    data={"username": username, "password": password},
                    headers=self.headers(),
                )
            )
        if answer.status_code != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"sign-in failed: {answer.status_code}")
