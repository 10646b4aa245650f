#!/usr/bin/env bash
# Script-style senders from Debian: sendemail, swaks, GNU mailutils `mail`, mpack, sharutils (uuencode),
# Emacs (message mode / MML, the terminal build) and tcllib (Tcl's mime package).
set -euo pipefail
PKGS=(sendemail swaks mailutils mpack sharutils emacs-nox tcllib)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
export DEBIAN_FRONTEND=noninteractive DEBCONF_NOWARNINGS=yes
apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
  || { apt-get -o DPkg::Lock::Timeout=900 update -qq >/dev/null && apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }
