#!/usr/bin/env bash
# mpack, the MIME packer from CMU (Debian package mpack; version from `mpack` usage line), as the old Unix
# habit uses it: `mpack -s subject -d bodyfile -o outfile file` (the body, in the case's charset, as the
# description text; the content type guessed by mpack itself, which refuses text/* types). mpack packs
# exactly one file per mail and has no HTML, inline-image or message/rfc822 option: cases with no
# attachment, several, an HTML part or a forwarded mail are skipped. mpack writes no From (it leaves that
# to the MTA) and no To with -o: its output is the complete message it would hand to sendmail.
set -euo pipefail
command -v mpack >/dev/null || { echo "mpack not installed (apt-get install mpack)" >&2; exit 3; }
cases=$(realpath "$1"); out=$(realpath "$2")
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
export HOME="$work/home" LC_ALL=C.UTF-8; mkdir -p "$HOME"

# One folder per case (lib/unpack_cases.pl).
perl "$(dirname "$0")/lib/unpack_cases.pl" "$cases" "$work/cases"

skip() { printf '{"case": "%s", "skipped": "%s"}\n' "$1" "$2"; }

for d in "$work/cases"/*/; do
  id=$(basename "$d")
  files=("$d"att/*/*)
  [ -e "${files[0]:-}" ] || files=()
  if [ -s "$d/html" ] || [ -n "$(ls "$d/inline")" ]; then skip "$id" "mpack writes no HTML alternative and no inline images"; continue; fi
  if [ -d "$d/fwd" ]; then skip "$id" "mpack packs one file per mail and has no message/rfc822 attachment"; continue; fi
  if [ ${#files[@]} -ne 1 ]; then skip "$id" "mpack packs exactly one file per mail; this case has ${#files[@]}"; continue; fi
  (cd "${files[0]%/*}" && mpack -s "$(cat "$d/subject")" -d "$d/text.cs" -o "$out/$id.eml" "${files[0]##*/}")
done
