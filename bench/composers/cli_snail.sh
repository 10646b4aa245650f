#!/usr/bin/env bash
# s-nail, the mailx of Debian (package s-nail; version from `s-nail -V`), in send mode as a script would
# drive it: -s subject, -a attachments, the text body on stdin, -r "Name <addr>" as sender, -S settings
# (ttycharset=utf-8 for the input, sendcharsets = the case's charset, mta = a stand-in that saves
# the message s-nail hands to the MTA). Attachment names are the files' basenames; the forwarded mail
# is written by s-nail itself and attached as a .eml file. s-nail composes no multipart/alternative
# or multipart/related (no HTML part, no Content-ID images): such cases are skipped.
set -euo pipefail
command -v s-nail >/dev/null || { echo "s-nail not installed (apt-get install s-nail)" >&2; exit 3; }
cases=$(realpath "$1"); out=$(realpath "$2")
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export HOME="$work/home" LC_ALL=C.UTF-8; mkdir -p "$HOME"
printf '#!/bin/sh\ncat > "$SD_DUMP"\n' > "$work/sendmail"; chmod +x "$work/sendmail"

# One folder per case (lib/unpack_cases.pl).
perl "$(dirname "$0")/lib/unpack_cases.pl" "$cases" "$work/cases"

mailbox() {  # "Name <addr>", the name as an RFC 5322 quoted-string
  local s=${1//\\/\\\\}; s=${s//\"/\\\"}; printf '"%s" <%s>' "$s" "$2"
}

send() {  # send DUMPFILE CHARSET FROM SUBJECT FILES... < body
  local dump=$1 charset=$2 from=$3 subject=$4; shift 4
  local -a attach=()
  for f in "$@"; do attach+=(-a "$f"); done
  SD_DUMP=$dump s-nail -:/ -S sendwait -S mta="$work/sendmail" -S hostname=example.com -S ttycharset=utf-8 \
    -S sendcharsets="$charset" -r "$from" -s "$subject" "${attach[@]}" support@example.com
}

for d in "$work/cases"/*/; do
  id=$(basename "$d")
  if [ -s "$d/html" ]; then
    printf '{"case": "%s", "skipped": "s-nail composes no HTML alternative and no inline (Content-ID) images"}\n' "$id"
    continue
  fi
  files=("$d"att/*/*)
  [ -e "${files[0]:-}" ] || files=()
  if [ -d "$d/fwd" ]; then
    mkdir -p "$d/fwdmail"; inner="$d/fwdmail/$(cat "$d/fwd/name")"
    send "$inner" utf-8 "$(cat "$d/fwd/from")" "$(cat "$d/fwd/subject")" < "$d/fwd/text"
    files+=("$inner")
  fi
  send "$out/$id.eml" "$(cat "$d/charset")" "$(mailbox "$(cat "$d/from_name")" "$(cat "$d/from_addr")")" \
    "$(cat "$d/subject")" "${files[@]}" < "$d/text"
done
