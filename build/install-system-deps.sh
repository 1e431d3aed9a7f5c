#!/bin/sh
# Installs the Debian packages Aurora Desktop needs, when run as root on Debian.
# Anywhere else (not root, no apt-get) it only says what is missing and exits 0,
# so `make run` works the same on a developer laptop and a fresh CI machine.
#
#   build/install-system-deps.sh          runtime: Qt's xcb/EGL/font/D-Bus/audio libraries
#   build/install-system-deps.sh --test   also (shellcheck: actionlint's check of the workflows' scripts): Xvfb, D-Bus + gnome-keyring (real Secret Service),
#                                         espeak-ng/sox (sample audio), ImageMagick (screenshots)
#   build/install-system-deps.sh --build  also: what `make package` uses: binutils (strip, as, ld)
#                                         and icu-devtools (icupkg: build/trim_icu.py); and what the
#                                         packages use: nsis (makensis: the Windows installer script
#                                         is compiled here too), desktop-file-utils and appstream
#                                         (make deb-test validates the .desktop entry and metainfo)
set -eu

# Libraries the PySide6 wheels link against but do not ship (see docs/architecture.md, "Playback and packaging").
RUNTIME="python3-venv libegl1 libgl1 libglib2.0-0 libxkbcommon0 libxkbcommon-x11-0
libfontconfig1 libfreetype6 libdbus-1-3 libpulse0 libxcb-cursor0 libxcb-icccm4
libxcb-image0 libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0
libxcb-xinerama0 libxcb-xkb1 libx11-xcb1 libnss3 libasound2 fonts-dejavu-core"
BUILD="binutils icu-devtools nsis desktop-file-utils appstream"
TEST="xvfb xauth dbus dbus-x11 gnome-keyring libsecret-tools espeak-ng sox imagemagick curl openbox xz-utils shellcheck"

pkgs="$RUNTIME"
[ "${1:-}" = "--test" ] && pkgs="$pkgs $TEST"
[ "${1:-}" = "--build" ] && pkgs="$pkgs $BUILD"

missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "note: these system packages are missing (install them as root if Qt fails to start):$missing" >&2
    exit 0
fi
echo "Installing system packages:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# A fresh machine has no package lists yet; an update is cheap next to a failed install.
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
