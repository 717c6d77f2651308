#!/bin/sh
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring and a throwaway
# HOME, so keychain tests use a real Secret Service without touching the user's own keyring.
set -eu
home=$(mktemp -d "${TMPDIR:-/tmp}/quayside-keyring-XXXXXX")
trap 'rm -rf "$home"' EXIT INT TERM
export HOME="$home" XDG_DATA_HOME="$home/.local/share" XDG_CONFIG_HOME="$home/.config" \
       XDG_CACHE_HOME="$home/.cache" XDG_RUNTIME_DIR="$home/run"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
exec dbus-run-session -- sh -c '
    printf %s quayside-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    exec "$@"' with-keyring "$@"
