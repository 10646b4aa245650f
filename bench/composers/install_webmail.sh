#!/usr/bin/env bash
# Webmail composers: PEAR Mail_mime (Roundcube), Horde_Mime (IMP), Swift Mailer, Rails ActionMailer
# and Mail::Message (Mail::Box), all from Debian's packages.
set -euo pipefail
PKGS=(php-cli php-mbstring php-mail-mime php-horde-mime php-swiftmailer ruby ruby-actionmailer libmail-message-perl)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
  || { apt-get -o DPkg::Lock::Timeout=900 update -qq >/dev/null && apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }
