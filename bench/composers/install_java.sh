#!/usr/bin/env bash
# Java mail libraries from Debian (jars in /usr/share/java): Jakarta Mail 2 and Apache Commons Email (javax.mail),
# plus Gson to read cases.json.
set -euo pipefail
pkgs=(libjakarta-mail-java libcommons-email-java libgoogle-gson-java)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
