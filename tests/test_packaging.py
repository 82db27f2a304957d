"""A built wheel carries criteria, templates and static files, and serves the demo from them."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
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
        assert "Loaded the demo organizations" in banner
        base = f"http://127.0.0.1:{port}"
        login_page = fetch(base + "/login")
        assert "Demo accounts" in login_page
        # The compiled Chinese catalogue ships in the wheel, and a browser asking for Chinese
        # gets the interface in Chinese.
        assert (installed_wheel / "assessor" / "translations" / "zh_Hans_CN" / "LC_MESSAGES"
                / "messages.mo").is_file()
        request = urllib.request.Request(base + "/login", headers={"Accept-Language": "zh-CN"})
        with urllib.request.urlopen(request, timeout=10) as response:
            chinese = response.read().decode()
        assert '<html lang="zh-CN"' in chinese and "演示账户" in chinese
        home = sign_in_and_fetch(base, "coordinator", "demo", login_page)
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


def sign_in_and_fetch(base: str, username: str, password: str, login_page: str) -> str:
    """Sign in through the real form (cookie and CSRF token) and return the home page."""
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    body = urllib.parse.urlencode({"username": username, "password": password,
                                   "csrf_token": token}).encode()
    with OPENER.open(base + "/login", data=body, timeout=10) as response:
        return response.read().decode()


# One cookie jar for the test: the CSRF token belongs to the session cookie it came with.
OPENER = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))


def fetch(url: str, attempts: int = 50) -> str:
    for _ in range(attempts):
        try:
            with OPENER.open(url, timeout=5) as response:
                return response.read().decode()
        except urllib.error.URLError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer")
