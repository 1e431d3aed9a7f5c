"""The sandbox's HTTP routes (Starlette): the Aurora contract plus sandbox extras.

Contract routes (docs/api-contract.md): /api/aurora/, /api/aurora/{id}/,
/api/remaining_credits/, authenticated with X-API-ID / X-API-KEY.
Extras under /sandbox/: hosting (PUT a file, get a URL the sandbox can fetch),
outputs and previews (with HTTP Range), stats and scripted faults for tests.
"""

from __future__ import annotations

import contextlib
import hmac
import re
import secrets
from collections import deque
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from aurora_desktop.api import speech as speech_model
from aurora_desktop.formatting import credits_number
from aurora_desktop.sandbox import speech
from aurora_desktop.sandbox.config import SandboxConfig
from aurora_desktop.sandbox.faults import FaultMiddleware
from aurora_desktop.sandbox.service import NotEnoughCredits, SandboxService

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_ID = re.compile(r"^[0-9a-f-]{36}$")


def _detail(message: str, status: int) -> JSONResponse:
    return JSONResponse({"detail": message}, status_code=status)


_NUMBER_FIELDS = ("prompt_guidance_scale", "ttl_days")


async def _body(request: Request) -> Any:
    """A create request's body in any of the documented encodings: JSON, form-encoded or
    multipart. Form values are text: an empty one is no value, a number field is read as a
    number when it is one (else left as text, for the field error), as DRF does.
    Raises ValueError for a body that cannot be read."""
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if kind not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return await request.json()
    try:
        form = await request.form()
    except Exception as exc:  # python-multipart's errors for a broken body
        raise ValueError(f"Multipart form parse error - {exc}") from exc
    body: dict[str, Any] = {}
    for key, value in form.multi_items():
        if not isinstance(value, str) or value == "":
            continue  # files have no place in these requests
        body[key] = value
        if key in _NUMBER_FIELDS:
            with contextlib.suppress(ValueError):
                number = float(value)
                body[key] = int(number) if number.is_integer() and key == "ttl_days" else number
    return body


async def _not_found(request: Request, exc: Exception) -> Response:
    """Unknown routes and methods answer JSON, as DRF does, never plain text."""
    if isinstance(exc, HTTPException) and exc.status_code == 405:
        return _detail(f'Method "{request.method}" not allowed.', 405)
    return _detail("Not found.", 404)


def _ids(request: Request) -> list[str] | Response | None:
    """The documented `ids` query of a list (comma-separated, at most 100), or the refusal."""
    raw_ids = request.query_params.get("ids")
    if raw_ids is None:
        return None
    ids = [i.strip() for i in raw_ids.split(",") if i.strip()]
    if len(ids) > 100:
        return JSONResponse({"ids": ["Ensure this field has no more than 100 elements."]}, status_code=400)
    return ids


