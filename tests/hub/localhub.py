"""A JupyterHub on 127.0.0.1 with simulated students, for the hub test and benchmarks/bench_hub.py.

The hub is the real thing from the package index — JupyterHub with its proxy
(configurable-http-proxy from the npm registry, installed into ``node_modules/``
by ``make proxy``), a dummy authenticator and a local process spawner, so each
student's single-user server and kernels run from this Python environment (the
venv installed from ``pyproject.toml``: conda channels cannot be reached from
these machines, so ``environment.yml`` is not solved here).

A :class:`Student` does what a person's browser does, over HTTP and the kernel
websocket only: logs in on the hub's login form, starts a server, follows the
course's nbgitpuller link, opens a chapter, runs its cells, answers an exercise
and moves a planner's slider by sending the comm message a slider sends.

Everything listens on 127.0.0.1 only; every wait has a deadline; :class:`LocalHub`
stops the hub, the proxy, every server and every kernel it started (by their
process ids) when its ``with`` block ends.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

from crmlab._launch import SKIP_SLOW_IMPORT

ROOT = Path(__file__).resolve().parents[2]
LOOPBACK = "127.0.0.1"
#: How the planner's figure (an SVG in an HTML widget's value) begins.
SVG = "<svg"


class HubError(RuntimeError):
    """The hub, a server or a kernel did not do what a student needed (with the log's tail)."""


def proxy_command() -> list[str] | None:
    """The configurable-http-proxy command: the project's ``node_modules`` copy, else one on PATH."""
    local = ROOT / "node_modules" / ".bin" / "configurable-http-proxy"
    if local.exists() and shutil.which("node"):
        return [str(local)]
    found = shutil.which("configurable-http-proxy")
    return [found] if found else None


def why_no_proxy() -> str | None:
    """None when the proxy can run here, else the reason it cannot (for a skip message)."""
    if proxy_command() is None:
        if not shutil.which("node"):
            return "configurable-http-proxy cannot run: Node.js is not installed (`make proxy` needs node and npm)"
        return ("configurable-http-proxy is not installed: `make proxy` (npm ci from package-lock.json) "
                "did not install it into node_modules/")
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def _git(cwd, *args) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "crmlab instructor", "GIT_AUTHOR_EMAIL": "instructor@localhost",
           "GIT_COMMITTER_NAME": "crmlab instructor", "GIT_COMMITTER_EMAIL": "instructor@localhost"}
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60)
    if done.returncode:
        raise HubError(f"git {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def make_course_repo(dest: Path, source: Path = ROOT) -> Path:
    """A git repository at ``dest`` holding ``source``'s committed HEAD: what the instructor publishes.

    Only committed files are taken (``git archive HEAD``), so the test pulls what a student
    would get from the course's repository, not the developer's uncommitted edits.
    """
    dest = Path(dest)
    dest.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(source), "archive", "--format=tar", "HEAD"],
                             capture_output=True, check=True, timeout=60).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True, timeout=60)
    _git(dest, "init", "-q", "-b", "main")
    _git(dest, "add", "-A")
    _git(dest, "commit", "-q", "-m", "Workbook as published for the course")
    return dest


def commit_update(repo: Path, message: str, edit) -> None:
    """The instructor's update: ``edit(repo)`` changes files, then one new commit on ``main``."""
    edit(Path(repo))
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", message)


def gitpuller_link(hub_url: str, repo: str, urlpath: str, branch: str = "main", targetpath: str = "crmlab") -> str:
    """The link an instructor posts: log in, pull ``repo`` into ``~/targetpath``, open ``urlpath``."""
    query = urlencode({"repo": repo, "branch": branch, "targetpath": targetpath, "urlpath": urlpath})
    return f"{hub_url.rstrip('/')}/hub/user-redirect/git-pull?{query}"


