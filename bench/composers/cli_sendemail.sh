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

# A minimal SMTP server: saves every message's DATA (dot-unstuffed) as spool/NNN.eml before answering 250.
python3 -c '
import socket, sys
spool = sys.argv[1]; srv = socket.create_server(("127.0.0.1", 0)); n = 0
open(spool + "/port.tmp", "w").write(str(srv.getsockname()[1]))
__import__("os").rename(spool + "/port.tmp", spool + "/port")
while True:
    conn, _ = srv.accept(); f = conn.makefile("rb")
    say = lambda s: conn.sendall(s.encode() + b"\r\n")
    say("220 sink ESMTP")
    for line in f:
        verb = line[:4].upper()
        if verb == b"DATA":
            say("354 go ahead"); data = []
            for d in f:
                if d in (b".\r\n", b".\n"): break
                data.append(d[1:] if d.startswith(b".") else d)
            n += 1; open("%s/%03d.eml" % (spool, n), "wb").write(b"".join(data)); say("250 saved")
        elif verb == b"QUIT": say("221 bye"); break
        elif verb in (b"EHLO", b"HELO"): say("250 sink")
        else: say("250 ok")
    conn.close()' "$work/spool" & sink=$!
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
