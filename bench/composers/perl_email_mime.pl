#!/usr/bin/perl
# Email::MIME->create (Debian libemail-mime-perl; version from $Email::MIME::VERSION), used as its POD
# shows: header_str for the headers (the library encodes them; the sender as an Email::Address::XS), body_str with charset/encoding
# attributes for text, body + content_type/filename/disposition attributes for attachments.
use strict;
use warnings;
use JSON::PP ();
use MIME::Base64 qw(decode_base64);

BEGIN {
    eval { require Email::MIME; require Email::Address::XS; 1 } or do { print STDERR "Email::MIME not installed (libemail-mime-perl)\n"; exit 3 };
}

sub text_part {
    my ($type, $text, $charset) = @_;
    return Email::MIME->create(
        attributes => { content_type => $type, charset => $charset, encoding => 'quoted-printable' },
        body_str   => $text,
    );
}

sub file_part {
    my ($item, $disposition, @header) = @_;
    return Email::MIME->create(
        header     => [@header],
        attributes => { content_type => $item->{type}, filename => $item->{name}, name => $item->{name},
                        disposition => $disposition, encoding => 'base64' },
        body       => decode_base64($item->{content_b64}),
    );
}

sub compose {
    my ($case) = @_;
    my $charset = $case->{charset} || 'utf-8';
    my @parts;
    if ($case->{html}) {
        my $html = text_part('text/html', $case->{html}, $charset);
        my @inline = @{ $case->{inline} || [] };
        if (@inline) {
            $html = Email::MIME->create(
                attributes => { content_type => 'multipart/related' },
                parts      => [ $html, map { file_part($_, 'inline', 'Content-ID' => "<$_->{cid}>") } @inline ],
            );
        }
        push @parts, Email::MIME->create(
            attributes => { content_type => 'multipart/alternative' },
            parts      => [ text_part('text/plain', $case->{text} // '', $charset), $html ],
        );
    } elsif (length($case->{text} // '')) {
        push @parts, text_part('text/plain', $case->{text}, $charset);
    }
    push @parts, file_part($_, 'attachment') for @{ $case->{attachments} || [] };
    if (my $fwd = $case->{forward}) {
        my $inner = Email::MIME->create(
            header_str => [ From => $fwd->{from}, Subject => $fwd->{subject} ],
            attributes => { content_type => 'text/plain', charset => 'utf-8', encoding => 'quoted-printable' },
            body_str   => $fwd->{text},
        );
        push @parts, Email::MIME->create(
            attributes => { content_type => 'message/rfc822', filename => $fwd->{name}, disposition => 'attachment',
                            encoding => '8bit' },
            body       => $inner->as_string,
        );
    }
    my $email = Email::MIME->create(
        header_str => [
            From    => Email::Address::XS->new($case->{from}{name}, $case->{from}{addr}),
            To      => 'support@example.com',
            Subject => $case->{subject},
        ],
        attributes => { content_type => 'multipart/mixed' },
        parts      => \@parts,
    );
    return $email->as_string;
}

my ($cases_file, $out) = @ARGV;
open my $in, '<:raw', $cases_file or die "$cases_file: $!";
my $cases = JSON::PP->new->utf8->decode(do { local $/; <$in> })->{cases};
for my $case (@$cases) {
    open my $fh, '>:raw', "$out/$case->{id}.eml" or die "$out: $!";
    print $fh compose($case);
    close $fh;
}
