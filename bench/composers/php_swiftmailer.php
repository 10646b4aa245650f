<?php
// Swift Mailer (Debian php-swiftmailer; version from Swift::VERSION), used as its documentation
// shows: Swift_Message with setFrom([addr => name])/setTo/setSubject/setBody/addPart, embed() of a
// Swift_Image, attach() of Swift_Attachment; the bytes are Swift_Message::toString().

$autoload = '/usr/share/php/Swift/autoload.php';
if (!is_file($autoload)) {
    fwrite(STDERR, "Swift Mailer not installed (apt-get install php-swiftmailer)\n");
    exit(3);
}
require_once $autoload;

// Swift Mailer converts a text body from UTF-8 to the part's charset itself (MimePart::setBody),
// but not header values: Subject and the From name must already be in the message charset, as its
// documentation warns. Attachments keep their own charset (UTF-8), so their names stay UTF-8.
function in_charset(string $text, string $charset): string
{
    return strtolower($charset) === 'utf-8' ? $text : mb_convert_encoding($text, $charset, 'UTF-8');
}

function forwarded(array $forward): Swift_Message
{
    preg_match('/^(.*?)\s*<([^>]+)>$/', $forward['from'], $m);
    return (new Swift_Message($forward['subject']))
        ->setFrom([$m[2] => $m[1]])
        ->setTo(['support@example.com'])
        ->setBody($forward['text'], 'text/plain');
}

function compose(array $case): string
{
    $cs = $case['charset'] ?? 'utf-8';
    $msg = (new Swift_Message())->setCharset($cs)
        ->setSubject(in_charset($case['subject'], $cs))
        ->setFrom([$case['from']['addr'] => in_charset($case['from']['name'], $cs)])
        ->setTo(['support@example.com']);
    $text = $case['text'] ?? '';
    if (!empty($case['html'])) {
        $html = $case['html'];
        foreach ($case['inline'] ?? [] as $img) {
            $image = new Swift_Image(base64_decode($img['content_b64']), $img['name'], $img['type']);
            $image->setId($img['cid']);
            $html = str_replace('cid:' . $img['cid'], $msg->embed($image), $html);
        }
        $msg->setBody($html, 'text/html');
        if ($text !== '') {
            $msg->addPart($text, 'text/plain');
        }
    } elseif ($text !== '') {
        $msg->setBody($text, 'text/plain');
    }
    foreach ($case['attachments'] ?? [] as $att) {
        $msg->attach(new Swift_Attachment(base64_decode($att['content_b64']), $att['name'], $att['type']));
    }
    if (!empty($case['forward'])) {
        $fw = $case['forward'];
        $msg->attach(new Swift_Attachment(forwarded($fw)->toString(), $fw['name'], 'message/rfc822'));
    }
    return $msg->toString();
}

$cases = json_decode(file_get_contents($argv[1]), true)['cases'];
foreach ($cases as $case) {
    file_put_contents($argv[2] . '/' . $case['id'] . '.eml', compose($case));
}
