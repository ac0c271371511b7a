"""The manager of every graded kernel: private Unix sockets, a client ready as soon as its
kernel is, a killed kernel's end noticed at once (the sandboxed manager builds on it: the
sandbox tests run it)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from jupyter_core.utils import run_sync

from autograder import kernel_manager
from autograder.kernel_manager import END_POLL_SECONDS, PromptKernelClient, PromptKernelManager


def test_a_kernels_sockets_are_unix_sockets_in_a_folder_of_its_own_removed_at_its_end():
    km = PromptKernelManager(kernel_name="python3")
    run_sync(km.start_kernel)(extra_arguments=["--HistoryManager.hist_file=:memory:"])
    try:
        kc = km.client()
        kc.start_channels()
        assert isinstance(kc, PromptKernelClient)
        run_sync(kc.wait_for_ready)(timeout=60)  # it answers over those sockets
        # Ready means IOPub is connected: the first cell's output is not lost.
        seen = []
        reply = run_sync(kc.execute_interactive)("print('first words')", timeout=60,
                                                 output_hook=seen.append)
        assert reply["content"]["status"] == "ok"
        assert [m["content"]["text"] for m in seen if m["msg_type"] == "stream"] == \
            ["first words\n"]
        kc.stop_channels()
        info = km.get_connection_info()
        folder = Path(km.connection_file).parent
        assert info["transport"] == "ipc" and info["ip"].startswith(str(folder))
        assert folder.stat().st_mode & 0o777 == 0o700  # no other user may connect
        sockets = [p for p in folder.iterdir() if p.is_socket()]
        assert len(sockets) >= 5, sorted(p.name for p in folder.iterdir())
    finally:
        run_sync(km.shutdown_kernel)(now=True)
    assert not folder.exists()


def test_the_end_of_a_killed_kernel_is_looked_for_every_few_milliseconds(monkeypatch):
    km = PromptKernelManager(kernel_name="python3")
    alive = iter([True, True, True, False])
    waits = []

    async def is_alive():
        return next(alive)

    async def sleep(seconds):
        waits.append(seconds)

    monkeypatch.setattr(km, "_async_is_alive", is_alive)
    monkeypatch.setattr(kernel_manager.asyncio, "sleep", sleep)
    asyncio.run(km._async_wait())  # jupyter_client's kill calls it with its default of 0.1 s
    assert waits == [END_POLL_SECONDS] * 3 and END_POLL_SECONDS <= 0.01
    run_sync(km.cleanup_resources)()


class FakeChannel:
    """Answers get_msg from a script: a message factory of the request id, or Empty."""

    def __init__(self, script):
        self.script, self.request = list(script), None

    async def get_msg(self, timeout=None):
        step = self.script.pop(0)
        if step is None:
            from queue import Empty

            raise Empty
        return step(self.request)


def reply(request):
    return {"msg_type": "kernel_info_reply", "parent_header": {"msg_id": request},
            "content": {"protocol_version": "5.3"}}


def status(state, of_request=True):
    return lambda request: {"msg_type": "status", "content": {"execution_state": state},
                            "parent_header": {"msg_id": request if of_request else "other"}}


def fake_client(shell, iopub, alive=True):
    kc = PromptKernelClient()
    asked = []

    def kernel_info():
        asked.append(f"request-{len(asked)}")
        kc.shell_channel.request = kc.iopub_channel.request = asked[-1]
        return asked[-1]

    async def is_alive():
        return alive

    kc.kernel_info, kc._async_is_alive = kernel_info, is_alive
    kc._shell_channel, kc._iopub_channel = FakeChannel(shell), FakeChannel(iopub)
    return kc, asked


def test_the_client_is_ready_at_the_idle_that_answers_its_own_request():
    # Older messages (another request's idle, the kernel's busy) are read past, not taken.
    kc, asked = fake_client([reply], [status("idle", of_request=False), status("busy"),
                                      status("idle")])
    asyncio.run(kc.wait_for_ready(timeout=5))
    assert asked == ["request-0"] and kc.iopub_channel.script == []


def test_the_client_asks_again_when_iopub_missed_the_answer():
    # No idle on IOPub (it was not connected yet): ask again, as jupyter_client does.
    kc, asked = fake_client([reply, reply], [None, status("idle")])
    asyncio.run(kc.wait_for_ready(timeout=5))
    assert asked == ["request-0", "request-1"]


def test_a_kernel_that_died_before_answering_is_said_to_have():
    kc, _ = fake_client([None], [], alive=False)
    try:
        asyncio.run(kc.wait_for_ready(timeout=5))
    except RuntimeError as exc:
        assert "died before replying" in str(exc)
    else:
        raise AssertionError("a dead kernel was taken for ready")
