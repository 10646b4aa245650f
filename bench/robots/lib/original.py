"""The mail we send that a robot answers: print one RFC 5322 message on stdout.

    python3 bench/robots/lib/original.py --to ivan@customer.test --message-id ack-1@support.test \
        [--variant ack|reply|attachment] [--from support@support.test] [--cc olga@customer.test]

- ack: our acknowledgment of a new request (Auto-Submitted: auto-replied, as RFC 3834 asks of
  an automatic answer): what a customer's mail server bounces most often;
- reply: an agent's reply, written by a person (no Auto-Submitted): what a vacation
  responder answers (responders stay silent to automatic mail);
- attachment: an agent's reply with a PDF file (a bounce that returns it whole is larger).
The standard library only (any Python 3 runs it); the same bytes for the same arguments.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

TEXT = {
    "ack": ("[#1042] Заявка зарегистрирована: нет звука на втором выходе SDI",
            "Здравствуйте, Иван!\n\nВаша заявка №1042 зарегистрирована. Мы ответим до четверга, 10 декабря.\n\n"
            "Чтобы мы быстрее разобрались, пришлите, пожалуйста, версию программы.\n\n"
            "-- \nСлужба технической поддержки\n"),
    "reply": ("Re: [#1042] Нет звука на втором выходе SDI",
              "Иван, добрый день.\n\nПроверьте, пожалуйста, в настройках вывода, что звук назначен на оба выхода, "
              "и перезапустите сервис вещания.\n\nС уважением,\nАнна Смирнова\nСлужба технической поддержки\n"),
}
TEXT["attachment"] = (TEXT["reply"][0], TEXT["reply"][1] + "\nИнструкция во вложении.\n")
# A small but real PDF (one empty page).
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def build(to: str, message_id: str, variant: str, sender: str, cc: str = "") -> bytes:
    subject, text = TEXT[variant]
    msg = EmailMessage(policy=SMTP)
    msg["From"] = f"Служба поддержки <{sender}>"
    msg["To"] = f"Иван Петров <{to}>"
    if cc:
        msg["Cc"] = f"Ольга Смирнова <{cc}>"  # a colleague the customer asked us to copy
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime(2026, 12, 7, 10, 15, tzinfo=timezone(timedelta(hours=7))))
    msg["Message-ID"] = f"<{message_id.strip('<>')}>"
    if variant == "ack":
        msg["Auto-Submitted"] = "auto-replied"
    else:
        msg["In-Reply-To"] = "<req-1042@customer.test>"
        msg["References"] = "<req-1042@customer.test>"
    msg.set_content(text, cte="quoted-printable")
    html = "".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in text.split("\n\n"))
    msg.add_alternative(f"<html><body>{html}</body></html>", subtype="html", cte="quoted-printable")
    if variant == "attachment":
        msg.add_attachment(PDF, maintype="application", subtype="pdf", filename="Инструкция по обновлению.pdf")
    for n, part in enumerate(p for p in msg.walk() if p.is_multipart()):
        part.set_boundary(f"=_sd-robots-{n}-{message_id.strip('<>')}")
    return msg.as_bytes()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--to", required=True)
    ap.add_argument("--message-id", required=True)
    ap.add_argument("--variant", default="ack", choices=sorted(TEXT))
    ap.add_argument("--from", dest="sender", default="support@support.test")
    ap.add_argument("--cc", default="", help="a second recipient, in Cc")
    args = ap.parse_args()
    sys.stdout.buffer.write(build(args.to, args.message_id, args.variant, args.sender, args.cc))


if __name__ == "__main__":
    main()
