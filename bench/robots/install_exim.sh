#!/bin/bash
# Exim 4.96 for bench/robots/exim.sh, from Debian's packages, idempotent.
# Installing exim4-daemon-light (with exim4-base and exim4-config) would make Exim the system's
# MTA and start its daemon on port 25, so the package is only unpacked (dpkg-deb -x) under
# /tmp/sd_robots/exim/root and its exim4 binary is run directly with a private configuration
# (-C) by exim.sh; nothing is configured, registered with dpkg or started as a service.
# The binary needs libidn.so.12 (libidn12), which is not installed here: that package is
# unpacked into the same root, and patchelf points the binary's RPATH there (LD_LIBRARY_PATH
# would not do: Exim clears its environment and re-executes itself, setuid, for deliveries).
set -e
BASE=/tmp/sd_robots/exim
ROOT=$BASE/root
EXIM=$ROOT/usr/sbin/exim4
LIBDIR=$ROOT/usr/lib/x86_64-linux-gnu
if [ -x "$EXIM" ] && [ -f "$ROOT/.installed" ]; then
    exit 0
fi
if ! command -v patchelf >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 -qq install -y --no-install-recommends patchelf >/dev/null 2>&1 || {
        apt-get -o DPkg::Lock::Timeout=900 -qq update >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 -qq install -y --no-install-recommends patchelf >/dev/null
    }
fi
mkdir -p "$BASE/debs"
download() {  # download PACKAGE: its .deb in $BASE/debs (once)
    ls "$BASE"/debs/"$1"_*.deb >/dev/null 2>&1 && return 0
    (cd "$BASE/debs" && apt-get -o DPkg::Lock::Timeout=900 -qq download "$1" 2>/dev/null) || {
        apt-get -o DPkg::Lock::Timeout=900 -qq update >/dev/null
        (cd "$BASE/debs" && apt-get -o DPkg::Lock::Timeout=900 -qq download "$1" 2>/dev/null)
    }
}
download exim4-daemon-light
rm -rf "$ROOT.new" && mkdir -p "$ROOT.new"
dpkg-deb -x "$(ls "$BASE"/debs/exim4-daemon-light_*.deb | tail -1)" "$ROOT.new"
# Libraries the binary lacks on this machine (ldd says "not found"): unpack their packages too.
if [ ! -e /usr/lib/x86_64-linux-gnu/libidn.so.12 ] && [ ! -e /lib/x86_64-linux-gnu/libidn.so.12 ]; then
    download libidn12
    dpkg-deb -x "$(ls "$BASE"/debs/libidn12_*.deb | tail -1)" "$ROOT.new"
fi
patchelf --set-rpath "$LIBDIR" "$ROOT.new/usr/sbin/exim4"
chmod 4755 "$ROOT.new/usr/sbin/exim4"   # as packaged (patchelf keeps it; be sure)
rm -rf "$ROOT" && mv "$ROOT.new" "$ROOT"
if LD_TRACE_LOADED_OBJECTS=1 "$EXIM" 2>/dev/null | grep -q "not found"; then
    echo "exim4 still misses libraries:" >&2
    LD_TRACE_LOADED_OBJECTS=1 "$EXIM" | grep "not found" >&2
    exit 1
fi
touch "$ROOT/.installed"
