#!/bin/bash
# The Courier mail server 1.0.16 (Debian's courier-mta and courier-base) for
# bench/robots/courier.sh. Idempotent.
# courier-mta is a system MTA (it provides mail-transport-agent and /usr/sbin/sendmail, and its
# postinst starts the courier service), so the packages are never installed: they are
# downloaded with `apt-get download` and unpacked with `dpkg-deb -x` under
# /tmp/sd_robots/courier/root, with the libraries courier-base depends on that this machine
# lacks (libpcre3, libgamin0). The user and group courier (Courier's mailuser) must exist:
# Debian's courier-authlib (installed here) created them; no account is created here.
# Nothing is configured or started here; courier.sh runs the unpacked programs in a private
# mount namespace (see there).
set -eu
. "$(dirname "$0")/lib/common.sh"
BASE=/tmp/sd_robots/courier
ROOT=$BASE/root
getent passwd courier >/dev/null && getent group courier >/dev/null || {
    echo "install_courier.sh: the user/group courier is missing (Debian's courier-authlib creates it)" >&2; exit 1; }
for tool in unshare nsenter; do
    command -v "$tool" >/dev/null || { echo "$tool (util-linux) is needed by courier.sh" >&2; exit 1; }
done
deb_unpack "$ROOT" "$BASE/debs" courier-base courier-mta libpcre3 libgamin0
echo "courier $(deb_version "$BASE/debs" courier-mta) unpacked under $ROOT"
