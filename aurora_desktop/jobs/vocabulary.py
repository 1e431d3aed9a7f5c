"""The engine's words, each defined once: phases, error codes (and what each means),
history entries and library actions, and the few constants that more than one part
of the engine shares (e.g. the runtime and the poller). Values are the strings already stored in
job databases and printed by `--json`, so they must never change.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import timedelta

from aurora_desktop.jobs.model import State

STOPPED_MESSAGE = (
    "Something unexpected stopped the app's work on your videos. They are kept; "
    "start the app again, or copy the details for support."
)
OUTPUT_LIFETIME = timedelta(days=7)  # documented: outputs stay downloadable at least 7 days


class Phase(enum.StrEnum):
    """A step that reports progress (bytes, or a fraction while generating)."""

    SPEAKING = "speaking"
    HOSTING = "hosting"
    GENERATING = "generating"
    DOWNLOADING = "downloading"

    @property
    def state(self) -> State:
        """The state a job is in while this phase reports."""
        return _PHASE_STATE[self]


_PHASE_STATE = {
    Phase.SPEAKING: State.SPEAKING,
    Phase.HOSTING: State.HOSTING,
    Phase.GENERATING: State.REMOTE,
    Phase.DOWNLOADING: State.DOWNLOADING,
}


class Blame(enum.StrEnum):
    """Whose move it is after an error: decides the CLI's exit code and the window's alert."""

    ACCOUNT = "account"  # keys or credits: the user fixes it in their Creatify account or Settings
    INPUT = "input"  # the photo or the voice: choose other files
    SETUP = "setup"  # this computer: storage settings, disk space, the library folder
    SERVICE = "service"  # Creatify refused, failed or lost the video
    APP = "app"  # a bug in this app


class ErrorCode(enum.StrEnum):
    AUTH = "auth"
    CREDITS = "credits"
    INPUT = "input"
    STORAGE = "storage"
    REMOTE = "remote"
    DISK = "disk"  # the local disk: full, or the library folder not writable
    DOWNLOAD = "download"  # the video host refused the download (not the disk)
    LOST = "lost"
    STATE = "state"  # Creatify reports a status this app does not know (the job is still watched)
    SHARING = "sharing"  # the file-sharing services (Quick links) could not be reached, nothing spent
    BUG = "bug"


class Remedy(enum.StrEnum):
    """What the user can do about an error, offered beside it: the core says which, in this
    order; a front end only draws them (the window as buttons)."""

    OWN_STORAGE = "own_storage"  # "Use my own storage": share files through the user's storage
    PASTE_LINKS = "paste_links"  # "Paste links instead": links to files already online
    TRY_AGAIN = "try_again"  # "Try again": the job from where it stopped (Engine.retry)


@dataclass(frozen=True, slots=True)
class ErrorRule:
    blame: Blame
    resumes_on_start: bool  # the next start (window or `resume`) tries the job again by itself
    alert: bool  # the window says it in a dialog, not only in the library row
    remedies: tuple[Remedy, ...] = ()  # what the window offers beside the message, in this order


# The one table that says what an error code means. The engine, the CLI and the
# window all read it; none of them compares codes by hand.
ERROR_RULES: dict[ErrorCode, ErrorRule] = {
    ErrorCode.AUTH: ErrorRule(Blame.ACCOUNT, resumes_on_start=False, alert=True),
    ErrorCode.CREDITS: ErrorRule(Blame.ACCOUNT, resumes_on_start=False, alert=True),
    ErrorCode.INPUT: ErrorRule(Blame.INPUT, resumes_on_start=False, alert=False),
    ErrorCode.STORAGE: ErrorRule(Blame.SETUP, resumes_on_start=False, alert=True),
    ErrorCode.REMOTE: ErrorRule(Blame.SERVICE, resumes_on_start=False, alert=False),
    # The user was told "free some space; it continues": a new start is the moment to try again.
    ErrorCode.DISK: ErrorRule(Blame.SETUP, resumes_on_start=True, alert=True),
    ErrorCode.DOWNLOAD: ErrorRule(Blame.SERVICE, resumes_on_start=False, alert=False),
    ErrorCode.LOST: ErrorRule(Blame.SERVICE, resumes_on_start=False, alert=False),
    ErrorCode.STATE: ErrorRule(Blame.SERVICE, resumes_on_start=False, alert=False),
    # Quick links tried for `EngineConfig.hosting_patience` without reaching any service: no
    # internet, a firewall, every host down. The user picks another way to share the files.
    ErrorCode.SHARING: ErrorRule(
        Blame.SETUP,
        resumes_on_start=False,
        alert=True,
        remedies=(Remedy.OWN_STORAGE, Remedy.PASTE_LINKS, Remedy.TRY_AGAIN),
    ),
    ErrorCode.BUG: ErrorRule(Blame.APP, resumes_on_start=False, alert=False),
}
_UNKNOWN_RULE = ErrorRule(Blame.APP, resumes_on_start=False, alert=False)


def rule_for(code: str | None) -> ErrorRule:
    """The rule of a stored code (a database from a newer version may hold one we do not know)."""
    try:
        return ERROR_RULES[ErrorCode(code)] if code else _UNKNOWN_RULE
    except ValueError:
        return _UNKNOWN_RULE


class History(enum.StrEnum):
    """Entries of a job's append-only history (the store's `events` table)."""

    CREATED = "created"
    MOVED = "moved"  # to this session's demo service
    REMOVED = "removed"
    RETRY = "retry"
    CANCELLED = "cancelled"
    SPEAKING = "speaking"
    SPEECH_INTENT = "speech-intent"
    SPEECH_REQUESTED = "speech-requested"
    SPEECH_ADOPTED = "speech-adopted"  # found again by its token after a lost answer
    SPEECH_DONE = "speech-done"
    SPEECH_FAILED = "speech-failed"
    SPEECH_SLOW = "speech-slow"  # not ready after the engine's patience: said, still watched
    VOICE_APPROVED = "voice-approved"  # the user heard the voice and asked for the video
    MODEL_CHANGED = "model-changed"
    HOSTING = "hosting"
    LINK = "link"  # a pasted link is used as it is
    UPLOAD_INTENT = "upload-intent"  # a local input is about to be uploaded
    UPLOADED = "uploaded"  # its copy exists (removal key recorded), not checked yet
    SHARING_UNREACHABLE = "sharing-unreachable"  # an upload's first failed try: the hosting patience counts from here
    HOSTED = "hosted"
    HOSTED_ALL = "hosted-all"
    REHOST = "rehost"
    SUBMIT_INTENT = "submit-intent"
    NOT_SENT = "not-sent"
    RATE_LIMITED = "rate-limited"
    REFUSED = "refused"
    SUBMITTED = "submitted"
    ADOPTED = "adopted"  # found again by its token after a lost answer
    REMOTE_STATUS = "remote-status"
    REMOTE_DONE = "remote-done"
    REMOTE_FAILED = "remote-failed"
    REMOTE_REJECTED = "remote-rejected"
    NO_VIDEO_URL = "no-video-url"
    NEW_VIDEO_LINK = "new-video-link"
    TARGET = "target"
    SAVED = "saved"
    FILE_MISSING = "file-missing"
    NEEDS_ATTENTION = "needs-attention"
    INPUTS_DELETED = "inputs-deleted"
    RENAMED = "renamed"


class LibraryAction(enum.StrEnum):
    PLAY = "play"
    FOLDER = "folder"
    SAVE_AS = "save_as"
    COPY_LINK = "copy_link"
    RETRY = "retry"
    AGAIN = "again"
    CANCEL = "cancel"  # jobs.actions.may_cancel
    REMOVE = "remove"
    RENAME = "rename"
    DETAILS = "details"
    LISTEN = "listen"  # a script job's speech
    MAKE_VIDEO = "make_video"  # the voice was heard: request the video
    REUSE_VOICE = "reuse_voice"  # another take with the same speech
    OWN_STORAGE = "own_storage"  # Remedy.OWN_STORAGE: Settings, on the storage choice
    PASTE_LINKS = "paste_links"  # Remedy.PASTE_LINKS: the job's inputs back in the form, links to paste
