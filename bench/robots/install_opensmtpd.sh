#!/bin/bash
# OpenSMTPD 6.8 for bench/robots/opensmtpd.sh, from Debian's opensmtpd package. Idempotent.
# Installing the package would replace the system MTA, create the system users opensmtpd and
# opensmtpq and start smtpd on port 25, so it is only downloaded and unpacked with dpkg-deb -x
# under /tmp/sd_robots/opensmtpd/root (never configured, never started as a service).
# opensmtpd.sh runs that smtpd with its own config inside a private mount namespace (see there).
# Its libraries (libevent, libssl, libdb, libpam...) are already on a Debian 12 system; checked below.
set -eu
. "$(dirname "$0")/lib/common.sh"
BASE=/tmp/sd_robots/opensmtpd
ROOT=$BASE/root
[ -x "$ROOT/usr/sbin/smtpd" ] || rm -f "$ROOT/.unpacked"
deb_unpack "$ROOT" /tmp/sd_robots/debs opensmtpd
if ldd "$ROOT/usr/sbin/smtpd" | grep -q 'not found'; then
    missing=$(ldd "$ROOT/usr/sbin/smtpd" | awk '/not found/ {print $1}' | tr '\n' ' ')
    echo "smtpd needs libraries not installed: $missing" >&2
    exit 1
fi
