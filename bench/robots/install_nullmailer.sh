#!/bin/bash
# nullmailer 2.2 (Debian's nullmailer package) for bench/robots/nullmailer.sh. Idempotent.
# nullmailer is a system MTA (it provides mail-transport-agent and /usr/sbin/sendmail, and its
# postinst starts the nullmailer service), so the package is never installed: it is
# downloaded with `apt-get download` and unpacked with `dpkg-deb -x` under
# /tmp/sd_robots/nullmailer/root. Nothing is configured or started here; nullmailer.sh runs
# the unpacked programs with a private configuration and queue (see there).
set -eu
. "$(dirname "$0")/lib/common.sh"
BASE=/tmp/sd_robots/nullmailer
ROOT=$BASE/root
command -v setpriv >/dev/null || { echo "setpriv (util-linux) is needed by nullmailer.sh" >&2; exit 1; }
deb_unpack "$ROOT" "$BASE/debs" nullmailer
echo "nullmailer $(deb_version "$BASE/debs" nullmailer) unpacked under $ROOT"
