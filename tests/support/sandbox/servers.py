"""Start, check and stop the sandbox's server processes, by recorded PID.

Each process is started detached (its own session) with its output in
<state>/logs and a pid file in <state>/run holding the PID, the resolved
executable and the state dir.  A PID is only ever signalled after
/proc/<pid>/exe and /proc/<pid>/cmdline prove it is still the process we
started: PIDs get reused, and `down` must never hit someone else's nginx.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

SBIN_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/local/sbin", "/usr/sbin", "/sbin"])


class SandboxError(Exception):
    """A failure with a message meant for the user (exit status 1)."""


def find_binary(name: str, fallback: str | None = None) -> str:
    path = shutil.which(name, path=SBIN_PATH) or (fallback if fallback and os.access(fallback, os.X_OK) else None)
    if not path:
        raise SandboxError(f"required program '{name}' not found (install it: see docs/sandbox.md)")
    return os.path.realpath(path)


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_ports(count: int) -> list[int]:
    """Distinct free loopback ports, chosen by the kernel (for --ports auto)."""
    sockets, ports = [], []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
            ports.append(s.getsockname()[1])
    finally:
        for s in sockets:
            s.close()
    return ports


def _port_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


class Service:
    def __init__(self, name: str, exe: str, args: list[str], port: int, state: str, env=None):
        self.name, self.exe, self.args, self.port, self.state = name, exe, args, port, state
        self.env = env
        self.pidfile = os.path.join(state, "run", f"{name}.pid")
        self.logfile = os.path.join(state, "logs", f"{name}.log")

    # ---- identity checks ------------------------------------------------------------
    def recorded(self) -> dict | None:
        try:
            with open(self.pidfile) as f:
                return json.load(f)
        except (FileNotFoundError, ValueError):
            return None

    def pid(self) -> int | None:
        """The PID if our process is alive, else None."""
        rec = self.recorded()
        if not rec:
            return None
        pid = int(rec["pid"])
        try:
            exe = os.readlink(f"/proc/{pid}/exe")
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmdline = f.read().decode(errors="replace")
            with open(f"/proc/{pid}/stat") as f:
                zombie = f.read().rsplit(")", 1)[1].split()[0] == "Z"
        except OSError:
            return None
        exe = exe.removesuffix(" (deleted)")
        if zombie or os.path.realpath(exe) != rec["exe"] or rec["state"] not in cmdline:
            return None
        return pid

    def running(self) -> bool:
        return self.pid() is not None and _port_answers(self.port)

    # ---- lifecycle ------------------------------------------------------------------
    def start(self) -> None:
        if self.pid() is not None:
            return
        if not port_is_free(self.port):
            raise SandboxError(f"port {self.port} (for {self.name}) is busy on 127.0.0.1; "
                               "free it or use --ports auto / --ports BASE")
        os.makedirs(os.path.dirname(self.pidfile), exist_ok=True)
        with open(self.logfile, "ab") as log:
            proc = subprocess.Popen(
                [self.exe, *self.args],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.state,
                start_new_session=True,  # survives sandboxctl, immune to its Ctrl-C
                env=self.env,
            )
        record = {"pid": proc.pid, "exe": os.path.realpath(self.exe), "state": self.state,
                  "port": self.port, "started": time.time()}
        tmp = self.pidfile + ".tmp"
        with open(tmp, "w") as f:
            json.dump(record, f)
        os.replace(tmp, self.pidfile)
        self._proc = proc

    def wait_ready(self, timeout: float = 15.0) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if _port_answers(self.port):
                return
            proc = getattr(self, "_proc", None)
            if proc is not None and proc.poll() is not None:
                break
            time.sleep(0.02)
        tail = ""
        try:
            with open(self.logfile, errors="replace") as f:
                tail = "".join(f.readlines()[-5:])
        except OSError:
            pass
        raise SandboxError(f"{self.name} did not start on port {self.port}; log {self.logfile}:\n{tail}")

    def stop(self, timeout: float = 10.0) -> bool:
        pid = self.pid()
        if pid is None:
            self._forget()
            return False
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        deadline = time.time() + timeout
        while time.time() < deadline and self.pid() is not None:
            time.sleep(0.02)
        if self.pid() is not None:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            while self.pid() is not None and time.time() < deadline + 5:
                time.sleep(0.02)
        self._forget()
        return True

    def _forget(self) -> None:
        try:
            os.unlink(self.pidfile)
        except FileNotFoundError:
            pass


def registry_config(path: str, *, port: int, storage: str, secret: str, htpasswd: str | None) -> None:
    """Our own docker-registry config (the packaged one points auth at a directory)."""
    lines = [
        "version: 0.1",
        "log:",
        "  level: warn",
        "  formatter: text",
        "  accesslog:",
        "    disabled: true",
        "storage:",
        "  filesystem:",
        f"    rootdirectory: {storage}",
        "  delete:",
        "    enabled: true",
        "  redirect:",
        "    disable: true",
        "  maintenance:",
        "    uploadpurging:",
        "      enabled: false",
        "http:",
        f"  addr: 127.0.0.1:{port}",
        # A fixed secret keeps upload _state tokens valid across restarts.
        f"  secret: {secret}",
        "  headers:",
        "    X-Content-Type-Options: [nosniff]",
        "catalog:",
        "  maxentries: 1000",
    ]
    if htpasswd:
        lines += ["auth:", "  htpasswd:", "    realm: candidate-registry", f"    path: {htpasswd}"]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def nginx_config(path: str, template: str, *, state: str, port: int, backend_port: int,
                 emulator_port: int) -> None:
    with open(template) as f:
        text = f.read()
    # As root the workers would drop to "nobody" and lose access to the state
    # dir; run them as the invoking user.  As non-root the directive is moot.
    user = "user root;" if os.geteuid() == 0 else "# (not root: no user directive)"
    for key, value in {
        "USER_DIRECTIVE": user,
        "STATE": state,
        "PORT": str(port),
        "BACKEND_PORT": str(backend_port),
        "EMULATOR_PORT": str(emulator_port),
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
    }.items():
        text = text.replace(f"@{key}@", value)
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        os.makedirs(os.path.join(state, "nginx", "tmp", sub), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def python_exe() -> str:
    return os.path.realpath(sys.executable)
