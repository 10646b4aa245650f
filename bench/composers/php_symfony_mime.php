<?php
// Symfony Mime's Email class (Debian php-symfony-mime, version from the package: dpkg -s php-symfony-mime),
// used as the Symfony Mailer documentation shows: from(new Address(...)), text/html with a charset,
// attach(), embed() referenced from the HTML as cid:NAME, and a MessagePart for an attached mail.
// The bytes are Email::toString().

$autoload = '/usr/share/php/Symfony/Component/Mime/autoload.php';
if (!is_file($autoload) || !is_file('/usr/share/php/Egulias/EmailValidator/autoload.php')) {
    fwrite(STDERR, "Symfony Mime not installed (apt-get install php-symfony-mime php-email-validator)\n");
    exit(3);
}
require $autoload;
// Address needs egulias/email-validator (Debian php-email-validator), which Mime only suggests.
require '/usr/share/php/Egulias/EmailValidator/autoload.php';

use Symfony\Component\Mime\Address;
use Symfony\Component\Mime\Email;
use Symfony\Component\Mime\Part\MessagePart;

// Symfony takes a body in the charset it is told: the caller converts from UTF-8 first.
// Its headers are always written as UTF-8.
function in_charset(string $text, string $charset): string
{
    return strtolower($charset) === 'utf-8' ? $text : mb_convert_encoding($text, $charset, 'UTF-8');
}

function compose(array $case): string
{
    $cs = $case['charset'] ?? 'utf-8';
    $email = (new Email())
        ->from(new Address($case['from']['addr'], $case['from']['name']))
        ->to('support@example.com')
        ->subject($case['subject'])
        ->text(in_charset($case['text'] ?? '', $cs), $cs);
    if (!empty($case['html'])) {
        $html = $case['html'];
        foreach ($case['inline'] ?? [] as $img) {
            // Symfony makes its own Content-ID; the HTML names the embedded part by its name.
            $html = str_replace('cid:' . $img['cid'], 'cid:' . $img['name'], $html);
            $email->embed(base64_decode($img['content_b64']), $img['name'], $img['type']);
        }
        $email->html(in_charset($html, $cs), $cs);
    }
    foreach ($case['attachments'] ?? [] as $att) {
        $email->attach(base64_decode($att['content_b64']), $att['name'], $att['type']);
    }
    if (!empty($case['forward'])) {
        $fw = $case['forward'];
        $inner = (new Email())
            ->from(Address::create($fw['from']))
            ->to($case['from']['addr'])
            ->subject($fw['subject'])
            ->text($fw['text']);
        // MessagePart names the attachment "<subject>.eml" itself.
        $email->attachPart(new MessagePart($inner));
    }
    return $email->toString();
}

$cases = json_decode(file_get_contents($argv[1]), true)['cases'];
foreach ($cases as $case) {
    file_put_contents($argv[2] . '/' . $case['id'] . '.eml', compose($case));
}
