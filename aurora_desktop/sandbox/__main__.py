"""Run the sandbox: python -m aurora_desktop.sandbox --help."""

from __future__ import annotations

import logging
import os
import socket
import sys

import uvicorn

from aurora_desktop.sandbox.config import build_parser, config_from_args
from aurora_desktop.sandbox.faults import DroppedConnection
from aurora_desktop.sandbox.process import EXIT_WITH_PARENT, exit_with_parent


class _HideInjectedDrops(logging.Filter):
    """Injected connection drops are the point, not a server bug: keep stderr clean."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], DroppedConnection))


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    parser.add_argument(EXIT_WITH_PARENT, action="store_true", help="stdin is the parent's: end when it closes")
    args = parser.parse_args(argv)
    server: uvicorn.Server | None = None
    if args.exit_with_parent:

        def stop() -> None:
            if server is None:
                os._exit(0)  # not serving yet: nothing to finish
            server.should_exit = True  # uvicorn's own clean shutdown, as on SIGTERM

        exit_with_parent(stop)
    config = config_from_args(args)
    # Decoding and rendering go through Qt's FFmpeg on the render threads: Qt needs its
    # application object, made here on the main thread (no event loop runs on it).
    from aurora_desktop.media.qt_threads import ensure_app

    ensure_app()
    # The service (its renderer loads Qt Multimedia) is imported after ensure_app(): Qt's media
    # library writes its chatter when it loads, and only then is it switched off.
    from aurora_desktop.sandbox.app import create_app

    # Bind first, so port 0 becomes a real port we can announce before serving.
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.host, args.port))
    # Listen before announcing: a client that connects before uvicorn is up
    # waits in the backlog instead of being refused.
    sock.listen(128)
    host, port = sock.getsockname()[:2]
    shown_host = f"[{host}]" if family == socket.AF_INET6 else host
    print(f"http://{shown_host}:{port}", flush=True)

    logging.getLogger("uvicorn.error").addFilter(_HideInjectedDrops())
    app, service = create_app(config)

    class Server(uvicorn.Server):
        async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
            # Before uvicorn closes its sockets: a demo job fetching its input from this server
            # would otherwise fail for good on the closed door (the demo's own hosted files are
            # here) instead of carrying on at the next start.
            service.stopping = True
            await super().shutdown(sockets)

    server = Server(
        uvicorn.Config(app, log_level=args.log_level, access_log=False, lifespan="on", timeout_graceful_shutdown=3)
    )
    server.run(sockets=[sock])
    return 0


if __name__ == "__main__":
    sys.exit(main())
