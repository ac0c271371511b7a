"""The manager of every kernel that runs learner code, sandboxed or not.

jupyter_client's own manager and client, with three changes:

- The kernel's sockets are Unix sockets in a folder of its own (mode 0700), not TCP ports on
  127.0.0.1: no other local user can reach them, and ipykernel has no reason to print its
  warning about unencrypted TCP into the learner's terminal.
- A client is ready as soon as its kernel is. jupyter_client's ``wait_for_ready`` ends by
  reading IOPub until it has been silent for 0.2 s: every kernel start paid 0.2 s of waiting
  (a fifth of an ``ownit check``). This one waits for the kernel to report itself idle after
  its kernel_info request instead, the last message the kernel sends for it.
- A killed kernel's end is noticed within milliseconds. jupyter_client polls for it every 0.1 s;
  a kill lands in one or two, and every submission pays the wait between its last cell and the
  next submission's kernel (``ownit check`` pays it before it can answer).

This module imports only jupyter_client, so that ``ownit check`` can start its kernel before
anything heavy is imported (:mod:`autograder.warm_kernel`).
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
import time
from pathlib import Path
from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from traitlets import Type

# How often the end of a killed kernel is looked for.
END_POLL_SECONDS = 0.005
# How long a kernel_info request's reply is waited for before it is asked again, and then its
# idle status on IOPub (not seen in time: IOPub was not connected yet; ask again). jupyter_client's
# own figures.
REPLY_SECONDS = 1.0
IOPUB_SECONDS = 0.2


class PromptKernelClient(AsyncKernelClient):
    """jupyter_client's client, ready as soon as its kernel is (see the module)."""

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            request = self.kernel_info()
            reply = await self._message(self.shell_channel, request, "kernel_info_reply",
                                        REPLY_SECONDS)
            # Everything the kernel sent on IOPub before is read and dropped on the way, as
            # jupyter_client's flush drops it.
            if reply is not None and await self._message(self.iopub_channel, request, "status",
                                                          IOPUB_SECONDS, state="idle"):
                self._handle_kernel_info_reply(reply)
                return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")

    @staticmethod
    async def _message(channel, request: str, kind: str, seconds: float,
                       state: str | None = None) -> dict | None:
        """The first message of type ``kind`` answering ``request`` within ``seconds``."""
        until = time.monotonic() + seconds
        while (left := until - time.monotonic()) > 0:
            try:
                msg = await channel.get_msg(timeout=left)
            except Empty:
                return None
            if msg.get("msg_type") == kind and \
                    msg.get("parent_header", {}).get("msg_id") == request and \
                    (state is None or msg.get("content", {}).get("execution_state") == state):
                return msg
        return None


class PromptKernelManager(AsyncKernelManager):
    """jupyter_client's manager with private sockets, a prompt client and a prompt end (see
    the module)."""

    client_factory = Type(PromptKernelClient, klass=AsyncKernelClient)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._sockets = self._socket_folder()
        self.transport = "ipc"
        # A Unix socket's path has a limit of about 100 bytes: keep the folder's path short.
        self.ip = str(self._sockets / "kernel")
        self.connection_file = str(self._sockets / "kernel.json")

    def _socket_folder(self) -> Path:
        """A new private folder for the kernel's sockets and connection file."""
        return Path(tempfile.mkdtemp(prefix="ownit-kernel-"))

    async def _async_wait(self, pollinterval: float = 0.1) -> None:
        # Called through self by jupyter_client's kill (with a 5 s deadline around it).
        while await self._async_is_alive():
            await asyncio.sleep(min(pollinterval, END_POLL_SECONDS))

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        # jupyter_client's shutdown_kernel calls this through self (an override of
        # _async_shutdown_kernel would never run: see STACK-NOTES in docs/trust-boundary.md).
        try:
            await super()._async_cleanup_resources(restart=restart)
        finally:
            if not restart:
                shutil.rmtree(self._sockets, ignore_errors=True)

    async def cleanup_resources(self, restart: bool = False) -> None:
        # nbclient calls this directly when the kernel is already dead; AsyncKernelManager binds
        # it to the base class's coroutine, which would skip the override above.
        await self._async_cleanup_resources(restart=restart)
