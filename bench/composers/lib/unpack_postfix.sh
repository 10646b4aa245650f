#!/bin/bash
# Debian's postfix package unpacked under /tmp/sd_composers/gw/postfix/root (never configured
# or started as a service: it would replace the system's MTA), its programs' library path pointed
# there with patchelf. Shared by the composers' gateways and the robots' Postfix. Idempotent.
set -e
GW=/tmp/sd_composers/gw
command -v patchelf >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 -qq install -y \
    --no-install-recommends patchelf >/dev/null
if [ ! -x "$GW/postfix/root/usr/sbin/postfix" ]; then
    mkdir -p "$GW/debs" "$GW/postfix"
    (cd "$GW/debs" && apt-get -o DPkg::Lock::Timeout=900 -qq download postfix 2>/dev/null)
    rm -rf "$GW/postfix/root.new" && mkdir -p "$GW/postfix/root.new"
    dpkg-deb -x "$(ls "$GW"/debs/postfix_*.deb | tail -1)" "$GW/postfix/root.new"
    cd "$GW/postfix/root.new"
    cp -n usr/share/postfix/dynamicmaps.cf usr/share/postfix/makedefs.out etc/postfix/
    cp usr/share/postfix/main.cf.dist etc/postfix/main.cf.proto
    cp usr/share/postfix/master.cf.dist etc/postfix/master.cf.proto
    for f in usr/sbin/* usr/lib/postfix/sbin/* usr/lib/postfix/*.so; do
        if head -c 4 "$f" | grep -q ELF; then patchelf --set-rpath "$GW/postfix/root/usr/lib/postfix" "$f"; fi
    done
    cd / && mv "$GW/postfix/root.new" "$GW/postfix/root"
fi
