#!/bin/bash
# nullmailer 2.2 (Debian's nullmailer package) for bench/robots/nullmailer.sh. Idempotent.
# nullmailer is a system MTA (it provides mail-transport-agent and /usr/sbin/sendmail, and its
# postinst starts the nullmailer service), so the package is never installed: it is
# downloaded with `apt-get download` and unpacked with `dpkg-deb -x` under
# /tmp/sd_robots/nullmailer/root. Nothing is configured or started here; nullmailer.sh runs
# the unpacked programs with a private configuration and queue (see there).
set -eu
BASE=/tmp/sd_robots/nullmailer
ROOT=$BASE/root
[ -x "$ROOT/usr/sbin/nullmailer-send" ] && { echo "nullmailer already unpacked under $ROOT"; exit 0; }
command -v setpriv >/dev/null || { echo "setpriv (util-linux) is needed by nullmailer.sh" >&2; exit 1; }
mkdir -p "$BASE/debs"
cd "$BASE/debs"
rm -f nullmailer_*.deb
if ! apt-get -o DPkg::Lock::Timeout=900 -qq download nullmailer 2>/dev/null; then
    apt-get -o DPkg::Lock::Timeout=900 -qq update >/dev/null
    apt-get -o DPkg::Lock::Timeout=900 -qq download nullmailer 2>/dev/null
fi
rm -rf "$ROOT.new" && mkdir -p "$ROOT.new"
dpkg-deb -x "$(ls "$BASE"/debs/nullmailer_*.deb | tail -1)" "$ROOT.new"
mv "$ROOT.new" "$ROOT"
echo "nullmailer $(dpkg-deb -f "$(ls "$BASE"/debs/nullmailer_*.deb | tail -1)" Version) unpacked under $ROOT"
