"""Checking a job's inputs and working out its price, before anything is spent.

Local files are inspected by content; pasted links are fetched (bounded) and
inspected the same way, because a price needs the audio's length. Audio in
formats Creatify does not take is converted to WAV, and the user is told.
"""

from __future__ import annotations

import asyncio
import hashlib
import tempfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import httpx

from aurora_desktop.addresses import NOT_PUBLIC, AddressRefused, check_link, first_is_loopback, public_only
from aurora_desktop.api.catalog import ModelSpec, cost_credits
from aurora_desktop.api.speech import SCRIPT_MAX, WORDS_PER_MINUTE, estimate_seconds, speech_credits
from aurora_desktop.fileio import FileRefused, open_regular, read_regular
from aurora_desktop.http_body import body_chunks
from aurora_desktop.jobs.limits import script_too_long
from aurora_desktop.jobs.model import InputFile, InputKind, is_link
from aurora_desktop.jobs.share_links import HOW_TO_SHARE, link_copy, sendable, service_of
from aurora_desktop.media.convert import convert_to_wav, has_hidden_details
from aurora_desktop.media.inspect import (
    MAX_IMAGE_BYTES,
    AudioFacts,
    ImageFacts,
    InputError,
    inspect_audio,
    inspect_image,
)
from aurora_desktop.media.photo import DEFAULT_BACKGROUND, convert_photo

MAX_LINK_BYTES = 100 * 1024 * 1024


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open_regular(path) as fh:  # a file swapped for a pipe or a device after its check is refused
        for block in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class Script:
    """What a script job says, and in which voice. With `speech_id` the speech exists
    already (another take with the same voice): the audio input is its link."""

    text: str
    voice_id: str
    voice_name: str = ""
    hear_first: bool = False
    speech_id: str | None = None

    @property
    def needs_speech(self) -> bool:
        return self.speech_id is None


def script_problem(text: str, limit: int = SCRIPT_MAX) -> str:
    """A plain sentence when a script cannot be sent as it is; "" when it can. `limit` is this
    account's (jobs/limits.py: 4,000 characters unless a longer script was accepted)."""
    if not text.strip():
        return "Type what the person should say."
    if len(text) > limit:
        return script_too_long(len(text), limit)
    return ""


@dataclass(frozen=True)
class PreparedInputs:
    image_source: str  # what will be hosted or sent: a local path or the pasted link
    audio_source: str
    image: ImageFacts
    audio: AudioFacts
    image_hash: str | None
    audio_hash: str | None
    notes: list[str] = field(default_factory=list)  # things the user should know ("converted to WAV")
    script: Script | None = None  # a script job; its audio facts are the estimate until the speech exists

    def speech_cost(self) -> Decimal:
        """What the speech still to be made costs (nothing when there is none to make)."""
        return speech_credits(self.audio.duration) if self.script and self.script.needs_speech else Decimal(0)

    def video_cost(self, model: ModelSpec) -> Decimal:
        return cost_credits(model, self.audio.duration)

    def cost(self, model: ModelSpec) -> Decimal:
        """Everything the job will spend: the speech (if any is to be made) and the video."""
        return self.video_cost(model) + self.speech_cost()

    def input_files(self) -> tuple[InputFile, InputFile]:
        """The job's inputs as the engine records them (not hosted yet). A script's audio
        has no source until its speech exists."""
        return (
            InputFile(InputKind.IMAGE, self.image_source, self.image_hash, self.image.mime),
            InputFile(InputKind.AUDIO, self.audio_source, self.audio_hash, self.audio.mime),
        )


