#!/bin/bash
# DragonFly Mail Agent (Debian's dma 0.13) for bench/robots/dma.sh. Idempotent.
# dma is a system MTA (it provides mail-transport-agent and /usr/sbin/sendmail, and its
# postinst configures it through debconf), so the package is never installed: it is
# downloaded with `apt-get download` and unpacked with `dpkg-deb -x` under
# /tmp/sd_robots/dma/root. Nothing is configured or started here; dma.sh runs the unpacked
# binary with a private config, spool and mailbox (see there).
set -eu
BASE=/tmp/sd_robots/dma
ROOT=$BASE/root
[ -x "$ROOT/usr/sbin/dma" ] && { echo "dma already unpacked under $ROOT"; exit 0; }
command -v unshare >/dev/null || { echo "unshare (util-linux) is needed by dma.sh" >&2; exit 1; }
mkdir -p "$BASE/debs"
cd "$BASE/debs"
rm -f dma_*.deb
if ! apt-get -o DPkg::Lock::Timeout=900 -qq download dma 2>/dev/null; then
    apt-get -o DPkg::Lock::Timeout=900 -qq update >/dev/null
    apt-get -o DPkg::Lock::Timeout=900 -qq download dma 2>/dev/null
fi
rm -rf "$ROOT.new" && mkdir -p "$ROOT.new"
dpkg-deb -x "$(ls "$BASE"/debs/dma_*.deb | tail -1)" "$ROOT.new"
mv "$ROOT.new" "$ROOT"
echo "dma $(dpkg-deb -f "$(ls "$BASE"/debs/dma_*.deb | tail -1)" Version) unpacked under $ROOT"
