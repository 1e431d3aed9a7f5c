"""Setting up "My own storage", provider by provider, in plain words (Qt-free).

For each provider: the numbered steps with a link to the page where each is
done, the fields that provider needs (and only those), and checks of each
field's shape as it is typed. `STEP_OF` ties what a storage test found wrong
to the step that fixes it, so "Test storage" can say "step 3".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from aurora_desktop.settings import StorageSettings


@dataclass(frozen=True, slots=True)
class Step:
    text: str
    link: str = ""
    fixes: tuple[str, ...] = ()  # what a failed test points here for: bucket, keys, write, links, endpoint


@dataclass(frozen=True, slots=True)
class Guide:
    provider: str  # a key of hosting.s3.PROVIDERS
    fields: tuple[str, ...]  # which of: account_id, endpoint, bucket, region, key_id, secret
    steps: tuple[Step, ...]
    key_id_label: str = "Access key ID"
    secret_label: str = "Secret access key"

    def step_for(self, problem: str) -> int | None:
        """The 1-based number of the step that fixes `problem`."""
        for number, step in enumerate(self.steps, 1):
            if problem in step.fixes:
                return number
        return None


GUIDES: dict[str, Guide] = {
    "r2": Guide(
        "r2",
        ("account_id", "bucket", "key_id", "secret"),
        (
            Step("Sign in to Cloudflare and open R2 Object Storage.", "https://dash.cloudflare.com/?to=/:account/r2"),
            Step(
                "Create a bucket (any name, such as aurora-inputs) and type its name below.",
                "https://dash.cloudflare.com/?to=/:account/r2/new",
                ("bucket",),
            ),
            Step(
                "Under “Manage API tokens”, create an R2 token with “Object Read & Write” for that bucket.",
                "https://dash.cloudflare.com/?to=/:account/r2/api-tokens",
                ("keys", "write"),
            ),
            Step(
                "Copy the token's Access Key ID and Secret Access Key, and your Account ID "
                "(on the R2 overview page), into the fields below.",
                "",
                ("keys", "endpoint", "links"),
            ),
        ),
    ),
    "b2": Guide(
        "b2",
        ("bucket", "region", "key_id", "secret"),
        (
            Step("Sign in to Backblaze and open Buckets.", "https://secure.backblaze.com/b2_buckets.htm"),
            Step(
                "Create a private bucket; type its name below, and the region from its Endpoint "
                "(s3.<b>us-west-004</b>.backblazeb2.com → us-west-004).",
                "https://secure.backblaze.com/b2_buckets.htm",
                ("bucket", "endpoint", "links"),
            ),
            Step(
                "Under Application Keys, add a key with Read and Write access to that bucket.",
                "https://secure.backblaze.com/app_keys.htm",
                ("keys", "write"),
            ),
            Step("Copy the keyID and the applicationKey into the fields below.", "", ("keys",)),
        ),
        key_id_label="keyID",
        secret_label="applicationKey",
    ),
    "aws": Guide(
        "aws",
        ("bucket", "region", "key_id", "secret"),
        (
            Step(
                "Create a bucket in the S3 console (keep “Block all public access” on) and type its "
                "name and region below.",
                "https://s3.console.aws.amazon.com/s3/bucket/create",
                ("bucket", "endpoint", "links"),
            ),
            Step(
                "In IAM, create a user with permission to put, get and delete objects in that bucket.",
                "https://console.aws.amazon.com/iam/home#/users",
                ("write",),
            ),
            Step(
                "Create an access key for that user and copy the Access key ID and Secret access key below.",
                "https://console.aws.amazon.com/iam/home#/security_credentials",
                ("keys",),
            ),
        ),
    ),
    "wasabi": Guide(
        "wasabi",
        ("bucket", "region", "key_id", "secret"),
        (
            Step(
                "Sign in to the Wasabi console and create a bucket; type its name and region below.",
                "https://console.wasabisys.com/#/file_manager",
                ("bucket", "endpoint", "links"),
            ),
            Step(
                "Under Access Keys, create a new access key (for a sub-user with write access, if you use them).",
                "https://console.wasabisys.com/#/access_keys",
                ("keys", "write"),
            ),
            Step("Copy the Access Key and Secret Key into the fields below.", "", ("keys",)),
        ),
        key_id_label="Access key",
        secret_label="Secret key",
    ),
    "minio": Guide(
        "minio",
        ("endpoint", "bucket", "region", "key_id", "secret"),
        (
            Step(
                "Type the server's address (such as https://minio.example.com:9000); it must be "
                "reachable from the internet for Creatify to fetch the files.",
                "",
                ("endpoint", "links"),
            ),
            Step("Create a bucket on the server and type its name below.", "", ("bucket",)),
            Step(
                "Create an access key with read and write access to that bucket and copy it below.",
                "",
                ("keys", "write"),
            ),
        ),
    ),
}

_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_IP = re.compile(r"^\d+\.\d+\.\d+\.\d+$")
_REGIONS = {
    "aws": (re.compile(r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$"), "such as us-east-1 or eu-west-2"),
    "b2": (re.compile(r"^[a-z]{2}-[a-z]+-\d{3}$"), "such as us-west-004 (from the bucket's Endpoint)"),
    "wasabi": (re.compile(r"^[a-z]{2}-[a-z]+-\d$"), "such as us-east-1 or eu-central-1"),
}
_KEY_IDS = {
    "aws": (re.compile(r"^(AKIA|ASIA)[A-Z0-9]{16}$"), "an AWS access key ID is 20 letters and digits starting AKIA"),
    "r2": (re.compile(r"^[0-9a-f]{32}$"), "an R2 Access Key ID is 32 letters a–f and digits"),
    "b2": (re.compile(r"^[0-9a-f]{12,25}$"), "a B2 keyID is up to 25 letters a–f and digits"),
    "wasabi": (re.compile(r"^[A-Z0-9]{20}$"), "a Wasabi access key is 20 capital letters and digits"),
}
_SECRETS = {
    "r2": (re.compile(r"^[0-9a-f]{64}$"), "an R2 Secret Access Key is 64 letters a–f and digits"),
    "aws": (re.compile(r"^[A-Za-z0-9/+=]{40}$"), "an AWS secret access key is 40 characters"),
    "b2": (re.compile(r"^K[A-Za-z0-9/+]{30}$"), "a B2 applicationKey is 31 characters starting with K"),
}


def check_field(provider: str, name: str, value: str) -> str:
    """ "" when `value` looks right for `name` on `provider`, else a short plain sentence."""
    value = value.strip()
    if not value:
        return "" if name == "region" and provider == "minio" else "Needed."
    if " " in value:
        return "Remove the spaces."
    if name == "bucket":
        if value != value.lower():
            return "Bucket names use small letters only."
        if not _BUCKET.match(value) or ".." in value or _IP.match(value):
            return "3 to 63 small letters, digits, dots and hyphens, starting and ending with a letter or digit."
    elif name == "account_id":
        if not re.fullmatch(r"[0-9a-f]{32}", value):
            return "The Account ID is 32 letters a–f and digits (on the R2 overview page)."
    elif name == "region" and provider in _REGIONS:
        pattern, example = _REGIONS[provider]
        if not pattern.match(value):
            return f"A region name, {example}."
    elif name == "endpoint":
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.path.strip("/"):
            return "An address such as https://minio.example.com:9000 (no path after it)."
    elif name == "key_id" and provider in _KEY_IDS:
        pattern, shape = _KEY_IDS[provider]
        if not pattern.match(value):
            return f"This does not look right: {shape}."
    elif name == "secret" and provider in _SECRETS:
        pattern, shape = _SECRETS[provider]
        if not pattern.match(value):
            return f"This does not look right: {shape}."
    return ""


def check_storage(settings: StorageSettings, key_id: str, secret: str) -> dict[str, str]:
    """Every field the provider needs that does not look right, with why."""
    guide = GUIDES.get(settings.provider)
    if guide is None:
        return {"provider": "Choose where your storage is."}
    values = {
        "account_id": settings.account_id,
        "endpoint": settings.endpoint,
        "bucket": settings.bucket,
        "region": settings.region,
        "key_id": key_id,
        "secret": secret,
    }
    problems = {name: check_field(guide.provider, name, values[name]) for name in guide.fields}
    return {name: text for name, text in problems.items() if text}
