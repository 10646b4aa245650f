#!/usr/bin/perl
# MIME::Lite (Debian libmime-lite-perl; version from $MIME::Lite::VERSION), used as its POD shows:
# headers encoded with Encode's MIME-Header (its "Working with UTF-8" section), text data encoded
# to the charset with content-type.charset set, attachments given by Type/Data/Filename.
use strict;
use warnings;
use Encode qw(encode encode_utf8);
use JSON::PP ();
use MIME::Base64 qw(decode_base64);

BEGIN {
    eval { require MIME::Lite; 1 } or do { print STDERR "MIME::Lite not installed (libmime-lite-perl)\n"; exit 3 };
}

sub mailbox {    # "Name <addr>" with the display name encoded as the POD shows
    my ($name, $addr) = @_;
    return encode('MIME-Header', $name) . " <$addr>";
}

sub text_part {
    my ($type, $text, $charset) = @_;
    my $part = MIME::Lite->new(Top => 0, Type => $type, Data => encode($charset, $text),
                               Encoding => 'quoted-printable');
    $part->attr('content-type.charset' => $charset);
    return $part;
}

sub compose {
    my ($case) = @_;
    my $charset = $case->{charset} || 'utf-8';
    my @attachments = @{ $case->{attachments} || [] };
    my $msg = MIME::Lite->new(
        From    => mailbox($case->{from}{name}, $case->{from}{addr}),
        To      => 'support@example.com',
        Subject => encode('MIME-Header', $case->{subject}),
        Type    => 'multipart/mixed',
    );
    if ($case->{html}) {
        my $alt = MIME::Lite->new(Top => 0, Type => 'multipart/alternative');
        $alt->attach(text_part('text/plain', $case->{text} // '', $charset));
        my @inline = @{ $case->{inline} || [] };
        if (@inline) {
            my $related = MIME::Lite->new(Top => 0, Type => 'multipart/related');
            $related->attach(text_part('text/html', $case->{html}, $charset));
            for my $img (@inline) {
                $related->attach(Type => $img->{type}, Id => $img->{cid}, Data => decode_base64($img->{content_b64}),
                                 Filename => encode_utf8($img->{name}), Disposition => 'inline');
            }
            $alt->attach($related);
        } else {
            $alt->attach(text_part('text/html', $case->{html}, $charset));
        }
        $msg->attach($alt);
    } elsif (length($case->{text} // '')) {
        $msg->attach(text_part('text/plain', $case->{text}, $charset));
    }
    for my $item (@attachments) {
        $msg->attach(Type => $item->{type}, Data => decode_base64($item->{content_b64}),
                     Filename => encode_utf8($item->{name}), Disposition => 'attachment');
    }
    if (my $fwd = $case->{forward}) {
        my ($name, $addr) = $fwd->{from} =~ /^(.*?)\s*<([^>]+)>$/;
        my $inner = MIME::Lite->new(From => mailbox($name, $addr), Subject => encode('MIME-Header', $fwd->{subject}),
                                    Type => 'text/plain', Data => encode_utf8($fwd->{text}),
                                    Encoding => 'quoted-printable');
        $inner->attr('content-type.charset' => 'utf-8');
        $msg->attach(Type => 'message/rfc822', Data => $inner->as_string,
                     Filename => encode_utf8($fwd->{name}), Disposition => 'attachment');
    }
    return $msg->as_string;
}

my ($cases_file, $out) = @ARGV;
open my $in, '<:raw', $cases_file or die "$cases_file: $!";
my $cases = JSON::PP->new->utf8->decode(do { local $/; <$in> })->{cases};
for my $case (@$cases) {
    open my $fh, '>:raw', "$out/$case->{id}.eml" or die "$out: $!";
    print $fh compose($case);
    close $fh;
}
