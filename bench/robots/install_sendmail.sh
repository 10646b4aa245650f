#!/bin/bash
# Sendmail 8.17 for bench/robots/sendmail.sh, from Debian's packages. Idempotent.
# Installing sendmail-bin would replace the system MTA and start a daemon on port 25, so its
# packages (sendmail-bin, sendmail-base, sendmail-cf) are only downloaded and unpacked with
# dpkg-deb -x under /tmp/sd_robots/sendmail/root (never configured, never started as a
# service); sendmail.sh runs that binary with its own .cf. m4 (to build the .cf from
# sendmail-cf's macros) is an ordinary package with no daemon: installed with apt-get if missing.
set -eu
BASE=/tmp/sd_robots/sendmail
ROOT=$BASE/root
DEBS=/tmp/sd_robots/debs
if ! command -v m4 >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 -qq install -y --no-install-recommends m4 >/dev/null \
        || { apt-get -o DPkg::Lock::Timeout=900 -qq update >/dev/null
             DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 -qq install -y --no-install-recommends m4 >/dev/null; }
fi
[ -f "$ROOT/.unpacked" ] && [ -x "$ROOT/usr/libexec/sendmail/sendmail" ] && exit 0
mkdir -p "$DEBS" "$BASE"
cd "$DEBS"
for p in sendmail-bin sendmail-base sendmail-cf; do
    ls "$p"_*.deb >/dev/null 2>&1 || apt-get -o DPkg::Lock::Timeout=900 -qq download "$p" 2>/dev/null \
        || { apt-get -o DPkg::Lock::Timeout=900 -qq update >/dev/null && apt-get -o DPkg::Lock::Timeout=900 -qq download "$p" 2>/dev/null; }
done
rm -rf "$ROOT.new" && mkdir -p "$ROOT.new"
for p in sendmail-bin sendmail-base sendmail-cf; do
    dpkg-deb -x "$(ls "$DEBS/$p"_*.deb | tail -1)" "$ROOT.new"
done
touch "$ROOT.new/.unpacked"
rm -rf "$ROOT" && mv "$ROOT.new" "$ROOT"
