#!/usr/bin/env bash
# PHP composers: PHPMailer and Symfony Mime from Debian's packages, plus php-cli with mbstring.
set -euo pipefail
PKGS=(php-cli php-mbstring php-intl libphp-phpmailer php-symfony-mime php-email-validator)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
  || { apt-get -o DPkg::Lock::Timeout=900 update -qq >/dev/null && apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }
