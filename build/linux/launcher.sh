#!/bin/sh
# /usr/bin/aurora-desktop from the .deb: the frozen app lives in /opt/aurora-desktop.
exec /opt/aurora-desktop/aurora-desktop "$@"
