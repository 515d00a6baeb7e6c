"""gunicorn on loopback for the tools that serve the real site (benchmarks, the restore drill,
the scale-out check): a free port, one GET, and a server started with an environment and
stopped at the end of a `with` block."""

import http.client
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The production settings redirect plain HTTP to HTTPS unless a proxy says the request was
# HTTPS (SECURE_PROXY_SSL_HEADER); the client says so, as the proxy in front of gunicorn would.
HEADERS = {"X-Forwarded-Proto": "https", "Connection": "close"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port: int, path: str, timeout: float = 60) -> tuple[int, bytes]:
    """One GET on a new connection; the status and body (status 0: no HTTP answer)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers=HEADERS)
        response = conn.getresponse()
        return response.status, response.read()
    except (OSError, http.client.HTTPException):
        return 0, b""
    finally:
        conn.close()


class Gunicorn:
    def __init__(self, env: dict[str, str], workers: int, log: Path, probe: str):
        self.port = free_port()
        self.log, self.probe = log, probe
        binary = Path(sys.executable).with_name("gunicorn")
        if not binary.exists():
            binary = ROOT / ".venv" / "bin" / "gunicorn"
        self.command = [
            str(binary), "config.wsgi", "--bind", f"127.0.0.1:{self.port}",
            "--workers", str(workers), "--error-logfile", str(log), "--no-control-socket",
        ]  # fmt: skip
        self.env = env
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Gunicorn":
        # The app's own log lines (one per request) go to the log file, not the terminal.
        self.output = self.log.open("a")
        self.process = subprocess.Popen(  # noqa: S603  (our own command line)
            self.command, cwd=ROOT, env=self.env, start_new_session=True,
            stdout=self.output, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.fail(f"gunicorn exited with status {self.process.returncode}")
            if get(self.port, self.probe, timeout=5)[0]:  # any HTTP answer
                return self
            time.sleep(0.2)
        self.fail("gunicorn did not answer within 60 s")
        return self

    def fail(self, message: str) -> None:
        self.__exit__()
        tail = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
        sys.exit(f"{message}\n{tail}")

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process is not None:
            self.output.close()
