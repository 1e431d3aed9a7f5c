"""The guided storage set-up: field checks per provider and the step a failed test points to."""

from __future__ import annotations

import pytest

from aurora_desktop.hosting.s3 import PROVIDERS, _problem_of
from aurora_desktop.hosting.storage_guide import GUIDES, check_field, check_storage
from aurora_desktop.settings import StorageSettings


def test_every_provider_has_a_guide_with_numbered_steps_for_each_problem() -> None:
    assert {p.key for p in PROVIDERS} == set(GUIDES)
    for guide in GUIDES.values():
        assert {"bucket", "key_id", "secret"} <= set(guide.fields)
        for problem in ("bucket", "keys", "write", "links", "endpoint"):
            assert guide.step_for(problem) is not None, (guide.provider, problem)


@pytest.mark.parametrize(
    ("provider", "name", "value", "words"),
    [
        ("aws", "bucket", "My_Bucket", "small letters"),
        ("aws", "bucket", "ab", "3 to 63"),
        ("aws", "bucket", "192.168.1.1", "3 to 63"),
        ("aws", "region", "Frankfurt", "us-east-1"),
        ("b2", "region", "us-west", "us-west-004"),
        ("r2", "account_id", "my-account", "32 letters"),
        ("minio", "endpoint", "minio.example.com", "https://"),
        ("minio", "endpoint", "https://minio.example.com/bucket", "no path"),
        ("aws", "key_id", "AKIA123", "20 letters"),
        ("r2", "secret", "short", "64 letters"),
        ("aws", "bucket", "my bucket", "spaces"),
    ],
)
def test_a_value_of_the_wrong_shape_says_why(provider: str, name: str, value: str, words: str) -> None:
    assert words in check_field(provider, name, value)


@pytest.mark.parametrize(
    ("provider", "name", "value"),
    [
        ("aws", "bucket", "aurora-inputs.2026"),
        ("aws", "region", "eu-west-2"),
        ("aws", "region", "us-gov-west-1"),
        ("b2", "region", "us-west-004"),
        ("wasabi", "region", "eu-central-1"),
        ("r2", "account_id", "0123456789abcdef0123456789abcdef"),
        ("minio", "endpoint", "http://127.0.0.1:9000"),
        ("aws", "key_id", "AKIAIOSFODNN7EXAMPLE"),
        ("r2", "key_id", "0123456789abcdef0123456789abcdef"),
        ("b2", "key_id", "0041234567890ab0000000001"),
        ("minio", "key_id", "anything-goes-here"),
        ("minio", "region", ""),
    ],
)
def test_a_value_of_the_right_shape_passes(provider: str, name: str, value: str) -> None:
    assert check_field(provider, name, value) == ""


def test_only_the_fields_a_provider_needs_are_checked() -> None:
    r2 = StorageSettings(provider="r2", bucket="aurora-inputs", account_id="0" * 32)
    assert check_storage(r2, "a" * 32, "b" * 64) == {}  # no region or endpoint asked of R2
    assert set(check_storage(StorageSettings(provider="b2"), "", "")) == {"bucket", "region", "key_id", "secret"}


@pytest.mark.parametrize(
    ("error", "problem"),
    [
        ("Generic S3 error: NoSuchBucket: The specified bucket does not exist", "bucket"),
        ("Generic S3 error: InvalidAccessKeyId: The AWS Access Key Id you provided does not exist", "keys"),
        ("Generic S3 error: SignatureDoesNotMatch", "keys"),
        ("Generic S3 error: AccessDenied: Access Denied", "write"),
        ("Generic S3 error: Client error with status 403 Forbidden", "write"),
        ("Generic S3 error: error sending request for url (https://x.r2.cloudflarestorage.com:40363/)", "endpoint"),
    ],
)
def test_a_failed_storage_test_names_what_is_wrong(error: str, problem: str) -> None:
    assert _problem_of(RuntimeError(error)) == problem
