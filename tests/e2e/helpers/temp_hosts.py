"""Stand-ins for the temporary file hosts behind Quick links, each in its own process.

`python -m tests.e2e.helpers.temp_hosts --protocol 0x0` serves that host's
documented upload API on a loopback port and prints its address:
- 0x0:       POST / (multipart `file`, `expires`, `secret`) -> the link as text, X-Token header;
             POST <link> with token=..&delete= removes it.
- litterbox: POST /resources/internals/api.php (reqtype=fileupload, time=1h, fileToUpload)
             -> the link as text; no deletion.
- tmpfiles:  POST /api/v1/upload (multipart `file`) -> JSON with the page link; the file
             itself is at /dl/<id>/<name>.

Failure modes are switched at run time with POST /_mode {"mode": ...}:
  ok, error (HTTP 503), refuse (HTTP 415), too_big (HTTP 413), html (an HTML page
  instead of a link), dead_link (a link that answers 404), wrong_bytes (the link
  serves a block page), redirect (the link redirects to a sign-in page), slow
  (the upload is read slowly), hang (never answers the upload), hang_fetch (takes the upload,
  but fetching the link hangs: the app is killed while it checks the link).
GET /_log tells what happened (uploads, fetches, deletes, with times); POST /_reset clears it.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import socket
import sys
import time
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

BLOCK_PAGE = b"<!doctype html><html><body><h1>This file is not available in your region</h1></body></html>"


class HostState:
    def __init__(self, protocol: str) -> None:
        self.protocol = protocol
        self.mode = "ok"
        self.files: dict[str, tuple[bytes, str]] = {}  # path -> (bytes, token)
        self.events: list[dict[str, Any]] = []

    def log(self, kind: str, **fields: Any) -> None:
        self.events.append({"event": kind, "at": time.time(), **fields})


def create_app(protocol: str) -> Starlette:
    state = HostState(protocol)

    async def receive_upload(request: Request, field: str) -> tuple[Response | None, str, bytes]:
        mode = state.mode
        if mode == "hang":
            await asyncio.sleep(3600)
        if mode == "slow":
            chunks = []
            async for chunk in request.stream():
                chunks.append(chunk)
                await asyncio.sleep(0.05)
            body = b"".join(chunks)
            request._body = body  # let form() parse what was read
        form = await request.form(max_part_size=1024 * 1024 * 1024)
        upload = form.get(field)
        if upload is None or isinstance(upload, str):
            return PlainTextResponse("no file", status_code=400), "", b""
        data = await upload.read()
        name = upload.filename or "file"
        state.log(
            "upload",
            name=name,
            size=len(data),
            fields=sorted(k for k in form if k != field),
            expires=form.get("expires") or form.get("time"),
        )
        if mode == "error":
            return PlainTextResponse("Service Unavailable", status_code=503), name, data
        if mode == "refuse":
            return PlainTextResponse("This file type is not allowed.", status_code=415), name, data
        if mode == "too_big":
            return PlainTextResponse("File too large", status_code=413), name, data
        if mode == "html":
            return Response(BLOCK_PAGE, media_type="text/html"), name, data
        return None, name, data

    def link_for(request: Request, path: str) -> str:
        return f"{request.base_url}".rstrip("/") + path

    def store(name: str, data: bytes) -> tuple[str, str]:
        path = (
            f"/{secrets.token_urlsafe(6)}/{name}"
            if state.protocol != "tmpfiles"
            else f"/{secrets.randbelow(10**7)}/{name}"
        )
        token = secrets.token_hex(8)
        if state.mode != "dead_link":
            state.files[path] = (data, token)
        return path, token

    async def upload_0x0(request: Request) -> Response:
        answer, name, data = await receive_upload(request, "file")
        if answer is not None:
            return answer
        path, token = store(name, data)
        return PlainTextResponse(link_for(request, path) + "\n", headers={"X-Token": token})

    async def upload_litterbox(request: Request) -> Response:
        answer, name, data = await receive_upload(request, "fileToUpload")
        if answer is not None:
            return answer
        path, _ = store(name, data)
        return PlainTextResponse(link_for(request, path))

    async def upload_tmpfiles(request: Request) -> Response:
        answer, name, data = await receive_upload(request, "file")
        if answer is not None:
            return answer
        path, _ = store(name, data)
        return JSONResponse({"status": "success", "data": {"url": link_for(request, path)}})

    async def serve(request: Request) -> Response:
        path = "/" + request.path_params["path"]
        if state.protocol == "tmpfiles":
            if not path.startswith("/dl/"):
                return Response(b"<html>download page</html>", media_type="text/html")
            path = path[3:]
        if request.method == "POST" and state.protocol == "0x0":
            form = await request.form()
            entry = state.files.get(path)
            if entry is None:
                return PlainTextResponse("not found", status_code=404)
            if "delete" in form and form.get("token") == entry[1]:
                del state.files[path]
                state.log("delete", path=path)
                return PlainTextResponse("")
            return PlainTextResponse("bad token", status_code=401)
        entry = state.files.get(path)
        state.log("fetch", path=path, found=entry is not None, agent=request.headers.get("user-agent", ""))
        if state.mode == "hang_fetch":
            await asyncio.sleep(60)
        if entry is None:
            return PlainTextResponse("Not Found", status_code=404)
        if state.mode == "wrong_bytes":
            return Response(BLOCK_PAGE, media_type="text/html")
        if state.mode == "redirect":
            return RedirectResponse(link_for(request, "/login"), status_code=302)
        return Response(entry[0], media_type="application/octet-stream")

    async def set_mode(request: Request) -> Response:
        state.mode = (await request.json())["mode"]
        return JSONResponse({"mode": state.mode})

    async def get_log(request: Request) -> Response:
        return JSONResponse({"events": state.events, "held": sorted(state.files)})

    async def reset(request: Request) -> Response:
        state.mode, state.events = "ok", []
        state.files.clear()
        return JSONResponse({})

    upload = {
        "0x0": ("/", upload_0x0),
        "litterbox": ("/resources/internals/api.php", upload_litterbox),
        "tmpfiles": ("/api/v1/upload", upload_tmpfiles),
    }[protocol]
    return Starlette(
        routes=[
            Route("/_mode", set_mode, methods=["POST"]),
            Route("/_log", get_log),
            Route("/_reset", reset, methods=["POST"]),
            Route(upload[0], upload[1], methods=["POST"]),
            Route("/{path:path}", serve, methods=["GET", "POST"]),
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--protocol", choices=["0x0", "litterbox", "tmpfiles"], required=True)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", args.port))
    sock.listen(64)
    print(f"http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    server = uvicorn.Server(
        uvicorn.Config(create_app(args.protocol), log_level="warning", access_log=False, timeout_graceful_shutdown=1)
    )
    server.run(sockets=[sock])
    return 0


if __name__ == "__main__":
    sys.exit(main())
