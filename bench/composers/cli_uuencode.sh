#!/usr/bin/env bash
# The classic Unix habit `(cat body; uuencode file name) | mail -s subject addr`: uuencode from Debian's
# sharutils (version from `uuencode --version`) and GNU Mailutils `mail` (package mailutils), with
# -a "From: ..." for the sender, -M and charset set to the case's charset (the piped text, names in the
# uuencode begin lines included, is in that charset), and $sendmail set with -E to a stand-in that
# saves what `mail` hands to the MTA. The attachments live in the body as uuencoded blocks. No HTML,
# inline images or message/rfc822 parts are possible this way: such cases are skipped.
set -euo pipefail
command -v uuencode >/dev/null || { echo "uuencode not installed (apt-get install sharutils)" >&2; exit 3; }
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

for d in "$work/cases"/*/; do
  id=$(basename "$d") cs=$(cat "$d/charset")
  if [ -s "$d/html" ] || [ -n "$(ls "$d/inline")" ] || [ -d "$d/fwd" ]; then
    printf '{"case": "%s", "skipped": "uuencoded text carries no HTML alternative, inline image or message/rfc822 part"}\n' "$id"
    continue
  fi
  { cat "$d/text.cs"
    for f in "$d"att/*/*; do
      [ -e "$f" ] || continue
      uuencode "$f" "$(printf '%s' "${f##*/}" | iconv -f utf-8 -t "$cs")"
    done
  } | SD_DUMP="$out/$id.eml" mail.mailutils -M -E "set sendmail=sendmail:$work/sendmail" -E "set charset=$cs" \
      -s "$(cat "$d/subject")" -a "From: $(mailbox "$(cat "$d/from_name")" "$(cat "$d/from_addr")")" \
      support@example.com 2>/dev/null
done
