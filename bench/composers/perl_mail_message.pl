#!/usr/bin/perl
# Mail::Message (Debian libmail-message-perl, the message classes of Mail::Box; version from
# $Mail::Message::VERSION), as its Build/Field::Full POD shows: Mail::Message->build with From,
# To, Subject as Mail::Message::Field::Full fields in the case's charset, and attach => bodies
# (Mail::Message::Body::String with mime_type, charset and filename as UTF-8 bytes: a Perl character
# string there would turn the whole message into characters and double-encode the bodies)
# or a built message.
# The bytes are $msg->string (what Mail::Transport::SMTP sends).
use strict;
use warnings;
use Encode qw(encode);
use JSON::PP ();
use MIME::Base64 qw(decode_base64);

BEGIN {
    eval { require Mail::Message; require Mail::Message::Body::String; require Mail::Message::Field::Full; 1 }
        or do { print STDERR "Mail::Message not installed (libmail-message-perl)\n"; exit 3 };
}

sub field {
    my ($name, $value, $charset) = @_;
    return Mail::Message::Field::Full->new($name => $value, charset => $charset);
}

sub mailbox {
    my ($name, $addr, $charset) = @_;
    my $phrase = Mail::Message::Field::Full->encode($name, charset => $charset);
    return Mail::Message::Field::Full->new(From => "$phrase <$addr>");
}

sub text_body {
    my ($type, $text, $charset) = @_;
    return Mail::Message::Body::String->new(mime_type => $type, charset => $charset,
                                            data => encode($charset, $text));
}

sub compose {
    my ($case) = @_;
    my $cs = $case->{charset} || 'utf-8';
    my @parts;
    push @parts, text_body('text/plain', $case->{text}, $cs) if length($case->{text} // '');
    if ($case->{html}) {
        my $html = text_body('text/html', $case->{html}, $cs);
        if (@parts) {
            my $alt = Mail::Message->build(attach => [@parts, $html]);
            @parts = (Mail::Message::Body::Multipart->new(mime_type => 'multipart/alternative',
                                                          parts => [$alt->body->parts]));
        } else {
            @parts = ($html);
        }
        for my $img (@{ $case->{inline} || [] }) {
            push @parts, Mail::Message::Body::String->new(mime_type => $img->{type}, filename => encode("utf-8", $img->{name}),
                data => decode_base64($img->{content_b64}), disposition => 'inline');
        }
    }
    for my $att (@{ $case->{attachments} || [] }) {
        push @parts, Mail::Message::Body::String->new(mime_type => $att->{type}, filename => encode("utf-8", $att->{name}),
            data => decode_base64($att->{content_b64}));
    }
    if (my $fwd = $case->{forward}) {
        my ($name, $addr) = $fwd->{from} =~ /^(.*?)\s*<([^>]+)>$/;
        push @parts, Mail::Message->build(From => mailbox($name, $addr, 'utf-8'), To => 'support@example.com',
            Subject => field(Subject => $fwd->{subject}, 'utf-8'), data => encode('utf-8', $fwd->{text}));
    }
    my $msg = Mail::Message->build(
        From    => mailbox($case->{from}{name}, $case->{from}{addr}, $cs),
        To      => 'support@example.com',
        Subject => field(Subject => $case->{subject}, $cs),
        attach  => \@parts,
    );
    return $msg->string;
}

my ($cases_file, $out) = @ARGV;
open my $in, '<:raw', $cases_file or die "$cases_file: $!";
my $cases = JSON::PP->new->utf8->decode(do { local $/; <$in> })->{cases};
for my $case (@$cases) {
    open my $fh, '>:raw', "$out/$case->{id}.eml" or die "$out: $!";
    print $fh compose($case);
    close $fh;
}
