#!/bin/bash
# Courier's and maildrop's reformime -r7 (Debian maildrop) rewrites the MIME structure as an MTA
# does on its way to a 7-bit hop: new boundaries, 8-bit parts turned quoted-printable.
# Usage: reformime_r7.sh MAILFILE
command -v reformime >/dev/null || { echo "missing: reformime (install_gateways.sh)" >&2; exit 3; }
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
reformime -r7 < "$1" > "$tmp" && cat "$tmp" > "$1"
