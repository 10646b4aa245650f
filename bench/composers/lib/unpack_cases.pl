#!/usr/bin/perl
# The cases of cases.json unpacked for the shell composers: one folder per case under OUTDIR,
# its fields as files (subject, text, html in UTF-8; charset; text.cs and html.cs in the case's
# charset; from_name, from_addr), its files under att/N/<name> and inline/N/<name> (with N.type,
# N.cid), a forwarded mail's fields under fwd/.
# Usage: perl lib/unpack_cases.pl CASES_JSON OUTDIR
use strict;
use warnings;
use Encode;
use JSON::PP;
use MIME::Base64;
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
}
