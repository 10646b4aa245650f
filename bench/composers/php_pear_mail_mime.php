<?php
// PEAR Mail_mime (Debian php-mail-mime; version in /usr/share/php/.registry/mail_mime.reg), the
// MIME builder Roundcube webmail uses, as its manual shows: setTXTBody/setHTMLBody, addHTMLImage,
// addAttachment, then get() with head_charset/text_charset/html_charset and txtHeaders().
// The bytes are what a mailer hands to SMTP: txtHeaders(), an empty line, then get()'s body.

$lib = '/usr/share/php/Mail/mime.php';
if (!is_file($lib)) {
    fwrite(STDERR, "PEAR Mail_mime not installed (apt-get install php-mail-mime)\n");
    exit(3);
}
require_once $lib;

// Mail_mime takes strings in the charset given to get(): the caller converts from UTF-8 first.
function in_charset(string $text, string $charset): string
{
    return strtolower($charset) === 'utf-8' ? $text : mb_convert_encoding($text, $charset, 'UTF-8');
}

// "Name" <addr>, quoting the display name when RFC 5322 requires it (as Roundcube does).
function mailbox(string $name, string $addr): string
{
    if (preg_match('/[()<>\[\]:;@\\\\,."]/', $name)) {
        $name = '"' . addcslashes($name, '"\\') . '"';
    }
    return "$name <$addr>";
}

function build(Mail_mime $mime, array $headers, string $charset): string
{
    $body = $mime->get(['head_charset' => $charset, 'text_charset' => $charset, 'html_charset' => $charset]);
    return $mime->txtHeaders($headers) . "\r\n" . $body;
}

function forwarded(array $forward): string
{
    preg_match('/^(.*?)\s*<([^>]+)>$/', $forward['from'], $m);
    $inner = new Mail_mime(['eol' => "\r\n"]);
    $inner->setTXTBody($forward['text']);
    return build($inner, ['From' => mailbox($m[1], $m[2]), 'To' => 'support@example.com',
                          'Subject' => $forward['subject']], 'UTF-8');
}

function compose(array $case): string
{
    $cs = $case['charset'] ?? 'utf-8';
    $mime = new Mail_mime(['eol' => "\r\n"]);
    if (($case['text'] ?? '') !== '') {
        $mime->setTXTBody(in_charset($case['text'], $cs));
    }
    if (!empty($case['html'])) {
        $mime->setHTMLBody(in_charset($case['html'], $cs));
        foreach ($case['inline'] ?? [] as $img) {
            $mime->addHTMLImage(base64_decode($img['content_b64']), $img['type'], in_charset($img['name'], $cs),
                false, $img['cid']);
        }
    }
    foreach ($case['attachments'] ?? [] as $att) {
        $mime->addAttachment(base64_decode($att['content_b64']), $att['type'], in_charset($att['name'], $cs),
            false, 'base64', 'attachment', '', '', '', null, null, '', $cs);
    }
    if (!empty($case['forward'])) {
        $fw = $case['forward'];
        $mime->addAttachment(forwarded($fw), 'message/rfc822', in_charset($fw['name'], $cs),
            false, '8bit', 'attachment', '', '', '', null, null, '', $cs);
    }
    $headers = [
        'From' => in_charset(mailbox($case['from']['name'], $case['from']['addr']), $cs),
        'To' => 'support@example.com',
        'Subject' => in_charset($case['subject'], $cs),
        'Message-ID' => '<' . bin2hex(random_bytes(8)) . '@example.com>',
    ];
    return build($mime, $headers, $cs);
}

$cases = json_decode(file_get_contents($argv[1]), true)['cases'];
foreach ($cases as $case) {
    file_put_contents($argv[2] . '/' . $case['id'] . '.eml', compose($case));
}
