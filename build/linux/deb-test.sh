#!/bin/sh
# make deb-test: the .deb as a user gets it. Installs it with apt-get, runs the installed app's
# smoke test and one headless command (which makes a user data folder), checks the .desktop entry
# and the AppStream metainfo are clean, removes the package with --purge, and checks that none of
# its files is left while the user's data stays. Needs root (apt-get) and a built .deb.
#
#   sh build/linux/deb-test.sh dist/aurora-desktop_<version>_<arch>.deb
set -eu
deb="$1"
[ -f "$deb" ] || { echo "deb-test: no package at $deb (make deb builds it)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "deb-test: needs root (apt-get install); skipped" >&2; exit 1; }
case "$deb" in /*) ;; *) deb="$PWD/$deb" ;; esac

fail() { echo "deb-test: FAILED: $*" >&2; exit 1; }
home=$(mktemp -d)
files=$(mktemp)
trap 'rm -rf "$home" "$files"' EXIT

echo "deb-test: installing $deb"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" >/dev/null
dpkg-query -W -f='${Status}\n' aurora-desktop | grep -q "install ok installed" || fail "not installed"
dpkg -L aurora-desktop >"$files"

[ "$(command -v aurora-desktop)" = /usr/bin/aurora-desktop ] || fail "aurora-desktop is not /usr/bin/aurora-desktop"
echo "deb-test: smoke test of the installed app"
HOME="$home" XDG_RUNTIME_DIR="$home" QT_QPA_PLATFORM=offscreen timeout 300 aurora-desktop --smoke-test 2>/dev/null \
    | tail -n 1 | grep -q '"smoke_test": "passed"' || fail "the installed app's smoke test"
# A headless command as a user runs it: it makes the user's data folder (the library database).
HOME="$home" XDG_RUNTIME_DIR="$home" timeout 120 aurora-desktop jobs >/dev/null 2>&1 || fail "aurora-desktop jobs"
userdata="$home/.local/share/aurora-desktop"
[ -d "$userdata" ] || fail "no user data folder at $userdata"

echo "deb-test: desktop-file-validate and appstreamcli validate"
out=$(desktop-file-validate /usr/share/applications/aurora-desktop.desktop 2>&1) || fail "desktop-file-validate: $out"
[ -z "$out" ] || fail "desktop-file-validate is not clean: $out"
metainfo=$(grep '^/usr/share/metainfo/.*\.metainfo\.xml$' "$files") || fail "no AppStream metainfo in the package"
appstreamcli validate --no-net "$metainfo" || fail "appstreamcli validate"

echo "deb-test: removing the package"
DEBIAN_FRONTEND=noninteractive apt-get remove --purge -y -qq aurora-desktop >/dev/null
! dpkg-query -W -f='${Status}\n' aurora-desktop 2>/dev/null | grep -q "install ok installed" || fail "still installed"
[ ! -e /opt/aurora-desktop ] || fail "/opt/aurora-desktop is left"
[ ! -e /usr/bin/aurora-desktop ] || fail "/usr/bin/aurora-desktop is left"
left=0
while IFS= read -r f; do
    case "$f" in /opt/*|/usr/bin/*|/usr/share/*) ;; *) continue ;; esac
    # Folders shared with other packages (/usr/share/icons/hicolor/...) stay; the package's files go.
    if [ -e "$f" ] && [ ! -d "$f" ]; then echo "left: $f" >&2; left=1; fi
done <"$files"
[ "$left" = 0 ] || fail "files of the package are left"
[ -d "$userdata" ] || fail "the user's data folder went with the package"
echo "deb-test: passed ($(wc -l <"$files") paths installed and removed; the user's data stays)"
