<?php
// PHPMailer (Debian libphp-phpmailer, version from PHPMailer::VERSION), used as its README shows:
// setFrom/addAddress/Subject/Body/AltBody, addStringAttachment, addStringEmbeddedImage, CharSet.
// The bytes are what smtpSend() would hand to the server: preSend() then getSentMIMEMessage().

$autoload = '/usr/share/php/libphp-phpmailer/autoload.php';
if (!is_file($autoload)) {
    fwrite(STDERR, "PHPMailer not installed (apt-get install libphp-phpmailer)\n");
    exit(3);
}
require $autoload;

use PHPMailer\PHPMailer\PHPMailer;

// PHPMailer takes every string in its CharSet: the caller converts from UTF-8 first.
function in_charset(string $text, string $charset): string
{
    return strtolower($charset) === 'utf-8' ? $text : mb_convert_encoding($text, $charset, 'UTF-8');
}

function new_mailer(string $charset): PHPMailer
{
    $mail = new PHPMailer(true);
    $mail->isSMTP();
    $mail->CharSet = $charset;
    return $mail;
}

function forwarded(array $forward, string $to): string
{
    $inner = new_mailer(PHPMailer::CHARSET_UTF8);
    $from = PHPMailer::parseAddresses($forward['from'])[0];
    $inner->setFrom($from['address'], $from['name']);
    $inner->addAddress($to);
    $inner->Subject = $forward['subject'];
    $inner->Body = $forward['text'];
    $inner->preSend();
    return $inner->getSentMIMEMessage();
}

function compose(array $case): string
{
    $cs = $case['charset'] ?? 'utf-8';
    $mail = new_mailer($cs);
    $mail->setFrom($case['from']['addr'], in_charset($case['from']['name'], $cs));
    $mail->addAddress('support@example.com');
    $mail->Subject = in_charset($case['subject'], $cs);
    $text = in_charset($case['text'] ?? '', $cs);
    if (!empty($case['html'])) {
        $mail->isHTML(true);
        $mail->Body = in_charset($case['html'], $cs);
        $mail->AltBody = $text;
        foreach ($case['inline'] ?? [] as $img) {
            $mail->addStringEmbeddedImage(base64_decode($img['content_b64']), $img['cid'],
                in_charset($img['name'], $cs), PHPMailer::ENCODING_BASE64, $img['type']);
        }
    } else {
        $mail->Body = $text;
        $mail->AllowEmpty = ($text === ''); // a mail that is only an attachment
    }
    foreach ($case['attachments'] ?? [] as $att) {
        $mail->addStringAttachment(base64_decode($att['content_b64']), in_charset($att['name'], $cs),
            PHPMailer::ENCODING_BASE64, $att['type']);
    }
    if (!empty($case['forward'])) {
        $fw = $case['forward'];
        $mail->addStringAttachment(forwarded($fw, $case['from']['addr']), in_charset($fw['name'], $cs),
            PHPMailer::ENCODING_BASE64, 'message/rfc822');
    }
    $mail->preSend();
    return $mail->getSentMIMEMessage();
}

$cases = json_decode(file_get_contents($argv[1]), true)['cases'];
foreach ($cases as $case) {
    file_put_contents($argv[2] . '/' . $case['id'] . '.eml', compose($case));
}
