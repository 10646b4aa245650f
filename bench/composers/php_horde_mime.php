<?php
// Horde_Mime (Debian php-horde-mime; version from `dpkg-query -W php-horde-mime`), the MIME library
// of Horde's IMP webmail: Horde_Mime_Mail with setBody/setHtmlBody and Horde_Mime_Part attachments,
// sent through Horde_Mail's Mock transport, whose recorded headers and body are what the SMTP
// transport would hand to the server ("header text", empty line, body; CRLF line ends).
// Inline images: Horde_Mime_Mail has no API for them, so (as IMP does) the body tree
// alternative(text, related(html, images)) is built from Horde_Mime_Part and set as the base part.

if (!is_file('/usr/share/php/Horde/Mime/Mail.php') || !is_file('/usr/share/php/Horde/Mail/Transport/Mock.php')) {
    fwrite(STDERR, "Horde_Mime not installed (apt-get install php-horde-mime)\n");
    exit(3);
}
spl_autoload_register(function (string $class): void {
    $file = '/usr/share/php/' . str_replace('_', '/', $class) . '.php';
    if (is_file($file)) {
        require_once $file;
    }
});

function in_charset(string $text, string $charset): string
{
    return strtolower($charset) === 'utf-8' ? $text : mb_convert_encoding($text, $charset, 'UTF-8');
}

// A part's header charset defaults to its body charset (us-ascii for text/*, which turns every
// non-ASCII filename letter into "?"), so, as IMP does for the parts it builds, name it explicitly.
function file_part(string $type, string $data, string $name, string $disposition, string $charset): Horde_Mime_Part
{
    $part = new Horde_Mime_Part();
    $part->setHeaderCharset($charset);
    $part->setType($type);
    $part->setContents($data);
    $part->setName($name);
    $part->setDisposition($disposition);
    return $part;
}

function text_part(string $type, string $text, string $charset): Horde_Mime_Part
{
    $part = new Horde_Mime_Part();
    $part->setType($type);
    $part->setCharset($charset);
    $part->setContents(in_charset($text, $charset));
    return $part;
}

function send(Horde_Mime_Mail $mail): string
{
    $mock = new Horde_Mail_Transport_Mock();
    $mock->sep = "\r\n";
    $mail->send($mock);
    $sent = $mock->sentMessages[0];
    return $sent['header_text'] . "\r\n\r\n" . $sent['body'];
}

function forwarded(array $forward): string
{
    $inner = new Horde_Mime_Mail(['From' => $forward['from'], 'To' => 'support@example.com',
                                  'Subject' => $forward['subject'], 'charset' => 'UTF-8']);
    $inner->setBody($forward['text']);
    return send($inner);
}

function compose(array $case): string
{
    $cs = $case['charset'] ?? 'utf-8';
    $from = new Horde_Mail_Rfc822_Address($case['from']['addr']);
    $from->personal = $case['from']['name'];
    $mail = new Horde_Mime_Mail(['From' => $from->writeAddress(), 'To' => 'support@example.com',
                                 'Subject' => $case['subject'], 'charset' => $cs]);
    $text = $case['text'] ?? '';
    if (!empty($case['inline'])) {
        $related = new Horde_Mime_Part();
        $related->setType('multipart/related');
        $related[] = text_part('text/html', $case['html'], $cs);
        foreach ($case['inline'] as $img) {
            $image = file_part($img['type'], base64_decode($img['content_b64']), $img['name'], 'inline', $cs);
            $image->setContentId($img['cid']);
            $related[] = $image;
        }
        $body = new Horde_Mime_Part();
        $body->setType('multipart/alternative');
        $body[] = text_part('text/plain', $text, $cs);
        $body[] = $related;
        $base = new Horde_Mime_Part();
        $base->setType('multipart/mixed');
        $base[] = $body;
    } else {
        if ($text !== '') {
            $mail->setBody($text, $cs);
        }
        if (!empty($case['html'])) {
            $mail->setHtmlBody(in_charset($case['html'], $cs), $cs, false);
        }
    }
    $parts = [];
    foreach ($case['attachments'] ?? [] as $att) {
        $parts[] = file_part($att['type'], base64_decode($att['content_b64']), $att['name'], 'attachment', $cs);
    }
    if (!empty($case['forward'])) {
        $parts[] = file_part('message/rfc822', forwarded($case['forward']), $case['forward']['name'], 'attachment', $cs);
    }
    foreach ($parts as $part) {
        if (isset($base)) {
            $base[] = $part;
        } else {
            $mail->addMimePart($part);
        }
    }
    if (isset($base)) {
        $mail->setBasePart($base);
    }
    return send($mail);
}

$cases = json_decode(file_get_contents($argv[1]), true)['cases'];
foreach ($cases as $case) {
    file_put_contents($argv[2] . '/' . $case['id'] . '.eml', compose($case));
}
