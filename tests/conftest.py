"""Shared fixtures: real sandbox processes over loopback, sample inputs."""

from __future__ import annotations

import asyncio
import faulthandler
import gc
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")
# No test asks the real release host whether a newer version is out: a weekly check that comes
# due (an old profile) meets a closed loopback port; tests/gui/test_updates.py sets its own.
os.environ.setdefault("AURORA_UPDATE_URL", "http://127.0.0.1:9/version_info.json")

from aurora_desktop.api import AuroraClient, Credentials
from aurora_desktop.api.retry import RetryPolicy
from aurora_desktop.paths import resource
from aurora_desktop.sandbox.process import SandboxProcess

SAMPLE_IMAGE = resource("samples", "portrait.png")
SAMPLE_AUDIO = resource("samples", "voice.wav")
# Qt's messages: one handler for the whole run, in place of pytest-qt's per-test one (why: there).
pytest_plugins = ["tests.qt_messages"]

FAST_RETRY = RetryPolicy(attempts=4, total_seconds=10, initial_wait=0.05, max_wait=2.0, jitter=0.05)


@pytest.fixture(scope="session", autouse=True)
def _qt_application(qapp: Any) -> Any:
    """Decoding audio and rendering (media/decode.py, media/encode.py) go through Qt's FFmpeg,
    which needs Qt's application object; the GUI tests need it to be a QApplication, so
    pytest-qt's is made before any test, on the main thread, as the window makes it.

    Qt's media plugin is loaded here too, once, on the main thread. The suite's message
    handler is Python (tests/qt_messages.py): loaded by two decoding threads at once, the
    plugin's load-time messages would wait for the GIL under a Qt mutex that the other thread,
    holding the GIL, waits for (media/qt_threads.ensure_app() says how that hung the sandbox)."""
    from PySide6.QtMultimedia import QMediaDevices

    QMediaDevices.audioOutputs()
    return qapp


def make_wav(path: Path, seconds: float, rate: int = 8000) -> Path:
    """A mono 16-bit WAV of a quiet constant tone, `seconds` long."""
    import wave

    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\x00\x10" * int(seconds * rate))
    return path


def tone_wav(path: Path, parts: list[tuple[float, int]], rate: int = 8000) -> Path:
    """A mono 16-bit WAV of (seconds, amplitude) parts: 0 is silence, 6000 a clear tone."""
    import math
    import struct
    import wave

    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        for seconds, amplitude in parts:
            w.writeframes(
                b"".join(
                    struct.pack("<h", int(amplitude * math.sin(2 * math.pi * 300 * n / rate)))
                    for n in range(int(seconds * rate))
                )
            )
    return path


def run(coro: Any) -> Any:
    """Run one coroutine on a fresh loop (domain tests need no Qt loop). GUI tests keep
    a qasync loop marked as running on this thread; step aside from it meanwhile."""
    qt_loop = asyncio.events._get_running_loop()
    asyncio.events._set_running_loop(None)
    try:
        return asyncio.run(coro)
    finally:
        if qt_loop is not None:
            asyncio.events._set_running_loop(qt_loop)
            asyncio.set_event_loop(qt_loop)


class Sandbox:
    """A running sandbox process plus handy calls for tests."""

    def __init__(self, proc: SandboxProcess) -> None:
        self.proc = proc
        self.url = proc.url
        self.headers = {"X-API-ID": proc.api_id, "X-API-KEY": proc.api_key}

    def credentials(self) -> Credentials:
        return Credentials(self.proc.api_id, self.proc.api_key)

    def client(self, **kwargs: Any) -> AuroraClient:
        kwargs.setdefault("retry", FAST_RETRY)
        return AuroraClient(self.credentials(), self.url, **kwargs)

    def host(self, path: Path | bytes, name: str = "file.bin") -> str:
        data = path if isinstance(path, bytes) else path.read_bytes()
        if not isinstance(path, bytes):
            name = path.name
        r = httpx.put(f"{self.url}/sandbox/files/{name}", content=data, headers=self.headers)
        r.raise_for_status()
        return r.json()["url"]

    def stats(self) -> dict[str, Any]:
        return httpx.get(f"{self.url}/sandbox/stats").json()

    def fault(self, **fault: Any) -> None:
        httpx.post(f"{self.url}/sandbox/faults", json=fault, headers=self.headers).raise_for_status()


