"""The customer mail of the working day (test_day.py), written as real clients write it.

Each function returns the raw bytes a customer's (or a mail server's) client would hand to
the support mailbox: legacy 8-bit charsets, an HTML-only message, attachments, an
out-of-office reply, a delivery status notification, replies that carry our threading
headers. Nothing here knows SupportDesk; the day test appends these to Dovecot.
"""

from __future__ import annotations

import base64
import quopri
from dataclasses import dataclass
from email.utils import format_datetime, formataddr, make_msgid
from zoneinfo import ZoneInfo

from django.utils import timezone

SUPPORT = "forward@softlab.tv"
# Our receiving MTA's authserv-id: it adds its Authentication-Results on top of every mail it
# delivers (the test trusts it through MAIL_AUTHSERV_IDS, as production would).
OUR_MTA = "mx.softlab.tv"


@dataclass(frozen=True)
class Customer:
    name: str
    address: str
    zone: str = "Europe/Moscow"  # where their client's Date header comes from


SIDOROV = Customer("Пётр Сидоров", "sidorov@tvmsk.ru")  # cp1251, Outlook
KUZNETSOV = Customer("Иван Кузнецов", "ivan@ntv-nsk.ru", "Asia/Novosibirsk")  # KOI8-R, an old Thunderbird
OLGA = Customer("Ольга Петрова", "olga@stv-tomsk.ru", "Asia/Tomsk")  # HTML only, a web mailer
KANAL5 = Customer("Дежурный инженер", "tech@kanal5.ru")  # attachments
TYPO = Customer("Андрей Смирнов", "smirnov@nosuch-tv.ru", "Asia/Yekaterinburg")  # an address that bounces
JOHN = Customer("John Miller", "john@tvlink.example", "Europe/Zurich")  # English, UTF-8 quoted-printable


def _encoded_word(text: str, charset: str) -> str:
    return f"=?{charset}?B?{base64.b64encode(text.encode(charset)).decode('ascii')}?="


def _head(*, sender: Customer, subject: str, charset: str, message_id: str, in_reply_to: str = "",
          references: str = "", extra: tuple[str, ...] = ()) -> list[str]:
    lines = [
        f"Authentication-Results: {OUR_MTA}; dmarc=pass header.from={sender.address.rpartition('@')[2]}",
        f"From: {formataddr((sender.name, sender.address), charset=charset)}",
        f"To: {SUPPORT}",
        f"Subject: {_encoded_word(subject, charset)}",
        f"Date: {format_datetime(timezone.now().astimezone(ZoneInfo(sender.zone)))}",
        f"Message-ID: {message_id}",
        "MIME-Version: 1.0",
    ]
    if in_reply_to:
        lines.append(f"In-Reply-To: {in_reply_to}")
        lines.append(f"References: {references or in_reply_to}")
    return [*lines, *extra]


def _plain(*, sender: Customer, subject: str, body: str, charset: str, message_id: str, in_reply_to: str = "",
           references: str = "", extra: tuple[str, ...] = ()) -> bytes:
    head = _head(sender=sender, subject=subject, charset=charset, message_id=message_id, in_reply_to=in_reply_to,
                 references=references, extra=extra)
    head += [f"Content-Type: text/plain; charset={charset}", "Content-Transfer-Encoding: 8bit"]
    return ("\r\n".join(head) + "\r\n\r\n").encode("ascii") + body.replace("\n", "\r\n").encode(charset)


def mid(local: str, domain: str) -> str:
    return make_msgid(local, domain=domain)


def sidorov_request(message_id: str) -> bytes:
    """A complete request (all four items) from Outlook in windows-1251."""
    return _plain(sender=SIDOROV, subject="Не выводятся титры на SDI", charset="windows-1251", message_id=message_id,
                  extra=("X-Mailer: Microsoft Outlook 16.0", "Thread-Index: AdtGMVo7LBAAAAAAAAAAAA=="),
                  body="Здравствуйте!\n\n"
                       "Forward TS 6.2.1 перестал выводить титры на выход SDI 2 после обновления драйвера платы.\n"
                       "Порядок действий: запускаем FDOnAir, включаем шаблон «Бегущая строка», нажимаем F5 — "
                       "в окне предпросмотра титры есть, на выходе пусто.\n"
                       "Настройки FDConfig2 прилагаю ниже: выход SDI 2, 1080i50, ключ внешний.\n\n"
                       "--\nПётр Сидоров, главный инженер, ТВ Москва\n")


def sidorov_out_of_office(*, our_message_id: str, subject: str) -> bytes:
    """Outlook's out-of-office answer to our reply."""
    return _plain(sender=SIDOROV, subject=f"Автоответ: {subject}", charset="windows-1251",
                  message_id=mid("ooo", "tvmsk.ru"), in_reply_to=our_message_id,
                  extra=("Auto-Submitted: auto-replied", "X-Auto-Response-Suppress: All"),
                  body="Здравствуйте!\n\nЯ в отпуске до 14 декабря и читаю почту нерегулярно. "
                       "По срочным вопросам звоните дежурному инженеру: +7 495 123-45-67.\n")


def sidorov_again(message_id: str) -> bytes:
    """The same customer writes about the same trouble again, in a new thread (merged later)."""
    return _plain(sender=SIDOROV, subject="Титры опять пропали", charset="windows-1251", message_id=message_id,
                  body="Добрый день.\n\nТитры на SDI 2 так и не выводятся, вчера писал вам об этом. "
                       "Прошу ускорить.\n\n--\nПётр Сидоров\n")


def kuznetsov_request(message_id: str) -> bytes:
    """An incomplete request (no steps, no settings) in KOI8-R."""
    return _plain(sender=KUZNETSOV, subject="Ошибка при запуске FDOnAir", charset="koi8-r", message_id=message_id,
                  extra=("User-Agent: Mozilla/5.0 Thunderbird/52.9.1",),
                  body="Добрый день!\n\nFDOnAir 7.4 при запуске пишет \"Нет лицензии\", хотя ключ вставлен.\n\n"
                       "Иван Кузнецов, НТВ-Новосибирск\n")


def kuznetsov_answer(*, subject: str, in_reply_to: str, references: str) -> bytes:
    """The customer's answer to our question, replying to our mail ("Re: [#N] ...")."""
    return _plain(sender=KUZNETSOV, subject=f"Re: {subject}", charset="koi8-r",
                  message_id=mid("answer", "ntv-nsk.ru"), in_reply_to=in_reply_to, references=references,
                  body="Отвечаю на ваши вопросы.\n\n"
                       "Шаги: включаем компьютер, вставляем ключ HASP, запускаем FDOnAir с ярлыка на рабочем "
                       "столе - сразу окно \"Нет лицензии\".\n"
                       "Настройки FDConfig2: файл настроек экспортирован, лежит у нас, пришлю по запросу.\n\n"
                       "> Пришлите, пожалуйста, пошаговое описание\n")


def olga_request_html(message_id: str) -> bytes:
    """An HTML-only message from a web mailer (no text/plain part), quoted-printable UTF-8."""
    html = ("<html><body><div>Здравствуйте!</div><div><br></div>"
            "<div>Forward T 5.3 зависает при воспроизведении длинных роликов (больше 2 часов):"
            " картинка замирает, звук идёт дальше.</div>"
            "<div>Шаги: загружаем ролик в плейлист, запускаем воспроизведение, через 2 часа 10 минут — стоп-кадр."
            "</div><div>Настройки: FDConfig2, выход SDI 1, 1080i50, буфер 8 кадров.</div>"
            "<div><br></div><div>--<br>Ольга Петрова, СТВ Томск</div></body></html>")
    head = _head(sender=OLGA, subject="Зависает Forward T на длинных роликах", charset="utf-8",
                 message_id=message_id)
    head += ["Content-Type: text/html; charset=utf-8", "Content-Transfer-Encoding: quoted-printable"]
    return ("\r\n".join(head) + "\r\n\r\n").encode("ascii") + quopri.encodestring(html.encode("utf-8"))


# A 1x1 PNG: the screenshot the duty engineer attaches.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
LOG_TEXT = "2026-12-04 10:15:02 ERROR SDI2: output buffer underrun\r\n2026-12-04 10:15:03 ERROR SDI2: key lost\r\n"


def kanal5_request_with_attachments(message_id: str) -> bytes:
    """multipart/mixed: a cp1251 text, a log file and a screenshot."""
    boundary = "----=_NextPart_000_0012_01DB4631.5A3B2C10"
    head = _head(sender=KANAL5, subject="Пропадает ключ на SDI 2", charset="windows-1251", message_id=message_id)
    head.append(f'Content-Type: multipart/mixed; boundary="{boundary}"')
    text = ("Forward TS 6.1.4: на выходе SDI 2 периодически пропадает ключ. "
            "Журнал и снимок экрана во вложении.\r\n\r\nДежурный инженер, Пятый канал\r\n")
    parts = [
        b"Content-Type: text/plain; charset=windows-1251\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        + text.encode("windows-1251"),
        b'Content-Type: text/plain; charset=us-ascii; name="forward.log"\r\n'
        b'Content-Disposition: attachment; filename="forward.log"\r\nContent-Transfer-Encoding: 7bit\r\n\r\n'
        + LOG_TEXT.encode("ascii"),
        b'Content-Type: image/png; name="screen.png"\r\nContent-Disposition: attachment; filename="screen.png"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n" + base64.encodebytes(PNG).replace(b"\n", b"\r\n"),
    ]
    body = b"".join(b"--" + boundary.encode() + b"\r\n" + part + b"\r\n" for part in parts)
    body += b"--" + boundary.encode() + b"--\r\n"
    return ("\r\n".join(head) + "\r\n\r\n").encode("ascii") + b"This is a multi-part message in MIME format.\r\n\r\n" + body


