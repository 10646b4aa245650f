#!/bin/bash
# A company's outgoing disclaimer, added the way many mail servers add it: alterMIME 0.3
# (Debian altermime) rewrites the text and HTML parts of the mail file in place.
# Usage: altermime.sh MAILFILE
command -v altermime >/dev/null || { echo "missing: altermime (install_gateways.sh)" >&2; exit 3; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '\nКонфиденциально: это письмо предназначено только для адресата.\n' > "$work/disclaimer.txt"
printf '<p>Конфиденциально: это письмо предназначено только для адресата.</p>' > "$work/disclaimer.html"
cd "$work" && altermime --input="$1" --disclaimer="$work/disclaimer.txt" --disclaimer-html="$work/disclaimer.html" \
    --force-for-bad-html --log-stderr >/dev/null 2>&1 || true
