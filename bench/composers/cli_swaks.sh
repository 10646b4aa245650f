#!/usr/bin/env bash
# swaks, the Swiss Army Knife for SMTP (Debian package swaks; version from `swaks --version`), as a script
# sends mail with it: --from/--to for the envelope, --header for From ("Name" <addr>) and Subject,
# the text (and HTML) body with --attach-type "text/...; charset=<case charset>" --attach-body @file,
# attachments with --attach-type/--attach-name/--attach @file, the forwarded mail (itself sent with
# swaks) as message/rfc822; delivered to a local SMTP sink (Python standard library, started here)
# that saves the DATA. swaks writes no multipart/related part and no Content-ID: inline images skipped.
set -euo pipefail
command -v swaks >/dev/null || { echo "swaks not installed (apt-get install swaks)" >&2; exit 3; }
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
mailbox() {  # "Name" <addr>, the name as an RFC 5322 quoted-string
  local s=${1//\\/\\\\}; s=${s//\"/\\\"}; printf '"%s" <%s>' "$s" "$2"
}
send() {  # send DUMPFILE FROM-ADDR SWAKS-ARGS...: one SMTP transaction, its DATA saved to DUMPFILE
  local dump=$1 from=$2; shift 2
  rm -f "$work/spool/"*.eml
  swaks --server "127.0.0.1:$port" --helo example.com --from "$from" --to support@example.com "$@" >/dev/null
  mv "$work/spool/"*.eml "$dump"
}

for d in "$work/cases"/*/; do
  id=$(basename "$d") cs=$(cat "$d/charset")
  if [ -n "$(ls "$d/inline")" ]; then skip "$id" "swaks writes no multipart/related part and no Content-ID for inline images"; continue; fi
  args=()
  [ -s "$d/text" ] && args+=(--attach-type "text/plain; charset=$cs" --attach-body "@$d/text.cs")
  [ -s "$d/html" ] && args+=(--attach-type "text/html; charset=$cs" --attach-body "@$d/html.cs")
  [ ${#args[@]} -eq 0 ] && args+=(--body "@$d/text.cs")  # no body: an empty one, not swaks' default text
  for f in "$d"att/*/*; do
    [ -e "$f" ] || continue
    args+=(--attach-type "$(cat "${f%/*}.type")" --attach-name "${f##*/}" --attach "@$f")
  done
  if [ -d "$d/fwd" ]; then
    from=$(cat "$d/fwd/from")
    send "$d/fwd.eml" "$(sed 's/.*<\(.*\)>.*/\1/' <<<"$from")" --header "From: $from" \
      --header "Subject: $(cat "$d/fwd/subject")" --attach-type "text/plain; charset=utf-8" --attach-body "@$d/fwd/text"
    args+=(--attach-type message/rfc822 --attach-name "$(cat "$d/fwd/name")" --attach "@$d/fwd.eml")
  fi
  addr=$(cat "$d/from_addr")
  send "$out/$id.eml" "$addr" --header "From: $(mailbox "$(cat "$d/from_name")" "$addr")" \
    --header "Subject: $(cat "$d/subject")" "${args[@]}"
done
