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
BASE=/tmp/sd_robots/courier
ROOT=$BASE/root
PKGS=(courier-base courier-mta libpcre3 libgamin0)
[ -f "$ROOT/.unpacked" ] && { echo "courier already unpacked under $ROOT"; exit 0; }
getent passwd courier >/dev/null && getent group courier >/dev/null || {
    echo "install_courier.sh: the user/group courier is missing (Debian's courier-authlib creates it)" >&2; exit 1; }
for tool in unshare nsenter; do
    command -v "$tool" >/dev/null || { echo "$tool (util-linux) is needed by courier.sh" >&2; exit 1; }
done
mkdir -p "$BASE/debs"
cd "$BASE/debs"
rm -f ./*.deb
if ! apt-get -o DPkg::Lock::Timeout=900 -qq download "${PKGS[@]}" 2>/dev/null; then
    apt-get -o DPkg::Lock::Timeout=900 -qq update >/dev/null
    apt-get -o DPkg::Lock::Timeout=900 -qq download "${PKGS[@]}" 2>/dev/null
fi
rm -rf "$ROOT.new" && mkdir -p "$ROOT.new"
for p in "${PKGS[@]}"; do
    dpkg-deb -x "$(ls "$BASE"/debs/"${p}"_*.deb | tail -1)" "$ROOT.new"
done
touch "$ROOT.new/.unpacked"
rm -rf "$ROOT" && mv "$ROOT.new" "$ROOT"
echo "courier $(dpkg-deb -f "$(ls "$BASE"/debs/courier-mta_*.deb | tail -1)" Version) unpacked under $ROOT"
