#!/usr/bin/env bash
# mutt in batch mode (Debian package mutt; version from `mutt -v`), driven as a script would drive it:
# subject with -s, attachments with -a, the text body on stdin, sender and charsets set with -e
# (realname/from, charset=utf-8 for the input, send_charset = the case's charset), and $sendmail
# pointing at a stand-in that saves the message mutt hands to the MTA. Attachment names are the
# files' basenames; the forwarded mail is written by mutt itself and attached as a .eml file.
# mutt cannot put images into a multipart/related part with a Content-ID: such cases are skipped.
set -euo pipefail
command -v mutt >/dev/null || { echo "mutt not installed (apt-get install mutt)" >&2; exit 3; }
cases=$(realpath "$1"); out=$(realpath "$2")
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export HOME="$work/home" LC_ALL=C.UTF-8; mkdir -p "$HOME"
printf '#!/bin/sh\ncat > "$SD_DUMP"\n' > "$work/sendmail"; chmod +x "$work/sendmail"

# One folder per case (lib/unpack_cases.pl).
perl "$(dirname "$0")/lib/unpack_cases.pl" "$cases" "$work/cases"

q() {  # a muttrc double-quoted string
  local s=${1//\\/\\\\}; s=${s//\"/\\\"}; s=${s//\`/\\\`}; s=${s//\$/\\\$}; printf '"%s"' "$s"
}

send() {  # send DUMPFILE CHARSET FROM-COMMANDS... -- MUTT-ARGS... < body
  local dump=$1 charset=$2; shift 2
  local -a opts=(-n -F /dev/null -e "set sendmail=$(q "$work/sendmail") copy=no hostname=example.com"
                 -e "set charset=utf-8 send_charset=$(q "$charset")")
  while [ "$1" != -- ]; do opts+=(-e "$1"); shift; done; shift
  SD_DUMP=$dump mutt "${opts[@]}" "$@"
}

for d in "$work/cases"/*/; do
  id=$(basename "$d")
  if [ -n "$(ls "$d/inline")" ]; then
    printf '{"case": "%s", "skipped": "mutt cannot attach inline images with a Content-ID (multipart/related)"}\n' "$id"
    continue
  fi
  files=("$d"att/*/*)
  [ -e "${files[0]:-}" ] || files=()
  if [ -d "$d/fwd" ]; then
    mkdir -p "$d/fwdmail"; inner="$d/fwdmail/$(cat "$d/fwd/name")"
    send "$inner" utf-8 "set from=$(q "$(cat "$d/fwd/from")")" -- -s "$(cat "$d/fwd/subject")" \
      nobody@example.com < "$d/fwd/text"
    files+=("$inner")
  fi
  attach=(); [ ${#files[@]} -gt 0 ] && attach=(-a "${files[@]}")
  send "$out/$id.eml" "$(cat "$d/charset")" \
    "set realname=$(q "$(cat "$d/from_name")") from=$(q "$(cat "$d/from_addr")") use_from=yes" -- \
    -s "$(cat "$d/subject")" "${attach[@]}" -- support@example.com < "$d/text"
done
