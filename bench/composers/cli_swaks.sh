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