def create_app(config: SandboxConfig) -> tuple[FaultMiddleware, SandboxService]:
    """The ASGI app: Starlette routes wrapped in fault injection (outermost, so a
    dropped connection really reaches the server and is not turned into a 500)."""
    service = SandboxService(config)
    speeches = speech.SpeechService(
        service.data_dir / "speech",
        config.job_seconds if config.speech_seconds is None else config.speech_seconds,
        service.send_webhook,
    )
    speech_requests: deque[dict[str, Any]] = deque(maxlen=1000)  # what clients sent, for tests (/sandbox/stats)

    def authorised(request: Request) -> bool:
        api_id = request.headers.get("x-api-id", "")
        api_key = request.headers.get("x-api-key", "")
        return hmac.compare_digest(api_id.encode(), config.api_id.encode()) and hmac.compare_digest(
            api_key.encode(), config.api_key.encode()
        )

    def deny(request: Request) -> JSONResponse:
        if not request.headers.get("x-api-key"):
            return _detail("Authentication credentials were not provided.", config.auth_status)
        return _detail("Invalid API ID or API key.", config.auth_status)

    def base_url(request: Request) -> str:
        return str(request.base_url).rstrip("/")

    # ----------------------------------------------------------------- contract

    async def aurora_collection(request: Request) -> Response:
        if not authorised(request):
            return deny(request)
        if request.method == "POST":
            try:
                body = await _body(request)
            except ValueError as exc:
                return _detail(f"JSON parse error - {exc}", 400)
            try:
                job = service.create(body, base_url(request))
            except ValueError as exc:
                return JSONResponse(exc.args[0], status_code=400)
            except NotEnoughCredits as exc:
                return _detail(str(exc), config.credits_status)
            return JSONResponse(job.to_api(config.progress_scale), status_code=201)
        ids = _ids(request)
        if isinstance(ids, Response):
            return ids
        jobs = service.list(ids, request.query_params.get("ordering"))
        return JSONResponse([j.to_api(config.progress_scale) for j in jobs])

    async def aurora_item(request: Request) -> Response:
        if not authorised(request):
            return deny(request)
        job = service.jobs.get(request.path_params["job_id"])
        if job is None:
            return _detail("Not found.", 404)
        return JSONResponse(job.to_api(config.progress_scale))

    async def remaining_credits(request: Request) -> Response:
        if not authorised(request):
            return deny(request)
        return JSONResponse({"remaining_credits": credits_number(service.credits)})

    # ----------------------------------------------------------------- voices and text-to-speech

    async def voice_list(request: Request) -> Response:
        if not authorised(request):
            return deny(request)
        return JSONResponse(speech.voices(base_url(request)))

    async def voice_page(request: Request) -> Response:
        if not authorised(request):
            return deny(request)
        everything = speech.voices(base_url(request))
        try:
            page = max(1, int(request.query_params.get("page", "1")))
            size = max(1, min(100, int(request.query_params.get("page_size", "10"))))
        except ValueError:
            return _detail("Invalid page.", 404)
        start = (page - 1) * size
        if start and start >= len(everything):
            return _detail("Invalid page.", 404)
        here = f"{base_url(request)}/api/voices/paginated/?page_size={size}&page="
        return JSONResponse(
            {
                "count": len(everything),
                "next": here + str(page + 1) if start + size < len(everything) else None,
                "previous": here + str(page - 1) if page > 1 else None,
                "results": everything[start : start + size],
            }
        )

    async def speech_collection(request: Request) -> Response:
        if not authorised(request):
            return deny(request)
        if request.method != "POST":
            ids = _ids(request)
            if isinstance(ids, Response):
                return ids
            return JSONResponse([j.to_api() for j in speeches.list(ids, request.query_params.get("ordering"))])
        try:
            body = await _body(request)
        except ValueError as exc:
            return _detail(f"JSON parse error - {exc}", 400)
        errors = speech.validate(body, config.script_max)
        if errors:
            return JSONResponse(errors, status_code=400)
        cost = speech_model.speech_credits(speech_model.estimate_seconds(body["script"]) or 1.0)
        if service.credits < cost:
            return _detail(
                f"Not enough credits to create this speech. Remaining credits: {service.credits}.",
                config.credits_status,
            )
        job, cost = speeches.create(body, base_url(request), service.credits)
        service.credits -= cost
        speech_requests.append({"id": job.id, "body": body})
        return JSONResponse(job.to_api(), status_code=201)

    async def speech_item(request: Request) -> Response:
        if not authorised(request):
            return deny(request)
        job = speeches.jobs.get(request.path_params["job_id"])
        if job is None:
            return _detail("Not found.", 404)
        return JSONResponse(job.to_api())

    async def speech_audio(request: Request) -> Response:
        path = service.data_dir / "speech" / _SAFE_NAME.sub("_", request.path_params["name"])
        if not path.is_file():
            return _detail("Not found.", 404)
        return FileResponse(path, media_type="audio/wav")

    async def voice_preview(request: Request) -> Response:
        path = speeches.preview(request.path_params["accent"])
        if path is None:
            return _detail("Not found.", 404)
        return FileResponse(path, media_type="audio/wav")

    # ----------------------------------------------------------------- sandbox extras

    async def upload(request: Request) -> Response:
        """Sandbox hosting: PUT raw bytes, get back a URL the sandbox can fetch."""
        if not authorised(request):
            return deny(request)
        name = _SAFE_NAME.sub("_", request.path_params["name"])[-100:] or "file"
        token = secrets.token_urlsafe(16)
        folder = service.data_dir / "files" / token
        folder.mkdir(parents=True)
        size = 0
        with open(folder / name, "wb") as fh:
            async for chunk in request.stream():
                size += len(chunk)
                if size > config.max_input_bytes:
                    return _detail("File too large for the sandbox.", 413)
                fh.write(chunk)
        expires = datetime.now(UTC) + timedelta(days=1)
        return JSONResponse(
            {
                "url": f"{base_url(request)}/sandbox/files/{token}/{name}",
                "size": size,
                "expires_at": expires.isoformat(),
            },
            status_code=201,
        )

    async def hosted_file(request: Request) -> Response:
        token, name = request.path_params["token"], request.path_params["name"]
        path = service.data_dir / "files" / _SAFE_NAME.sub("_", token) / _SAFE_NAME.sub("_", name)
        if request.method == "DELETE":
            if not authorised(request):
                return deny(request)
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            return Response(status_code=204)
        if not path.is_file():
            return _detail("Not found.", 404)
        return FileResponse(path)

    async def output(request: Request) -> Response:
        name = request.path_params["name"]
        stem, _, ext = name.rpartition(".")
        if not _ID.match(stem) or ext not in ("mp4", "jpg"):
            return _detail("Not found.", 404)
        path = service.data_dir / "outputs" / name
        if not path.is_file():
            return _detail("Not found.", 404)
        return FileResponse(path, media_type="video/mp4" if ext == "mp4" else "image/jpeg")

    async def stats(request: Request) -> Response:
        counts: dict[str, int] = {}
        for job in service.jobs.values():
            counts[job.status] = counts.get(job.status, 0) + 1
        return JSONResponse(
            {
                "jobs": len(service.jobs),
                "by_status": counts,
                "names": [j.request.get("name") for j in service.jobs.values()],
                "remaining_credits": credits_number(service.credits),
                "speech_jobs": len(speeches.jobs),
                "speech_requests": list(speech_requests),
                "requests": dict(faults.requests),
                "faults": dict(faults.injected),
            }
        )

    async def add_faults(request: Request) -> Response:
        if not authorised(request):
            return deny(request)
        body: Any = await request.json()
        faults.add(body if isinstance(body, list) else [body])
        return JSONResponse({"queued": len(faults.scripted)}, status_code=201)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await service.start()
        try:
            yield
        finally:
            await speeches.stop()
            await service.stop()

    app = Starlette(
        routes=[
            Route("/api/aurora/", aurora_collection, methods=["GET", "POST"]),
            Route("/api/aurora/{job_id}/", aurora_item, methods=["GET"]),
            Route("/api/remaining_credits/", remaining_credits, methods=["GET"]),
            Route("/api/voices/", voice_list, methods=["GET"]),
            Route("/api/voices/paginated/", voice_page, methods=["GET"]),
            Route("/api/text_to_speech/", speech_collection, methods=["GET", "POST"]),
            Route("/api/text_to_speech/{job_id}/", speech_item, methods=["GET"]),
            Route("/sandbox/speech/{name}", speech_audio, methods=["GET", "HEAD"]),
            Route("/sandbox/voices/{accent}.wav", voice_preview, methods=["GET", "HEAD"]),
            Route("/sandbox/files/{name}", upload, methods=["PUT"]),
            Route("/sandbox/files/{token}/{name}", hosted_file, methods=["GET", "HEAD", "DELETE"]),
            Route("/sandbox/outputs/{name}", output, methods=["GET", "HEAD"]),
            Route("/sandbox/stats", stats, methods=["GET"]),
            Route("/sandbox/faults", add_faults, methods=["POST"]),
        ],
        lifespan=lifespan,
        exception_handlers={404: _not_found, 405: _not_found},
    )
    app.state.service = service
    faults = FaultMiddleware(app, config.faults)
    return faults, service
