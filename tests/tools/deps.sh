#!/bin/sh
# deps.sh — install the Debian packages the build and the tests use, when missing.
# Usage: deps.sh PACKAGE...
# On Debian/Ubuntu: apt-get as root, else sudo apt-get. Elsewhere: print the names, stop.
missing=""
if command -v dpkg-query >/dev/null 2>&1; then
    for p in "$@"; do
        st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)
        case "$st" in *"install ok installed"*) ;; *) missing="$missing $p" ;; esac
    done
else
    echo "deps: this is not a Debian or Ubuntu system; install these packages (or their" >&2
    echo "      equivalents) and run make again:$(printf ' %s' "$@")" >&2
    exit 1
fi
[ -z "$missing" ] && exit 0
echo "deps: installing:$missing"
if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq || { echo "deps: apt-get update failed" >&2; exit 1; }
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null || {
    echo "deps: could not install:$missing" >&2
    exit 1
}