def kanal5_after_close(*, subject: str, in_reply_to: str) -> bytes:
    """The customer answers our acknowledgment after the ticket was closed without a reply."""
    return _plain(sender=KANAL5, subject=f"Re: {subject}", charset="windows-1251",
                  message_id=mid("again", "kanal5.ru"), in_reply_to=in_reply_to,
                  body="Почему закрыли обращение? Ключ на SDI 2 всё так же пропадает, ответа мы не получили.\n")


def smirnov_request(message_id: str) -> bytes:
    """A request from an address whose mail server will bounce our acknowledgment."""
    return _plain(sender=TYPO, subject="Как продлить лицензию SL Video Board", charset="utf-8",
                  message_id=message_id,
                  body="Здравствуйте, подскажите, как продлить лицензию на SL Video Board 2.0?\n")


def bounce_of(*, our_message_id: str, recipient: str, subject: str) -> bytes:
    """A standard DSN (RFC 3464) from the recipient's MTA for one of our mails."""
    boundary = "dsn-20261204-boundary"
    domain = recipient.rpartition("@")[2]
    head = [
        f"From: Mail Delivery System <MAILER-DAEMON@mx.{domain}>",
        f"To: {SUPPORT}",
        "Subject: Undelivered Mail Returned to Sender",
        f"Date: {format_datetime(timezone.now().astimezone())}",
        f"Message-ID: {mid('bounce', 'mx.' + domain)}",
        "Auto-Submitted: auto-replied",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"',
    ]
    parts = [
        "Content-Type: text/plain; charset=us-ascii\r\n\r\n"
        f"This is the mail system at host mx.{domain}.\r\n\r\nI'm sorry to have to inform you that your message "
        "could not be delivered to one or more recipients.\r\n\r\n"
        f"<{recipient}>: host mx.{domain} said: 550 5.1.1 <{recipient}>: Recipient address rejected: "
        "User unknown in virtual mailbox table\r\n",
        "Content-Type: message/delivery-status\r\n\r\n"
        f"Reporting-MTA: dns; mx.{domain}\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\nOriginal-Recipient: rfc822;{recipient}\r\nAction: failed\r\n"
        "Status: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\r\n",
        "Content-Type: text/rfc822-headers\r\n\r\n"
        f"From: {SUPPORT}\r\nTo: {recipient}\r\nSubject: {subject}\r\nMessage-ID: {our_message_id}\r\n",
    ]
    body = "".join(f"--{boundary}\r\n{part}\r\n" for part in parts) + f"--{boundary}--\r\n"
    return ("\r\n".join(head) + "\r\n\r\n" + body).encode("utf-8")


def john_request(message_id: str) -> bytes:
    """An English request, UTF-8 quoted-printable (a name with a non-ASCII letter in the text)."""
    body = ("Hello,\n\nFDOnAir 7.4 stops the playlist at midnight when the schedule crosses to the next day.\n"
            "Steps: load a 24-hour schedule, start it at 23:50, wait for 00:00 — playback stops.\n"
            "Settings: FDConfig2 exported, time zone UTC+2, NTP on.\n\nBest regards,\nJohn Miller, TVLink — "
            "Zürich\n")
    head = _head(sender=JOHN, subject="Playlist stops at midnight", charset="utf-8", message_id=message_id)
    head += ["Content-Type: text/plain; charset=utf-8; format=flowed", "Content-Transfer-Encoding: quoted-printable"]
    return ("\r\n".join(head) + "\r\n\r\n").encode("ascii") + quopri.encodestring(
        body.replace("\n", "\r\n").encode("utf-8"))


def agent_answers_alert(*, agent: str, alert_message_id: str, subject: str) -> bytes:
    """An agent answers an SLA alert by mail instead of on the ticket page (issue 13, item 8)."""
    return _plain(sender=Customer("Алиса", agent), subject=f"Re: {subject}", charset="utf-8",
                  message_id=mid("alert-answer", agent.rpartition("@")[2]), in_reply_to=alert_message_id,
                  body="Беру в работу, позвоню клиенту после обеда.\n")