_CONFIG = """\
# Written by tests/hub/localhub.py: a loopback-only hub for the crmlab hub test.
c = get_config()  # noqa: F821
c.JupyterHub.ip = {ip!r}
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = {ip!r}
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.command = {proxy!r}
c.ConfigurableHTTPProxy.api_url = "http://{ip}:{proxy_api_port}"
c.ConfigurableHTTPProxy.should_start = True
c.JupyterHub.db_url = "sqlite:///{workdir}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{workdir}/jupyterhub_cookie_secret"
c.JupyterHub.pid_file = "{workdir}/jupyterhub.pid"
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = "{workdir}/home/{{username}}"
# python -m jupyterhub.singleuser, without the 3 CPU-seconds of one import (crmlab._launch)
c.Spawner.cmd = [{python!r}, "-c", {singleuser!r}]
c.Spawner.ip = {ip!r}
c.Spawner.args = {args!r}
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = {timeout}
c.Spawner.http_timeout = {timeout}
# Kernels talk to their server over Unix sockets in a short per-student runtime folder: with TCP, many
# kernels starting at once on one machine race for the ports jupyter_client picks (on a cluster each
# student's pod has its own ports, so this is a local-test concern only).
c.Spawner.environment = {environment!r}
c.Spawner.environment["JUPYTER_RUNTIME_DIR"] = lambda spawner: "{runtime}/" + spawner.user.name
c.JupyterHub.services = [{{"name": "harness", "api_token": {token!r}}}]
c.JupyterHub.load_roles = [{{"name": "harness", "services": ["harness"],
                             "scopes": ["admin:users", "admin:servers", "read:users"]}}]
"""


