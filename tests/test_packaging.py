"""A built wheel carries criteria, templates and static files, and serves the demo from them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from this checkout, unpacked into a folder of its own."""
    build = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w",
                    str(build), str(ROOT)], check=True)
    [wheel] = build.glob("assessor-*.whl")
    target = tmp_path_factory.mktemp("site")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                    "--target", str(target), str(wheel)], check=True)
    return target


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_wheel_serves_the_demo_without_the_checkout(installed_wheel: Path, tmp_path: Path
                                                    ) -> None:
    # Run from an empty folder with the unpacked wheel first on the path: nothing may come
    # from the checkout (its criteria/, templates/ or static/).
    env = dict(os.environ, PYTHONPATH=str(installed_wheel), ASSESSOR_DATA_DIR=str(tmp_path / "d"))
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", "from assessor.serve import main; main()", "serve",
         "--port", str(port)],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        banner = ""
        while f"127.0.0.1:{port}" not in banner:
            line = server.stdout.readline()
            assert line, f"the server stopped before serving:\n{banner}"
            banner += line
        assert "Loaded the demo assessment" in banner
        home = fetch(f"http://127.0.0.1:{port}/")
        assert "Lakeside Precision Components" in home
        css = fetch(f"http://127.0.0.1:{port}/static/vendor/pico-2.1.1.min.css")
        assert len(css) > 10_000
        where = subprocess.run(
            [sys.executable, "-c", "import assessor.paths as p; print(p.criteria_dir())"],
            cwd=tmp_path, env=env, capture_output=True, text=True, check=True).stdout
        assert where.strip().startswith(str(installed_wheel))
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stdout.close()


def fetch(url: str, attempts: int = 50) -> str:
    for _ in range(attempts):
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode()
        except urllib.error.URLError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer")
