"""Run the page with uvicorn on 127.0.0.1 and, with --open, show it in the default browser."""
from __future__ import annotations

import socket
import sys
import threading
import time
import webbrowser

from ..errors import ReportLintError
from .app import WebSettings, create_app

HOST = "127.0.0.1"  # never another interface: the drafts stay on this machine


def bind(port: int) -> socket.socket:
    """The listening socket, or a one-line error when the port is taken."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if sys.platform != "win32":  # on Windows SO_REUSEADDR would let two servers share the port
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, port))
    except OSError as e:
        sock.close()
        raise ReportLintError("port-in-use", f"无法使用端口 {port}（{e.strerror}）：请用 --port 指定其他端口",
                              f"cannot use port {port} ({e.strerror}): choose another with --port") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def serve(settings: WebSettings, port: int = 8765, open_browser: bool = False, announce=None) -> None:
    """Serve until Ctrl+C. `announce(url)` is called once the server accepts connections."""
    import uvicorn

    sock = bind(port)
    url = f"http://{HOST}:{sock.getsockname()[1]}/"
    server = uvicorn.Server(uvicorn.Config(create_app(settings), log_level="warning", access_log=False,
                                           lifespan="on", server_header=False))

    def when_up() -> None:
        while not server.started and not server.should_exit:
            time.sleep(0.05)
        if server.started:
            if announce is not None:
                announce(url)
            if open_browser:
                webbrowser.open(url)

    threading.Thread(target=when_up, daemon=True).start()
    server.run(sockets=[sock])

