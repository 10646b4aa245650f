#!/usr/bin/env bash
# sendEmail, the Perl SMTP client script (Debian package sendemail; version from `sendemail --help`), driven
# as a cron job or monitoring script drives it: -f "Name <addr>", -t, -u subject, the body from a file in
# the case's charset (-o message-file, -o message-charset), -a files, and -s pointing at a local SMTP
# sink (Python standard library, started here) that saves the DATA sendEmail transmits. sendEmail
# writes one body part (text or HTML), no Content-ID images and no message/rfc822 parts (it types
# attachments by file extension): cases needing those are skipped.
set -euo pipefail
command -v sendemail >/dev/null || { echo "sendemail not installed (apt-get install sendemail)" >&2; exit 3; }
cases=$(realpath "$1"); out=$(realpath "$2")
work=$(mktemp -d); sink=
trap '[ -n "$sink" ] && kill "$sink" 2>/dev/null; rm -rf "$work"' EXIT
export HOME="$work/home" LC_ALL=C.UTF-8; mkdir -p "$HOME" "$work/spool"

# One folder per case (lib/unpack_cases.pl).
perl "$(dirname "$0")/lib/unpack_cases.pl" "$cases" "$work/cases"

# A local SMTP sink saving what is sent (lib/smtp_sink.py).
python3 "$(dirname "$0")/lib/smtp_sink.py" "$work/spool" & sink=$!
for _ in $(seq 100); do [ -f "$work/spool/port" ] && break; sleep 0.05; done
port=$(cat "$work/spool/port")

skip() { printf '{"case": "%s", "skipped": "%s"}\n' "$1" "$2"; }

for d in "$work/cases"/*/; do
  id=$(basename "$d")
  if [ -n "$(ls "$d/inline")" ]; then skip "$id" "sendEmail attaches no inline images with a Content-ID (multipart/related)"; continue; fi
  if [ -d "$d/fwd" ]; then skip "$id" "sendEmail cannot attach a message/rfc822 part (types attachments by extension)"; continue; fi
  body="$d/text.cs" ctype=text
  if [ -s "$d/html" ]; then
    if [ -s "$d/text" ]; then skip "$id" "sendEmail writes a single body part: no multipart/alternative"; continue; fi
    body="$d/html.cs" ctype=html
  fi
  files=("$d"att/*/*)
  [ -e "${files[0]:-}" ] || files=()
  attach=(); [ ${#files[@]} -gt 0 ] && attach=(-a "${files[@]}")
  rm -f "$work/spool/"*.eml
  sendemail -q -s "127.0.0.1:$port" -o tls=no -f "$(cat "$d/from_name") <$(cat "$d/from_addr")>" \
    -t support@example.com -u "$(cat "$d/subject")" -o message-file="$body" -o message-content-type=$ctype \
    -o message-charset="$(cat "$d/charset")" "${attach[@]}"
  mv "$work/spool/"*.eml "$out/$id.eml"
done
