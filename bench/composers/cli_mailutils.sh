#!/usr/bin/env bash
# GNU Mailutils `mail` (Debian package mailutils; version from `mail --version`) in send mode as a
# script drives it: -s subject, -a "From: ..." header, -M (MIME) with charset set to the case's charset
# and the body in that charset on stdin, -A attachments each after --content-type, the forwarded mail
# (written by `mail` itself) as message/rfc822, an HTML body with --alternative, and $sendmail set
# with -E to a stand-in that saves what `mail` hands to the MTA. Attachment names are the files'
# basenames. `mail` cannot give an image a chosen Content-ID (multipart/related): such cases are skipped.
set -euo pipefail
command -v mail.mailutils >/dev/null || { echo "GNU mailutils not installed (apt-get install mailutils)" >&2; exit 3; }
cases=$(realpath "$1"); out=$(realpath "$2")
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export HOME="$work/home" LC_ALL=C.UTF-8; mkdir -p "$HOME"
printf '#!/bin/sh\ncat > "$SD_DUMP"\n' > "$work/sendmail"; chmod +x "$work/sendmail"

# One folder per case (lib/unpack_cases.pl).
perl "$(dirname "$0")/lib/unpack_cases.pl" "$cases" "$work/cases"

mailbox() {  # "Name" <addr>, the name as an RFC 5322 quoted-string
  local s=${1//\\/\\\\}; s=${s//\"/\\\"}; printf '"%s" <%s>' "$s" "$2"
}
send() {  # send DUMPFILE CHARSET FROM SUBJECT MAIL-ARGS... < body
  local dump=$1 charset=$2 from=$3 subject=$4; shift 4
  SD_DUMP=$dump mail.mailutils -M -E "set sendmail=sendmail:$work/sendmail" -E "set charset=$charset" \
    -s "$subject" -a "From: $from" "$@" support@example.com 2>/dev/null
}

for d in "$work/cases"/*/; do
  id=$(basename "$d") cs=$(cat "$d/charset")
  if [ -n "$(ls "$d/inline")" ]; then
    printf '{"case": "%s", "skipped": "mail cannot give an inline image a chosen Content-ID (multipart/related)"}\n' "$id"
    continue
  fi
  args=()
  if [ -s "$d/html" ]; then
    mkdir -p "$d/htmlpart"; cp "$d/html.cs" "$d/htmlpart/message.html"
    args+=(--alternative --content-type="text/html; charset=$cs" -A "$d/htmlpart/message.html")
  fi
  for f in "$d"att/*/*; do
    [ -e "$f" ] || continue
    args+=(--content-type="$(cat "${f%/*}.type")" -A "$f")
  done
  if [ -d "$d/fwd" ]; then
    mkdir -p "$d/fwdmail"; inner="$d/fwdmail/$(cat "$d/fwd/name")"
    send "$inner" utf-8 "$(cat "$d/fwd/from")" "$(cat "$d/fwd/subject")" < "$d/fwd/text"
    args+=(--content-type=message/rfc822 -A "$inner")
  fi
  send "$out/$id.eml" "$cs" "$(mailbox "$(cat "$d/from_name")" "$(cat "$d/from_addr")")" "$(cat "$d/subject")" \
    "${args[@]}" < "$d/text.cs"
done