async def fetch_link(url: str, what: str, folder: Path, *, service: str | None = None) -> Path:
    """Download a pasted link (bounded) to inspect it; the link itself is what gets sent.
    `service` (Dropbox, ...) names where a share link came from, for what to do when it
    answers with a web page instead of the file."""
    try:
        check_link(url)
    except AddressRefused as exc:
        raise _refused(what, exc) from None
    target = link_copy(url, what, folder)
    hook = public_only(first_is_loopback(url), lambda exc: _refused(what, exc))
    try:
        async with (
            httpx.AsyncClient(
                timeout=30, follow_redirects=True, trust_env=False, event_hooks={"request": [hook]}
            ) as http,
            http.stream("GET", url) as response,
        ):
            if response.status_code != 200:
                raise InputError(
                    f"The {what} link does not work (the server answered HTTP "
                    f"{response.status_code}). It may have expired or be private."
                    + (f" {HOW_TO_SHARE[service]}" if service else "")
                )
            if response.headers.get("content-type", "").lower().startswith(("text/html", "application/xhtml")):
                raise InputError(_web_page_message(what, service))
            size = 0
            with open(target, "wb") as fh:
                async with body_chunks(response, 1024 * 1024) as chunks:
                    async for chunk in chunks:
                        size += len(chunk)
                        if size > MAX_LINK_BYTES:
                            raise InputError(
                                f"The {what} behind the link is larger than {MAX_LINK_BYTES // (1024 * 1024)} MB."
                            )
                        await asyncio.to_thread(fh.write, chunk)
    except httpx.HTTPError as exc:
        raise InputError(f"The {what} link could not be opened: {_in_words(exc)}. Check it in a browser.") from None
    return target


def _refused(what: str, exc: AddressRefused) -> InputError:
    """A link (or where it redirects) the app will not open: aurora_desktop/addresses.py says why."""
    if exc.reason == NOT_PUBLIC:
        return InputError(
            f"The {what} link leads to an address that is not public (a private network or this "
            "computer), so the app did not open it. Creatify can only fetch files from public links."
        )
    return InputError(f"The {what} link {exc.reason}.")


def _web_page_message(what: str, service: str | None) -> str:
    if service:
        return f"The {what} link from {service} opens a web page, not the file itself. {HOW_TO_SHARE[service]}"
    return (
        f"The {what} link opens a web page, not the file itself. Paste a link that downloads the file "
        "(in a browser it should download or show only the file)."
    )


def _in_words(exc: httpx.HTTPError) -> str:
    """What went wrong with a link, for a person (the exception's name is for Copy details)."""
    if isinstance(exc, httpx.TimeoutException):
        return "the server did not answer in time"
    if isinstance(exc, httpx.ConnectError):
        return "the server could not be reached"
    if isinstance(exc, httpx.TooManyRedirects):
        return "it sends the browser round in circles"
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return "it is not a web address"
    return "the connection broke off"


async def inspect_image_source(source: str, work_dir: Path) -> ImageFacts:
    """Facts about a portrait given as a local path or a link."""
    if is_link(source):
        # The copy is kept (images are small): the window previews it and the library shows it.
        fetched = await fetch_link(sendable(source), "image", _ready(work_dir / "links"), service=service_of(source))
        try:
            return await asyncio.to_thread(inspect_image, fetched)
        except InputError:
            fetched.unlink(missing_ok=True)
            raise
    return await asyncio.to_thread(inspect_image, Path(source).expanduser(), allow_conversion=True)


async def inspect_audio_source(source: str, work_dir: Path, *, keep_samples: bool = False) -> AudioFacts:
    """Facts about a voice clip given as a local path or a link. Local clips in other
    formats are inspected too (they will be converted); links must be MP3 or WAV."""
    if is_link(source):
        with tempfile.TemporaryDirectory(dir=_ready(work_dir), prefix="links-") as tmp:
            fetched = await fetch_link(sendable(source), "audio", Path(tmp), service=service_of(source))
            return await asyncio.to_thread(inspect_audio, fetched, keep_samples=keep_samples)
    path = Path(source).expanduser()
    return await asyncio.to_thread(inspect_audio, path, keep_samples=keep_samples, allow_other_formats=True)


