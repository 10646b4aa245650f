#!/usr/bin/perl
# Email::Stuffer (Debian libemail-stuffer-perl; version from $Email::Stuffer::VERSION), used as its POD
# shows: from/to/subject, text_body/html_body with the case's charset, attach($bytes, attributes).
# attach() takes only Email::MIME attributes (no Content-ID), so inline images cannot be expressed.
use strict;
use warnings;
use JSON::PP ();
use MIME::Base64 qw(decode_base64);

BEGIN {
    eval { require Email::Stuffer; require Email::Address::XS; 1 }
        or do { print STDERR "Email::Stuffer not installed (libemail-stuffer-perl)\n"; exit 3 };
}

sub compose {
    my ($case) = @_;
    my $charset = $case->{charset} || 'utf-8';
    my $mail = Email::Stuffer->from(Email::Address::XS->new($case->{from}{name}, $case->{from}{addr}))
                             ->to('support@example.com')
                             ->subject($case->{subject});
    $mail->text_body($case->{text}, charset => $charset) if length($case->{text} // '');
    $mail->html_body($case->{html}, charset => $charset) if $case->{html};
    for my $item (@{ $case->{attachments} || [] }) {
        $mail->attach(decode_base64($item->{content_b64}), content_type => $item->{type},
                      filename => $item->{name}, name => $item->{name}, disposition => 'attachment');
    }
    if (my $fwd = $case->{forward}) {
        my $inner = Email::Stuffer->from($fwd->{from})->subject($fwd->{subject})->text_body($fwd->{text});
        $mail->attach($inner->as_string, content_type => 'message/rfc822', filename => $fwd->{name},
                      disposition => 'attachment', encoding => '8bit');
    }
    return $mail->as_string;
}

my ($cases_file, $out) = @ARGV;
open my $in, '<:raw', $cases_file or die "$cases_file: $!";
my $cases = JSON::PP->new->utf8->decode(do { local $/; <$in> })->{cases};
for my $case (@$cases) {
    if (@{ $case->{inline} || [] }) {
        print JSON::PP->new->canonical->encode({ case => $case->{id},
            skipped => 'Email::Stuffer attach() cannot set a Content-ID: no inline (cid) images' }), "\n";
        next;
    }
    open my $fh, '>:raw', "$out/$case->{id}.eml" or die "$out: $!";
    print $fh compose($case);
    close $fh;
}
