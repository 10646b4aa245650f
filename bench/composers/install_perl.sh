#!/usr/bin/env bash
# Perl mail libraries from Debian: MIME::Lite, MIME-tools (MIME::Entity), Email::MIME, Email::Stuffer.
set -euo pipefail
pkgs=(libmime-lite-perl libmime-tools-perl libemail-mime-perl libemail-stuffer-perl)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive DEBCONF_NOWARNINGS=yes apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
