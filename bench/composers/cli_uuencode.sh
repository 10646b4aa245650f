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

# One folder per case: fields as files (text.cs/html.cs in the case's charset), attachments under their names.
perl -MEncode -MJSON::PP -MMIME::Base64 -e '
  my ($cases, $dir) = @ARGV; open my $in, "<:raw", $cases or die; local $/;
  sub put { my ($path, $bytes) = @_; open my $f, ">:raw", $path or die "$path: $!"; print $f $bytes; close $f }
  sub put_text { put($_[0], Encode::encode_utf8($_[1])) }
  sub files { my ($d, $items) = @_; my $n = 0; mkdir $d;
    for my $a (@{ $items || [] }) { mkdir "$d/$n"; put(Encode::encode_utf8("$d/$n/$a->{name}"), decode_base64($a->{content_b64}));
      put_text("$d/$n.$_", $a->{$_}) for grep { defined $a->{$_} } qw(type cid); $n++ } }
  mkdir $dir;
  for my $c (@{ JSON::PP->new->utf8->decode(<$in>)->{cases} }) {
    my $d = "$dir/$c->{id}"; mkdir $d; my $cs = $c->{charset} || "utf-8";
    put_text("$d/$_", $c->{$_} // "") for qw(subject text html);
    put("$d/charset", $cs); put("$d/text.cs", Encode::encode($cs, $c->{text} // "")); put("$d/html.cs", Encode::encode($cs, $c->{html} // ""));
    put_text("$d/from_name", $c->{from}{name}); put_text("$d/from_addr", $c->{from}{addr});
    files("$d/att", $c->{attachments}); files("$d/inline", $c->{inline});
    if (my $f = $c->{forward}) { mkdir "$d/fwd"; put_text("$d/fwd/$_", $f->{$_}) for qw(from subject text name) }
  }' "$cases" "$work/cases"

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
