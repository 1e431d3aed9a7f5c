#!/bin/sh
# Runs a command inside its own D-Bus session with a throwaway gnome-keyring
# (the real Secret Service), as a desktop login would provide.
#   keyring_session.sh COMMAND...
# HOME must point at a throwaway folder (the keyring files go there).
set -eu
mkdir -p "$HOME/.local/share/keyrings" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
# --unlock reads the login password from stdin and creates/unlocks the login collection.
printf 'test-password' | gnome-keyring-daemon --unlock --components=secrets --daemonize >/dev/null
exec "$@"
