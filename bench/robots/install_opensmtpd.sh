#!/bin/bash
# OpenSMTPD 6.8 for bench/robots/opensmtpd.sh, from Debian's opensmtpd package. Idempotent.
# Installing the package would replace the system MTA, create the system users opensmtpd and
# opensmtpq and start smtpd on port 25, so it is only downloaded and unpacked with dpkg-deb -x
# under /tmp/sd_robots/opensmtpd/root (never configured, never started as a service).
# opensmtpd.sh runs that smtpd with its own config inside a private mount namespace (see there).
# Its libraries (libevent, libssl, libdb, libpam...) are already on a Debian 12 system; checked below.
set -eu
BASE=/tmp/sd_robots/opensmtpd
ROOT=$BASE/root
DEBS=/tmp/sd_robots/debs
if ! [ -f "$ROOT/.unpacked" ] || ! [ -x "$ROOT/usr/sbin/smtpd" ]; then
    mkdir -p "$DEBS" "$BASE"
    cd "$DEBS"
    ls opensmtpd_*.deb >/dev/null 2>&1 || apt-get -o DPkg::Lock::Timeout=900 -qq download opensmtpd 2>/dev/null \
        || { apt-get -o DPkg::Lock::Timeout=900 -qq update >/dev/null && apt-get -o DPkg::Lock::Timeout=900 -qq download opensmtpd 2>/dev/null; }
    rm -rf "$ROOT.new" && mkdir -p "$ROOT.new"
    dpkg-deb -x "$(ls "$DEBS"/opensmtpd_*.deb | tail -1)" "$ROOT.new"
    touch "$ROOT.new/.unpacked"
    rm -rf "$ROOT" && mv "$ROOT.new" "$ROOT"
fi
if ldd "$ROOT/usr/sbin/smtpd" | grep -q 'not found'; then
    missing=$(ldd "$ROOT/usr/sbin/smtpd" | awk '/not found/ {print $1}' | tr '\n' ' ')
    echo "smtpd needs libraries not installed: $missing" >&2
    exit 1
fi
