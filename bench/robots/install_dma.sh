#!/bin/bash
# DragonFly Mail Agent (Debian's dma 0.13) for bench/robots/dma.sh. Idempotent.
# dma is a system MTA (it provides mail-transport-agent and /usr/sbin/sendmail, and its
# postinst configures it through debconf), so the package is never installed: it is
# downloaded with `apt-get download` and unpacked with `dpkg-deb -x` under
# /tmp/sd_robots/dma/root. Nothing is configured or started here; dma.sh runs the unpacked
# binary with a private config, spool and mailbox (see there).
set -eu
. "$(dirname "$0")/lib/common.sh"
BASE=/tmp/sd_robots/dma
ROOT=$BASE/root
[ -x "$ROOT/usr/sbin/dma" ] && { echo "dma already unpacked under $ROOT"; exit 0; }
command -v unshare >/dev/null || { echo "unshare (util-linux) is needed by dma.sh" >&2; exit 1; }
rm -f "$ROOT/.unpacked"   # an unpacking without the binary: do it again
deb_unpack "$ROOT" "$BASE/debs" dma
echo "dma $(deb_version "$BASE/debs" dma) unpacked under $ROOT"
