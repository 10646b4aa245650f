<?php
// PHP's own mail() with mbstring (php-cli/php-mbstring from Debian; version: PHP_VERSION), the way
// countless contact and upload forms write a mail by hand, as the PHP manual's mail() examples and
// the usual tutorials show: mb_encode_mimeheader() for Subject and the From name, a multipart/mixed
// body assembled by the script, attachments as chunk_split(base64_encode()) with filename="...".
// The site works in the case's charset (mb_internal_encoding), as old Russian sites did in
// windows-1251 or KOI8-R. The bytes are what mail() hands to sendmail: sendmail_path is pointed at
// a stand-in that copies its input to the case's file.

if (!function_exists('mb_encode_mimeheader')) {
    fwrite(STDERR, "mbstring not installed (apt-get install php-cli php-mbstring)\n");
    exit(3);
}

// mail() reads sendmail_path from php.ini only: run again with the stand-in set on the command line.
$standin = 'cat >$SD_EML';
if (ini_get('sendmail_path') !== $standin) {
    if (getenv('SD_MB_MAIL_CHILD')) {
        fwrite(STDERR, "could not point sendmail_path at the stand-in\n");
        exit(1);
    }
    putenv('SD_MB_MAIL_CHILD=1');
    $cmd = array_merge([PHP_BINARY, '-d', 'sendmail_path=' . $standin, __FILE__], array_slice($argv, 1));
    $proc = proc_open($cmd, [STDIN, STDOUT, STDERR], $pipes);
    exit(proc_close($proc));
}

function eol(): string
{
    return "\r\n";
}

function attachment_part(string $data, string $name, string $type, string $disposition = 'attachment',
                         string $cid = ''): string
{
    $part = "Content-Type: $type; name=\"$name\"" . eol()
        . "Content-Transfer-Encoding: base64" . eol()
        . "Content-Disposition: $disposition; filename=\"$name\"" . eol();
    if ($cid !== '') {
        $part .= "Content-ID: <$cid>" . eol();
    }
    return $part . eol() . chunk_split(base64_encode($data));
}

function text_part(string $text, string $subtype, string $charset): string
{
    return "Content-Type: text/$subtype; charset=$charset" . eol()
        . "Content-Transfer-Encoding: 8bit" . eol() . eol() . $text . eol();
}

function multipart(string $subtype, array $parts): array
{
    $boundary = md5(uniqid((string) mt_rand(), true));
    $body = '';
    foreach ($parts as $part) {
        $body .= "--$boundary" . eol() . $part;
    }
    $body .= "--$boundary--" . eol();
    return ["multipart/$subtype; boundary=\"$boundary\"", $body];
}

// The form's fields arrive in the site's charset (mb_internal_encoding).
function site(string $utf8): string
{
    return mb_convert_encoding($utf8, mb_internal_encoding(), 'UTF-8');
}

// A header value in the mail's charset, as the manual shows: mb_encode_mimeheader($str, $charset, 'B').
function header_text(string $utf8, string $charset): string
{
    return mb_encode_mimeheader(site($utf8), $charset, 'B', eol());
}

// The forwarded mail, written the same way (the headers mail() would add itself are written here).
function forwarded(array $fw, string $to, string $charset): string
{
    [$name, $addr] = preg_match('/^(.*?)\s*<([^>]+)>$/', $fw['from'], $m) ? [$m[1], $m[2]] : ['', $fw['from']];
    return "To: $to" . eol()
        . "Subject: " . header_text($fw['subject'], $charset) . eol()
        . "From: " . header_text($name, $charset) . " <$addr>" . eol()
        . "MIME-Version: 1.0" . eol()
        . text_part(site($fw['text']), 'plain', $charset);
}

function send(array $case, string $out): void
{
    $cs = $case['charset'] ?? 'utf-8';
    mb_internal_encoding($cs);

    $text = text_part(site($case['text'] ?? ''), 'plain', $cs);
    if (!empty($case['html'])) {
        $html = text_part(site($case['html']), 'html', $cs);
        if (!empty($case['inline'])) {
            $related = [$html];
            foreach ($case['inline'] as $img) {
                $related[] = attachment_part(base64_decode($img['content_b64']), site($img['name']), $img['type'],
                    'inline', $img['cid']);
            }
            [$type, $body] = multipart('related', $related);
            $html = "Content-Type: $type" . eol() . eol() . $body;
        }
        [$type, $body] = multipart('alternative', [$text, $html]);
        $text = "Content-Type: $type" . eol() . eol() . $body;
    }
    $parts = [$text];
    foreach ($case['attachments'] ?? [] as $att) {
        $parts[] = attachment_part(base64_decode($att['content_b64']), site($att['name']), $att['type']);
    }
    if (!empty($case['forward'])) {
        $fw = $case['forward'];
        $parts[] = attachment_part(forwarded($fw, $case['from']['addr'], $cs), site($fw['name']), 'message/rfc822');
    }
    [$type, $body] = multipart('mixed', $parts);

    $headers = "From: " . header_text($case['from']['name'], $cs) . " <{$case['from']['addr']}>" . eol()
        . "MIME-Version: 1.0" . eol()
        . "Content-Type: $type";
    putenv('SD_EML=' . $out);
    if (!mail('support@example.com', header_text($case['subject'], $cs), $body, $headers)) {
        fwrite(STDERR, "mail() failed for {$case['id']}\n");
        exit(1);
    }
}

$cases = json_decode(file_get_contents($argv[1]), true)['cases'];
foreach ($cases as $case) {
    send($case, $argv[2] . '/' . $case['id'] . '.eml');
}