def _ready(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


async def _prepare_image(
    image: str, work_dir: Path, photo_background: str, notes: list[str]
) -> tuple[str, ImageFacts, str | None]:
    """The portrait as it will be sent (upright, flattened, JPEG when converted), its facts and hash."""
    image = sendable(image) if is_link(image) else image
    image_facts = await inspect_image_source(image, work_dir)
    image_hash = None
    if not is_link(image):
        image_path = Path(image).expanduser().resolve()
        if image_facts.changes:
            # What the preview showed is what is sent: upright, flattened, 8-bit, JPEG.
            try:  # read as it was checked: a file swapped since for a pipe or a device is refused
                data = await asyncio.to_thread(read_regular, image_path, MAX_IMAGE_BYTES)
            except FileRefused as exc:
                raise InputError(f"The image file {image_path.name!r} cannot be used: {exc.reason}.") from None
            converted = await asyncio.to_thread(convert_photo, data, _ready(work_dir / "converted"), photo_background)
            if converted is not None:
                image_path = converted[0]
                notes.append(f"The photo was {', '.join(image_facts.changes)}, and is sent as JPEG.")
                image_facts = await asyncio.to_thread(inspect_image, image_path)
        image_hash = await asyncio.to_thread(sha256_file, image_path)
        image = str(image_path)
    return image, image_facts, image_hash


async def prepare_script(
    image: str,
    script: Script,
    *,
    work_dir: Path,
    photo_background: str = DEFAULT_BACKGROUND,
    words_per_minute: float = WORDS_PER_MINUTE,
    script_max: int = SCRIPT_MAX,
) -> PreparedInputs:
    """A portrait and a script: the speech's length (and so both prices) is estimated from
    the words until Creatify has made it."""
    problem = script_problem(script.text, script_max)
    if problem:
        raise InputError(problem)
    if not script.voice_id:
        raise InputError("Choose a voice for the script.")
    notes: list[str] = []
    image, image_facts, image_hash = await _prepare_image(image, work_dir, photo_background, notes)
    seconds = estimate_seconds(script.text, words_per_minute)
    audio_facts = AudioFacts(format="speech", duration=seconds)
    return PreparedInputs(image, "", image_facts, audio_facts, image_hash, None, notes, script)


async def prepare(
    image: str, audio: str, *, work_dir: Path, photo_background: str = DEFAULT_BACKGROUND
) -> PreparedInputs:
    """Validate both inputs and return their facts; raise InputError with a plain message.
    Whether they fit a model (length, price) is for jobs/orders.py to say."""
    notes: list[str] = []
    audio = sendable(audio) if is_link(audio) else audio
    image, image_facts, image_hash = await _prepare_image(image, work_dir, photo_background, notes)
    audio_facts = await inspect_audio_source(audio, work_dir)
    audio_hash = None
    if not is_link(audio):
        audio_path = Path(audio).expanduser().resolve()
        # Tags (names, places) go nowhere: a file that has them is sent as a WAV of its sound,
        # made here so that the copy priced is the copy sent, as a photo's is (media/photo.py).
        tagged = audio_facts.supported and await asyncio.to_thread(has_hidden_details, audio_path, audio_facts.format)
        if not audio_facts.supported or tagged:
            digest = await asyncio.to_thread(sha256_file, audio_path)
            wav = _ready(work_dir / "converted") / f"{digest[:20]}.wav"
            if not wav.exists():
                await asyncio.to_thread(convert_to_wav, audio_path, wav)
            if tagged:
                notes.append(f"The audio ({audio_facts.format}) is sent as WAV, without its tags (names, comments).")
            else:
                notes.append(f"The audio ({audio_facts.format}) was converted to WAV, which Creatify accepts.")
            audio_path = wav
            audio_facts = await asyncio.to_thread(inspect_audio, wav)
        audio_hash = await asyncio.to_thread(sha256_file, audio_path)
        audio = str(audio_path)
    if audio_facts.silence_warning:
        notes.append(audio_facts.silence_warning)
    return PreparedInputs(image, audio, image_facts, audio_facts, image_hash, audio_hash, notes)
