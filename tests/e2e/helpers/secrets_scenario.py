"""Exercises aurora_desktop.secrets in a fresh process; prints one JSON line.

Run by tests/e2e/test_secrets_keyring.py under dbus-run-session (or without a
bus at all), so keyring's backend detection runs for real each time.
"""

from __future__ import annotations

import asyncio
import json
import sys

from aurora_desktop.api.credentials import Credentials
from aurora_desktop.secrets import API_KEY, SecretStore, SecretsUnavailable


def lock_collection() -> None:
    import secretstorage

    conn = secretstorage.dbus_init()
    secretstorage.get_default_collection(conn).lock()


async def main(scenario: str) -> dict:
    store = SecretStore()
    out: dict = {}
    try:
        if scenario == "roundtrip":
            info = await store.info()
            out["info"] = {"backend": info.backend, "system": info.system_store, "problem": info.problem}
            await store.save_api_credentials(Credentials("my-id", "my-secret-key"))
            again = await SecretStore().api_credentials(env={})
            out["read_back"] = [again.api_id, again.api_key] if again else None
            await store.delete(API_KEY)
            out["after_delete"] = await store.get(API_KEY)
            await store.delete(API_KEY)  # deleting what is gone is fine
            out["env_override"] = (
                await store.api_credentials(env={"AURORA_API_ID": "env-id", "AURORA_API_KEY": "env-key"})
            ).api_id  # type: ignore[union-attr]
        elif scenario in ("no-keyring", "locked"):
            if scenario == "locked":
                await store.set("probe", "x")
                await asyncio.to_thread(lock_collection)
            info = await store.info()
            out["info"] = {"backend": info.backend, "system": info.system_store, "problem": info.problem}
            try:
                await store.set(API_KEY, "value")
                out["set"] = "stored"
            except SecretsUnavailable as exc:
                out["set"] = {"message": exc.user_message, "locked": exc.locked, "detail": exc.detail}
            store.use_session_only()  # the user's way forward
            await store.set(API_KEY, "session-value")
            out["session_only"] = [await store.get(API_KEY), (await store.info()).backend]
    finally:
        store.close()
    return out


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(sys.argv[1]))))
