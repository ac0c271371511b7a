"""The ``ownit`` command-line contract: subcommands, exit codes, messages, and ``start``."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest

from conftest import ROOT

OWNIT = [sys.executable, "-m", "ownit.cli"]


def run(*args, cwd=ROOT, env=None):
    return subprocess.run([*OWNIT, *args], cwd=cwd, capture_output=True, text=True,
                          env=env, timeout=120, check=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_help_lists_the_four_commands():
    result = run("--help")
    assert result.returncode == 0
    for command in ("start", "check", "release", "grade"):
        assert f"    {command} " in result.stdout


@pytest.mark.parametrize("args", [[], ["frobnicate"], ["grade", "subs"], ["start", "--port", "x"]],
                         ids=["nothing", "unknown-command", "grade-without-out", "bad-port"])
def test_bad_arguments_exit_2_with_a_message(args):
    result = run(*args)
    assert result.returncode == 2
    assert "usage: ownit" in result.stderr and "error:" in result.stderr


def test_outside_a_course_it_says_where_to_run(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "OWNIT_ROOT"}
    env["OWNIT_ROOT"] = str(tmp_path)
    result = run("release", "--check", cwd=tmp_path, env=env)
    assert result.returncode == 2
    assert "OWNIT_ROOT" in result.stderr and "not an Own It course root" in result.stderr


def test_release_check_passes_on_the_committed_exercises():
    result = run("release", "--check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "up to date" in result.stdout


def test_start_serves_the_course_on_loopback_and_stops():
    port = free_port()
    proc = subprocess.Popen([*OWNIT, "start", "--no-browser", "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api", timeout=2) as r:
                    status = r.status
                    break
            except OSError:
                time.sleep(0.5)
        assert status == 200, "JupyterLab did not answer on 127.0.0.1"
        # Bound to loopback only: every socket the server listens on is a loopback address.
        import psutil

        server = psutil.Process(proc.pid)
        listening = [c.laddr.ip for p in (server, *server.children(recursive=True))
                     for c in p.net_connections(kind="inet") if c.status == psutil.CONN_LISTEN
                     and c.laddr.port == port]
        assert listening and all(ip in ("127.0.0.1", "::1") for ip in listening), listening
        # ... and it opens on the start notebook.
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
            assert "/lab/tree/course/00_start_here.ipynb" in urllib.parse.unquote(r.url), r.url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        needed_kill = False
        try:
            proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            needed_kill = True
    assert not needed_kill, "the server did not stop within 20 s of SIGTERM"


def test_start_refuses_a_busy_port_with_advice():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        result = run("start", "--no-browser", "--port", str(port))
    assert result.returncode == 2
    assert "already in use" in result.stderr and f"--port {port + 1}" in result.stderr


def test_check_skips_the_iri_grammar_and_still_validates_notebooks(tmp_path):
    """ownit check leaves out rfc3987_syntax (0.6 s of Lark grammar, for a format no notebook
    schema uses); nbformat's validation still rejects a broken notebook."""
    broken = tmp_path / "broken.ipynb"
    broken.write_text('{"cells": 3, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    code = ("import sys\nfrom ownit.cli import main\ncode = main(['check', sys.argv[1]])\n"
            "print('LOADED' if sys.modules.get('rfc3987_syntax') else 'SKIPPED', code)\n")
    result = subprocess.run([sys.executable, "-c", code, str(broken)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120, check=False)
    assert "SKIPPED 2" in result.stdout, result.stdout + result.stderr
    assert "is not a valid notebook" in result.stderr


def test_check_ends_without_pythons_teardown_after_its_exit_handlers(tmp_path):
    """ownit check (run as the command) skips the 0.3-0.4 s of module teardown: exit handlers
    still run, output still arrives whole, the exit code is the check's; other commands end as
    usual."""
    broken = tmp_path / "broken.ipynb"
    broken.write_text('{"cells": 3, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    code = ("import atexit, sys\nfrom ownit.cli import run\n"
            "class Torn:\n    def __del__(self):\n        print('TORN DOWN', flush=True)\n"
            "keep = Torn()\n"
            "atexit.register(lambda: print('EXIT HANDLERS RAN', flush=True))\n"
            "sys.argv = ['ownit', *sys.argv[1:]]\nprint('x' * 100000)\nrun()\n")
    ended = {}
    for command in (["check", str(broken)], ["bus-factor", str(tmp_path / "no-repo")]):
        result = subprocess.run([sys.executable, "-c", code, *command], cwd=ROOT,
                                capture_output=True, text=True, timeout=120, check=False)
        assert "x" * 100000 in result.stdout and "EXIT HANDLERS RAN" in result.stdout
        ended[command[0]] = (result.returncode, "TORN DOWN" in result.stdout)
    assert ended["check"] == (2, False)
    assert ended["bus-factor"][1] is True and ended["bus-factor"][0] != 0