class LocalHub:
    """JupyterHub + configurable-http-proxy on 127.0.0.1, in ``workdir``; a context manager.

    ``environment`` is added to every single-user server's environment (and so its kernels').
    The hub is started in its own session; on exit it is asked to stop (it then stops its
    servers and proxy), and any process it started that is still alive is killed by id.
    """

    def __init__(self, workdir: Path, *, python: str = sys.executable, environment: dict | None = None,
                 timeout: float = 120):
        self.workdir = Path(workdir)
        self.python = python
        self.timeout = timeout
        self.port, self.hub_port, self.proxy_api_port = free_port(), free_port(), free_port()
        self.url = f"http://{LOOPBACK}:{self.port}"
        self.token = secrets.token_hex(16)
        self.environment = {"PYTHONHASHSEED": "0", **(environment or {})}
        self.proc: subprocess.Popen | None = None
        self._seen: dict[int, object] = {}  # pid -> psutil.Process of everything the hub started

    # -- life cycle ---------------------------------------------------------------------------
    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self) -> None:
        proxy = proxy_command()
        if proxy is None:
            raise HubError(why_no_proxy())
        self.workdir.mkdir(parents=True, exist_ok=True)
        (self.workdir / "home").mkdir(exist_ok=True)
        # Unix socket paths are limited to 107 bytes: the runtime folder lives directly under /tmp.
        self.runtime = tempfile.mkdtemp(prefix="crmlab-hub-")
        config = self.workdir / "jupyterhub_config.py"
        config.write_text(_CONFIG.format(
            ip=LOOPBACK, port=self.port, hub_port=self.hub_port, proxy_api_port=self.proxy_api_port,
            proxy=proxy, workdir=self.workdir, python=self.python, timeout=int(self.timeout),
            singleuser=f"{SKIP_SLOW_IMPORT}; from jupyterhub.singleuser import main; main()",
            environment=self.environment, token=self.token,
            # CI runs as root; jupyter_server refuses root unless told (the hub itself does not mind).
            runtime=self.runtime,
            args=["--KernelManager.transport=ipc", *(["--allow-root"] if os.geteuid() == 0 else [])]))
        self.log_path = self.workdir / "jupyterhub.log"
        log = open(self.log_path, "wb")
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        # python -m jupyterhub, without the 3 CPU-seconds of one import (crmlab._launch)
        hub = f"{SKIP_SLOW_IMPORT}; from jupyterhub.app import main; main()"
        self.proc = subprocess.Popen([self.python, "-c", hub, "-f", str(config)], cwd=self.workdir,
                                     stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     env=env, start_new_session=True)
        log.close()
        try:
            self._wait_ready()
        except BaseException:  # a hub that never came up is stopped too: `with` only exits what entered
            self.stop()
            raise

    def _wait_ready(self) -> None:
        import requests

        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise HubError(f"JupyterHub exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                if requests.get(f"{self.url}/hub/api/", timeout=5).ok:
                    self.snapshot()
                    return
            except requests.RequestException:
                pass
            time.sleep(0.25)
        raise HubError(f"JupyterHub did not answer on {self.url} within {self.timeout:.0f} s:\n{self.log_tail()}")

    def snapshot(self) -> list:
        """Record (and return) every live process the hub started: proxy, servers, kernels."""
        import psutil

        if self.proc is None:
            return []
        try:
            root = psutil.Process(self.proc.pid)
            found = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            found = []
        for p in found:
            self._seen.setdefault(p.pid, p)
        return found

    def stop(self, grace: float = 20) -> None:
        """Stop the hub gracefully (it stops servers and proxy), then kill by id whatever it left."""
        import psutil

        if self.proc is None:
            return
        self.snapshot()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        leftovers = []
        for p in self._seen.values():
            try:
                if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                    leftovers.append(p)
                    p.terminate()
            except psutil.NoSuchProcess:
                pass
        _, alive = psutil.wait_procs(leftovers, timeout=5)
        for p in alive:
            try:
                p.kill()
            except psutil.NoSuchProcess:
                pass
        psutil.wait_procs(alive, timeout=5)
        shutil.rmtree(self.runtime, ignore_errors=True)
        self.proc = None

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return "(no hub log)"
        return "\n".join(text[-lines:])

    # -- hub REST API (as the harness service) -----------------------------------------------
    def api(self, method: str, path: str, **kwargs):
        import requests

        kwargs.setdefault("timeout", 30)
        headers = {"Authorization": f"token {self.token}", **kwargs.pop("headers", {})}
        return requests.request(method, f"{self.url}/hub/api{path}", headers=headers, **kwargs)

    def user_processes(self, name: str):
        """``(server, kernels)``: the psutil processes of ``name``'s single-user server and its kernels."""
        import psutil

        for p in self.snapshot():
            try:
                if "jupyterhub.singleuser" in " ".join(p.cmdline()) and p.environ().get("JUPYTERHUB_USER") == name:
                    return p, [k for k in p.children(recursive=True) if "ipykernel" in " ".join(k.cmdline())]
            except psutil.NoSuchProcess:
                continue
        raise HubError(f"no running server process for {name!r}")


class Student:
    """One simulated student with a browser-like session (cookies) and an API token of their own."""

    def __init__(self, hub: LocalHub, name: str, timeout: float = 120):
        import requests

        self.hub, self.name, self.timeout = hub, name, timeout
        self.browser = requests.Session()
        self.token: str | None = None
        self.server_url = f"{hub.url}/user/{name}/"

    # -- hub ---------------------------------------------------------------------------------
    def log_in(self, password: str = "any password") -> None:
        """Fill in the hub's login form, then ask the hub for an API token (as the token page does)."""
        login = f"{self.hub.url}/hub/login"
        self.browser.get(login, timeout=30).raise_for_status()
        xsrf = self.browser.cookies.get("_xsrf", path="/hub/")
        r = self.browser.post(login, data={"username": self.name, "password": password, "_xsrf": xsrf},
                              allow_redirects=False, timeout=30)
        if r.status_code != 302 or not any(c.name.startswith("jupyterhub-session") or c.name == "jupyterhub-hub-login"
                                           for c in self.browser.cookies):
            raise HubError(f"{self.name}: login form answered {r.status_code}, no session cookie")
        # The hub's XSRF token is bound to the login session: read the new one from the token page.
        self.browser.get(f"{self.hub.url}/hub/token", timeout=30).raise_for_status()
        xsrf = self.browser.cookies.get("_xsrf", path="/hub/")
        r = self.browser.post(f"{self.hub.url}/hub/api/users/{self.name}/tokens", headers={"X-XSRFToken": xsrf},
                              json={"note": "crmlab hub test", "expires_in": 3600}, timeout=30)
        if r.status_code != 201:
            raise HubError(f"{self.name}: token request answered {r.status_code}: {r.text[:300]}")
        self.token = r.json()["token"]

    def _hub_api(self, method, path, **kwargs):
        return self.browser.request(method, f"{self.hub.url}/hub/api{path}", timeout=30,
                                    headers={"Authorization": f"token {self.token}"}, **kwargs)

    def start_server(self) -> float:
        """Start the single-user server and wait until the hub reports it ready; return the seconds taken."""
        start = time.monotonic()
        r = self._hub_api("POST", f"/users/{self.name}/server")
        if r.status_code not in (201, 202, 400):  # 400: already running
            raise HubError(f"{self.name}: spawn answered {r.status_code}: {r.text[:300]}")
        deadline = start + self.timeout
        while time.monotonic() < deadline:
            model = self._hub_api("GET", f"/users/{self.name}").json()
            server = model.get("servers", {}).get("")
            if server and server.get("ready"):
                return time.monotonic() - start
            if not model.get("pending") and not server:
                raise HubError(f"{self.name}: server stopped while starting:\n{self.hub.log_tail()}")
            time.sleep(0.3)
        raise HubError(f"{self.name}: server not ready within {self.timeout:.0f} s:\n{self.hub.log_tail()}")

    def stop_server(self) -> None:
        self._hub_api("DELETE", f"/users/{self.name}/server")

    # -- single-user server --------------------------------------------------------------------
    def api(self, method: str, path: str, **kwargs):
        kwargs.setdefault("timeout", 60)
        headers = {"Authorization": f"token {self.token}", **kwargs.pop("headers", {})}
        r = self.browser.request(method, f"{self.server_url}api/{path}", headers=headers, **kwargs)
        if r.status_code >= 400:
            raise HubError(f"{self.name}: {method} api/{path} answered {r.status_code}: {r.text[:300]}")
        return r

    def follow_link(self, link: str) -> str:
        """Open the nbgitpuller link in the 'browser' (hub redirect and OAuth included); return its page."""
        r = self.browser.get(link, timeout=60)
        if r.status_code != 200 or not r.url.startswith(f"{self.server_url}git-pull"):
            raise HubError(f"{self.name}: the nbgitpuller link ended at {r.url} with {r.status_code}")
        return r.text

    def git_pull(self, repo: str, branch: str = "main", targetpath: str = "crmlab") -> list[dict]:
        """What the nbgitpuller page's script does: read ``git-pull/api``'s event stream to the end."""
        params = {"repo": repo, "branch": branch, "targetpath": targetpath}
        events = []
        with self.browser.get(f"{self.server_url}git-pull/api", params=params, stream=True, timeout=self.timeout,
                              headers={"Authorization": f"token {self.token}"}) as r:
            r.raise_for_status()
            for line in r.iter_lines(decode_unicode=True):
                if line and line.startswith("data: "):
                    events.append(json.loads(line[len("data: "):]))
                    if events[-1].get("phase") in ("finished", "error"):
                        break
        if not events or events[-1].get("phase") != "finished":
            raise HubError(f"{self.name}: nbgitpuller did not finish: {events[-3:]}")
        return events

    def read_notebook(self, path: str) -> dict:
        return self.api("GET", f"contents/{path}", params={"content": 1, "type": "notebook"}).json()["content"]

    def save_notebook(self, path: str, nb: dict) -> None:
        self.api("PUT", f"contents/{path}", json={"type": "notebook", "format": "json", "content": nb})

    def open_kernel(self, path: str) -> Kernel:
        """Open ``path`` as JupyterLab does (a session: a python3 kernel in the notebook's folder)."""
        session = self.api("POST", "sessions", json={"path": path, "type": "notebook", "name": Path(path).name,
                                                     "kernel": {"name": "python3"}}).json()
        return Kernel(self, session["kernel"]["id"], session["id"])


class Kernel:
    """A kernel reached over the server's websocket (``api/kernels/<id>/channels``), as JupyterLab does."""

    def __init__(self, student: Student, kernel_id: str, session_id: str):
        import websocket

        self.student, self.id, self.session_id = student, kernel_id, session_id
        self.session = uuid.uuid4().hex
        ws_url = student.server_url.replace("http://", "ws://") + f"api/kernels/{kernel_id}/channels"
        self.ws = websocket.create_connection(ws_url, header=[f"Authorization: token {student.token}"],
                                              timeout=student.timeout, suppress_origin=True)
        self.comms: dict[str, dict] = {}  # comm_id -> the widget's latest state

    def close(self) -> None:
        try:
            self.ws.close()
        finally:
            self.student.api("DELETE", f"sessions/{self.session_id}")

    def _send(self, channel: str, msg_type: str, content: dict) -> str:
        msg_id = uuid.uuid4().hex
        header = {"msg_id": msg_id, "msg_type": msg_type, "username": self.student.name, "session": self.session,
                  "date": "", "version": "5.3"}
        self.ws.send(json.dumps({"header": header, "parent_header": {}, "metadata": {}, "content": content,
                                 "buffers": [], "channel": channel}))
        return msg_id

    def _recv(self, deadline: float) -> dict:
        from jupyter_server.services.kernels.connection.base import deserialize_binary_message

        self.ws.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            frame = self.ws.recv()
        except Exception as exc:  # websocket timeout or close
            raise HubError(f"{self.student.name}: kernel websocket: {type(exc).__name__}: {exc}") from exc
        msg = deserialize_binary_message(frame) if isinstance(frame, bytes) else json.loads(frame)
        # Keep each widget's latest state, as the frontend's widget manager does.
        kind, content = msg.get("msg_type"), msg.get("content", {})
        opened = kind == "comm_open" and content.get("target_name") == "jupyter.widget"
        if opened or (kind == "comm_msg" and content["comm_id"] in self.comms
                      and content["data"].get("method") in ("update", "echo_update")):
            data = content["data"]
            state = self.comms.setdefault(content["comm_id"], {})
            state.update(data.get("state", {}))
            for path, buffer in zip(data.get("buffer_paths", []), msg.get("buffers", [])):
                if len(path) == 1:  # binary traits (an Image's bytes) travel as buffers
                    state[path[0]] = bytes(buffer)
        return msg

    def execute(self, code: str, timeout: float = 120, on_message=None) -> tuple[list[dict], dict]:
        """Run ``code``; return its outputs (nbformat dicts) and the execute_reply content."""
        import nbformat

        msg_id = self._send("shell", "execute_request", {"code": code, "silent": False, "store_history": True,
                                                        "user_expressions": {}, "allow_stdin": False,
                                                        "stop_on_error": True})
        outputs: list[dict] = []
        reply, idle = None, False
        deadline = time.monotonic() + timeout
        clear_next = False
        while reply is None or not idle:
            if time.monotonic() > deadline:
                raise HubError(f"{self.student.name}: a cell did not finish within {timeout:.0f} s: {code[:80]!r}")
            msg = self._recv(deadline)
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg["msg_type"]
            if on_message:
                on_message(msg)
            if msg["channel"] == "shell" and kind == "execute_reply":
                reply = msg["content"]
            elif kind == "status" and msg["content"]["execution_state"] == "idle":
                idle = True
            elif kind == "clear_output":
                if msg["content"].get("wait"):
                    clear_next = True
                else:
                    outputs.clear()
            elif kind in ("stream", "display_data", "execute_result", "error"):
                if clear_next:
                    outputs.clear()
                    clear_next = False
                outputs.append(nbformat.v4.output_from_msg(msg))
        return outputs, reply

    def run_notebook(self, nb: dict, timeout: float = 120) -> list[list[dict]]:
        """Run every code cell in order, like *Run All*; stop at the first error unless tagged raises-exception."""
        results = []
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            outputs, reply = self.execute(source, timeout)
            results.append(outputs)
            if reply["status"] != "ok" and "raises-exception" not in cell.get("metadata", {}).get("tags", []):
                raise HubError(f"{self.student.name}: cell failed: {reply.get('ename')}: {reply.get('evalue')}")
        return results

    def move(self, comm_id: str, value, watch: str, timeout: float = 60) -> tuple[float, str, list[dict]]:
        """Send the slider's comm update (as a frontend does when it is dragged) and wait for ``watch``.

        Returns the seconds from sending the change until the kernel's update of widget ``watch``
        (the planner's figure, an HTML widget) with a new SVG ``value`` arrived, that SVG, and every
        widget update seen meanwhile. The planner coalesces changes and sends its update just after
        the kernel reports idle, under the same parent message, so both are waited for.
        """
        before = self.comms.get(watch, {}).get("value")
        start = time.monotonic()
        msg_id = self._send("shell", "comm_msg", {"comm_id": comm_id, "data": {
            "method": "update", "state": {"value": value}, "buffer_paths": []}})
        deadline = start + timeout
        figure, elapsed, updates, idle = None, None, [], False
        while figure is None or not idle:
            if time.monotonic() > deadline:
                raise HubError(f"{self.student.name}: no new figure within {timeout:.0f} s of moving the planner")
            msg = self._recv(deadline)
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "comm_msg":
                data = msg["content"]["data"]
                updates.append({"comm_id": msg["content"]["comm_id"], **data})
                svg = data.get("state", {}).get("value")
                if msg["content"]["comm_id"] == watch and isinstance(svg, str) and SVG in svg \
                        and svg != before and figure is None:
                    figure, elapsed = svg, time.monotonic() - start
            elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                idle = True
        return elapsed, figure, updates


# -- comparing a student's outputs with a reference run -----------------------------------------
_VOLATILE = [
    (re.compile(r"0x[0-9a-fA-F]{6,16}"), "0xADDRESS"),
    (re.compile(r"/tmp/[A-Za-z0-9_./-]+"), "/TMP/PATH"),
    (re.compile(r"kernel-[0-9a-f-]+\.json"), "kernel-ID.json"),
]
# A student's first kernel builds matplotlib's font cache in their own home and says so on stderr.
_FONT_CACHE = re.compile(r"^Matplotlib is building the font cache; this may take a moment\.\n", re.M)


def _clean(text, paths=()) -> str:
    text = text if isinstance(text, str) else "".join(text)
    for p in paths:
        text = text.replace(str(p), "PATH")
    for pattern, repl in _VOLATILE:
        text = pattern.sub(repl, text)
    return text


def comparable(outputs: list[dict], paths=()) -> list[tuple]:
    """The outputs of one cell as plain tuples, without what legitimately differs between two runs.

    Consecutive stream chunks are joined (the kernel may split them differently), widget views
    lose their random model id, and addresses and temporary paths are masked as nbval's
    sanitiser does. Text, HTML, PNG and every other MIME type are kept and compared exactly.
    """
    out: list[tuple] = []
    for o in outputs:
        kind = o["output_type"]
        if kind == "stream":
            text = _FONT_CACHE.sub("", _clean(o["text"], paths))
            if out and out[-1][0] == "stream" and out[-1][1] == o["name"]:
                out[-1] = ("stream", o["name"], out[-1][2] + text)
            else:
                out.append(("stream", o["name"], text))
        elif kind in ("display_data", "execute_result"):
            data = []
            for mime, value in sorted(o["data"].items()):
                if mime == "application/vnd.jupyter.widget-view+json":
                    value = {k: v for k, v in value.items() if k != "model_id"}
                elif mime.startswith("text/") or mime.endswith("json"):
                    value = _clean(value if isinstance(value, str) else json.dumps(value, sort_keys=True), paths)
                data.append((mime, value if isinstance(value, str) else json.dumps(value, sort_keys=True)))
            out.append((kind, tuple(data)))
        elif kind == "error":
            out.append(("error", o["ename"], _clean(o["evalue"], paths)))
    return [o for o in out if not (o[0] == "stream" and o[2] == "")]


# -- what every simulated student does first -----------------------------------------------------
PLANNER_CELL = """\
from crmlab.widgets import tco_planner
planner = tco_planner()
display(planner)
print(planner.controls["users"].model_id, planner.figure.model_id, planner.verdict.model_id)
"""


def arrive(hub: LocalHub, name: str, repo_url: str, urlpath: str, timeout: float = 120) -> tuple[Student, dict]:
    """A student logs in, starts a server, clicks the course's nbgitpuller link and lets it pull.

    Returns the student and the seconds each step took (``login``, ``spawn``, ``pull``).
    """
    seconds = {}
    student = Student(hub, name, timeout=timeout)
    t = time.monotonic()
    student.log_in()
    seconds["login"] = time.monotonic() - t
    seconds["spawn"] = student.start_server()
    t = time.monotonic()
    page = student.follow_link(gitpuller_link(hub.url, repo_url, urlpath))
    if "git-pull" not in page:
        raise HubError(f"{name}: the nbgitpuller link did not open nbgitpuller's page")
    student.git_pull(repo_url)
    seconds["pull"] = time.monotonic() - t
    return student, seconds


def open_planner(kernel: Kernel) -> dict:
    """Show a TCO planner in ``kernel``; return the comm ids of its users slider, figure and verdict."""
    outputs, reply = kernel.execute(PLANNER_CELL)
    if reply["status"] != "ok":
        raise HubError(f"{kernel.student.name}: the planner cell failed: {reply.get('evalue')}")
    text = "".join(o["text"] for o in outputs if o["output_type"] == "stream" and o["name"] == "stdout")
    users, image, verdict = text.split()
    return {"users": users, "image": image, "verdict": verdict}
