#!/usr/bin/env bash
# Node.js mail libraries from the npm registry into /tmp/sd_composers/node: nodemailer, emailjs, mimetext.
set -euo pipefail
prefix="${SD_COMPOSERS:-/tmp/sd_composers}/node"
pkgs=(nodemailer emailjs mimetext)
missing=()
for p in "${pkgs[@]}"; do
  [ -f "$prefix/node_modules/$p/package.json" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
mkdir -p "$prefix"
npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error "${missing[@]}" >/dev/null
