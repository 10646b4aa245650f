#!/usr/bin/perl
# MIME::Entity from MIME-tools (Debian libmime-tools-perl; version from $MIME::Entity::VERSION), used as
# its POD shows: MIME::Entity->build / attach, headers encoded with MIME-tools' own
# MIME::Words::encode_mimewords in the case's charset, text data encoded to that charset (Charset set).
use strict;
use warnings;
use Encode qw(encode encode_utf8);
use JSON::PP ();
use MIME::Base64 qw(decode_base64);

BEGIN {
    eval { require MIME::Entity; require MIME::Words; 1 }
        or do { print STDERR "MIME::Entity not installed (libmime-tools-perl)\n"; exit 3 };
}

sub header_words {    # MIME-tools' header encoder, in the given charset
    my ($text, $charset) = @_;
    return MIME::Words::encode_mimewords(encode($charset, $text), Charset => $charset);
}

sub text_part {
    my ($type, $text, $charset) = @_;
    return MIME::Entity->build(Top => 0, Type => $type, Charset => $charset, Data => encode($charset, $text),
                               Encoding => 'quoted-printable');
}

sub compose {
    my ($case) = @_;
    my $charset = $case->{charset} || 'utf-8';
    my $top = MIME::Entity->build(
        From     => header_words($case->{from}{name}, $charset) . " <$case->{from}{addr}>",
        To       => 'support@example.com',
        Subject  => header_words($case->{subject}, $charset),
        Type     => 'multipart/mixed',
    );
    if ($case->{html}) {
        my $alt = MIME::Entity->build(Top => 0, Type => 'multipart/alternative');
        $alt->add_part(text_part('text/plain', $case->{text} // '', $charset));
        my @inline = @{ $case->{inline} || [] };
        if (@inline) {
            my $related = MIME::Entity->build(Top => 0, Type => 'multipart/related');
            $related->add_part(text_part('text/html', $case->{html}, $charset));
            for my $img (@inline) {
                $related->attach(Type => $img->{type}, Id => "<$img->{cid}>", Data => decode_base64($img->{content_b64}),
                                 Filename => encode_utf8($img->{name}), Disposition => 'inline', Encoding => 'base64');
            }
            $alt->add_part($related);
        } else {
            $alt->add_part(text_part('text/html', $case->{html}, $charset));
        }
        $top->add_part($alt);
    } elsif (length($case->{text} // '')) {
        $top->add_part(text_part('text/plain', $case->{text}, $charset));
    }
    for my $item (@{ $case->{attachments} || [] }) {
        $top->attach(Type => $item->{type}, Data => decode_base64($item->{content_b64}),
                     Filename => encode_utf8($item->{name}), Disposition => 'attachment', Encoding => 'base64');
    }
    if (my $fwd = $case->{forward}) {
        my ($name, $addr) = $fwd->{from} =~ /^(.*?)\s*<([^>]+)>$/;
        my $inner = MIME::Entity->build(From => header_words($name, 'utf-8') . " <$addr>",
                                        Subject => header_words($fwd->{subject}, 'utf-8'), Type => 'text/plain',
                                        Charset => 'utf-8', Data => encode_utf8($fwd->{text}),
                                        Encoding => 'quoted-printable');
        $top->attach(Type => 'message/rfc822', Data => $inner->stringify, Filename => encode_utf8($fwd->{name}),
                     Disposition => 'attachment', Encoding => '8bit');
    }
    return $top->stringify;
}

my ($cases_file, $out) = @ARGV;
open my $in, '<:raw', $cases_file or die "$cases_file: $!";
my $cases = JSON::PP->new->utf8->decode(do { local $/; <$in> })->{cases};
for my $case (@$cases) {
    open my $fh, '>:raw', "$out/$case->{id}.eml" or die "$out: $!";
    print $fh compose($case);
    close $fh;
}
