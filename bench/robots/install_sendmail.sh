#!/bin/bash
# Sendmail 8.17 for bench/robots/sendmail.sh, from Debian's packages. Idempotent.
# Installing sendmail-bin would replace the system MTA and start a daemon on port 25, so its
# packages (sendmail-bin, sendmail-base, sendmail-cf) are only downloaded and unpacked with
# dpkg-deb -x under /tmp/sd_robots/sendmail/root (never configured, never started as a
# service); sendmail.sh runs that binary with its own .cf. m4 (to build the .cf from
# sendmail-cf's macros) is an ordinary package with no daemon: installed with apt-get if missing.
set -eu
. "$(dirname "$0")/lib/common.sh"
BASE=/tmp/sd_robots/sendmail
ROOT=$BASE/root
command -v m4 >/dev/null || apt_install m4
[ -x "$ROOT/usr/libexec/sendmail/sendmail" ] || rm -f "$ROOT/.unpacked"
deb_unpack "$ROOT" /tmp/sd_robots/debs sendmail-bin sendmail-base sendmail-cf
