"""Turning a local file into a URL Creatify can fetch (Qt-free).

One small interface (`Hoster`): host a file, get a URL and its expiry; remove
it later. Implementations: the user's S3-compatible bucket (s3.py), the
sandbox's file endpoint (sandbox.py). Pasted links need no hosting;
jobs/prepare.py fetches and checks them before credits are spent.
"""

from aurora_desktop.hosting.base import HostedFile, Hoster, HostingError, InputChanged, NoHosting, ProgressCallback

__all__ = ["HostedFile", "Hoster", "HostingError", "InputChanged", "NoHosting", "ProgressCallback"]