@pytest.fixture
def make_sandbox(tmp_path: Path) -> Iterator[Callable[..., Sandbox]]:
    started: list[SandboxProcess] = []

    def factory(*args: str) -> Sandbox:
        proc = SandboxProcess(
            ["--job-seconds", "1", *args], stderr_path=tmp_path / f"sandbox-{len(started)}.log"
        ).start()
        started.append(proc)
        return Sandbox(proc)

    yield factory
    for proc in started:
        proc.stop()


@pytest.fixture(scope="session")
def shared_sandbox() -> Iterator[Sandbox]:
    """One sandbox for tests that only read or create independent jobs."""
    with SandboxProcess(["--job-seconds", "1", "--credits", "100000"]) as proc:
        yield Sandbox(proc)


@pytest.fixture(scope="session")
def sample_urls(shared_sandbox: Sandbox) -> tuple[str, str]:
    return shared_sandbox.host(SAMPLE_IMAGE), shared_sandbox.host(SAMPLE_AUDIO)


# ----------------------------------------------------------------------------- the headless command

import json  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402


def cli_env(sb: Sandbox | None = None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AURORA_")}
    if sb is not None:
        env.update(AURORA_API_ID=sb.proc.api_id, AURORA_API_KEY=sb.proc.api_key)
    env.update(extra)
    return env


def cli_args(sb: Sandbox, profile: Path, *args: str) -> list[str]:
    """`aurora-desktop <args>` against an already running sandbox (survives the command being killed)."""
    return [
        sys.executable,
        "-m",
        "aurora_desktop",
        *args,
        "--profile",
        str(profile),
        "--api-base",
        sb.url,
        "--hosting",
        "sandbox",
    ]


def run_cli(args: list[str], env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def list_jobs(profile: Path) -> list[dict[str, Any]]:
    """`aurora-desktop jobs --json` for a profile."""
    listing = run_cli([sys.executable, "-m", "aurora_desktop", "jobs", "--json", "--profile", str(profile)], cli_env())
    assert listing.returncode == 0, listing.stderr
    return json.loads(listing.stdout)


def interrupted_while_hosting(sb: Sandbox, profile: Path) -> dict[str, Any]:
    """A profile with one job that has not reached Creatify yet: `run` killed while uploading."""
    delays = sb.stats()["faults"].get("delay", 0)
    sb.fault(kind="delay", seconds=30, method="PUT", path="/sandbox/files/")
    args = cli_args(sb, profile, "run", "--image", str(SAMPLE_IMAGE), "--audio", str(SAMPLE_AUDIO))
    with subprocess.Popen(
        args, env=cli_env(sb), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL
    ) as proc:
        deadline = time.monotonic() + 60
        while sb.stats()["faults"].get("delay", 0) == delays:  # until its first upload is held at the service
            assert proc.poll() is None and time.monotonic() < deadline, "the upload never started"
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
    [job] = list_jobs(profile)
    assert job["state"] == "hosting"
    return job


# ----------------------------------------------------------------------------- S3 (moto server on loopback)

import socket  # noqa: E402
import time  # noqa: E402


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real S3-protocol server (moto in server mode) on a free loopback port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = open(tmp_path_factory.mktemp("moto") / "moto.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(url + "/moto-api/", timeout=1)
            break
        except httpx.HTTPError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("moto server did not start") from None
            time.sleep(0.2)
    yield url
    proc.terminate()
    proc.wait(10)
    log.close()


S3_KEY_ID, S3_SECRET = "AKIAAURORATEST", "aurora-test-secret"


@pytest.fixture
def s3_bucket(s3_server: str) -> Iterator[str]:
    """A fresh bucket; yields its name. boto3 (from moto) only sets the bucket up."""
    import uuid

    import boto3

    name = f"aurora-{uuid.uuid4().hex[:12]}"
    s3 = boto3.client(
        "s3",
        endpoint_url=s3_server,
        aws_access_key_id=S3_KEY_ID,
        aws_secret_access_key=S3_SECRET,
        region_name="us-east-1",
    )
    s3.create_bucket(Bucket=name)
    yield name


def bucket_keys(s3_server: str, bucket: str) -> list[str]:
    import boto3

    s3 = boto3.client(
        "s3",
        endpoint_url=s3_server,
        aws_access_key_id=S3_KEY_ID,
        aws_secret_access_key=S3_SECRET,
        region_name="us-east-1",
    )
    return [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]


# ----------------------------------------------------------------------------- Quick-link host stand-ins


class TempHost:
    """One stand-in temporary file host (tests/e2e/helpers/temp_hosts.py) in its own process."""

    def __init__(self, protocol: str, proc: subprocess.Popen[bytes], url: str) -> None:
        self.protocol, self.proc, self.url = protocol, proc, url

    def mode(self, mode: str) -> None:
        httpx.post(f"{self.url}/_mode", json={"mode": mode}).raise_for_status()

    def log(self) -> dict[str, Any]:
        return httpx.get(f"{self.url}/_log").json()

    def events(self, kind: str) -> list[dict[str, Any]]:
        return [e for e in self.log()["events"] if e["event"] == kind]

    def reset(self) -> None:
        httpx.post(f"{self.url}/_reset").raise_for_status()


QUICK_PROTOCOLS = ("0x0", "litterbox", "tmpfiles")


@pytest.fixture(scope="session")
def _temp_host_processes() -> Iterator[dict[str, TempHost]]:
    hosts: dict[str, TempHost] = {}
    try:
        for protocol in QUICK_PROTOCOLS:
            proc = subprocess.Popen(
                [sys.executable, "-m", "tests.e2e.helpers.temp_hosts", "--protocol", protocol],
                stdout=subprocess.PIPE,
                stdin=subprocess.DEVNULL,
                cwd=Path(__file__).parent.parent,
            )
            assert proc.stdout is not None
            url = proc.stdout.readline().decode().strip()
            if not url:
                raise RuntimeError(f"the {protocol} stand-in did not start")
            hosts[protocol] = TempHost(protocol, proc, url)
        yield hosts
    finally:
        for host in hosts.values():
            host.proc.terminate()
            try:
                host.proc.wait(10)
            except subprocess.TimeoutExpired:
                host.proc.kill()
                host.proc.wait()
            if host.proc.stdout:
                host.proc.stdout.close()


@pytest.fixture
def temp_hosts(_temp_host_processes: dict[str, TempHost], monkeypatch: pytest.MonkeyPatch) -> dict[str, TempHost]:
    """The three stand-ins, reset, and the app pointed at them (in that order) instead of the real hosts."""
    from aurora_desktop.hosting.quick import HOSTS_ENV

    for host in _temp_host_processes.values():
        host.reset()
    monkeypatch.setenv(HOSTS_ENV, ",".join(f"{p}={h.url}" for p, h in _temp_host_processes.items()))
    return _temp_host_processes


# ----------------------------------------------------------------------------- hangs

# pytest-timeout (300 s, pyproject.toml) fails a slow test and goes on, but its signal is
# handled only when Python code runs: a test stuck inside Qt's C++ (a media backend joining
# its threads, say) never sees it, and the run would hang until CI kills it with nothing
# to show. This watchdog is a C thread: a minute after that, it prints every thread's
# Python stack to the terminal and ends the run (exit 1).
HANG_SECONDS = 360
_TERMINAL_FD: list[int] = []


def pytest_configure(config: pytest.Config) -> None:
    _TERMINAL_FD.append(os.dup(2))  # the real stderr, not the per-test capture


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    faulthandler.dump_traceback_later(HANG_SECONDS, exit=True, file=_TERMINAL_FD[0])
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()


# ----------------------------------------------------------------------------- process exit

_EXIT_STATUS: list[int] = []


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _EXIT_STATUS.append(int(exitstatus))


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """After GUI tests, PySide6 objects that pytest-qt keeps alive to the end can crash
    the interpreter's final garbage collection (a shiboken refcount error; exit 134)
    after every result is already reported. Skip that finalisation, keep the status."""
    if "PySide6.QtWidgets" in sys.modules and _EXIT_STATUS:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_EXIT_STATUS[-1])


@pytest.fixture(autouse=True)
def _collect_garbage() -> Iterator[None]:
    """A leaked file or socket held in a reference cycle warns only when the cycle is
    collected, which can be several tests later: collect after each test so such a
    leak is reported by the test that made it rather than by a bystander."""
    yield
    gc.collect()


# ----------------------------------------------------------------------------- one OS only

# What only a real Windows or macOS machine can show (the platform's own programs and
# folders) is marked so; everything else is tested on Linux with the platform injected.
_ONLY_ON = {"windows_only": "win32", "macos_only": "darwin"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        only = {marker: platform for marker, platform in _ONLY_ON.items() if item.get_closest_marker(marker)}
        if only and sys.platform not in only.values():  # both markers: either OS runs it
            item.add_marker(pytest.mark.skip(reason=f"{' or '.join(only)}: runs on that OS's CI runner"))
