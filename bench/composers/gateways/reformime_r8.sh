#!/bin/bash
# Courier's and maildrop's reformime -r8 (Debian maildrop) rewrites the MIME structure as an MTA
# does on its way to an 8BITMIME hop: new boundaries, quoted-printable parts turned 8-bit.
# Usage: reformime_r8.sh MAILFILE
command -v reformime >/dev/null || { echo "missing: reformime (install_gateways.sh)" >&2; exit 3; }
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
reformime -r8 < "$1" > "$tmp" && cat "$tmp" > "$1"
