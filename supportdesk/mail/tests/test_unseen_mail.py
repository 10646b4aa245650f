"""Classes of real-world mail the parser once got wrong (issue 15), each pinned by a minimal
example written for the test (the corpora in ../shared/corpora only measured them)."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

from supportdesk.mail.parsing import parse_mail, parsed_mail_json
from supportdesk.mail.parsing.charsets import decode_bytes
from supportdesk.mail.parsing.repair import repair_header_block

HEAD = b"From: Ivan <ivan@example.ru>\nTo: support@example.com\nSubject: Test\n"


# --- header block damage -------------------------------------------------------------------

def test_a_stray_line_before_the_headers_is_skipped() -> None:
    raw = b"---- Original message ----\n" + HEAD + b"Content-Type: text/plain\n\nHello\n"
    p = parse_mail(raw)
    assert (p.from_addr, p.subject, p.text) == ("ivan@example.ru", "Test", "Hello")
    assert any("stray line" in d for d in p.defects)


def test_a_continuation_line_without_indent_stays_in_its_header() -> None:
    raw = (b"Received: from mx.example.ru\nby relay.example.com with ESMTP\nfor <support@example.com>;\n"
           + HEAD + b"\nHello\n")
    p = parse_mail(raw)
    assert (p.from_addr, p.subject, p.text) == ("ivan@example.ru", "Test", "Hello")


def test_a_body_without_headers_is_left_alone() -> None:
    raw = b"Just some text\nwithout any header\n\nand a second paragraph\n"
    assert repair_header_block(raw) == (raw, [])
    assert "second paragraph" in parse_mail(raw).text


def test_a_byte_order_mark_before_the_headers_is_dropped() -> None:
    p = parse_mail(b"\xef\xbb\xbf" + HEAD + b"\nHello\n")
    assert (p.from_addr, p.subject, p.text) == ("ivan@example.ru", "Test", "Hello")


def test_white_space_before_a_colon_is_still_a_header_field() -> None:
    p = parse_mail(b"From : Ivan <ivan@example.ru>\nSubject\t: Test\n\nHello\n")
    assert (p.from_addr, p.subject, p.text) == ("ivan@example.ru", "Test", "Hello")


def test_control_characters_never_reach_the_subject() -> None:
    assert parse_mail(b"From: ivan@example.ru\nSubject: No\x00 sound\x07\n\nHello\n").subject == "No sound"


def test_an_mbox_from_line_is_not_taken_for_garbage() -> None:
    raw = b"From ivan@example.ru Mon Mar  2 10:00:00 2026\n" + HEAD + b"\nHello\n"
    repaired, defects = repair_header_block(raw)
    assert repaired == raw and defects == []
    assert parse_mail(raw).subject == "Test"


# --- charsets --------------------------------------------------------------------------------

def test_iso_8859_1_label_on_windows_1252_text() -> None:
    text = "Grüße – “Angebot” für 5 €"
    assert decode_bytes(text.encode("cp1252"), "iso-8859-1")[0] == text
    assert decode_bytes("Grüße".encode("latin-1"), "iso-8859-1")[0] == "Grüße"


def test_gb2312_label_on_gbk_text() -> None:
    text = "测试邮件 镕 喆"  # the last two are GBK, not GB2312
    assert decode_bytes(text.encode("gbk"), "gb2312")[0] == text


def test_iso_2022_jp_with_cp932_extensions() -> None:
    # CP50221 writes the NEC circled digit ① (JIS row 13) inside an ESC $ B run.
    raw = b"\x1b$B-!\x1b(B1 \x1b$B$3$s$K$A$O\x1b(B"
    assert decode_bytes(raw, "iso-2022-jp")[0] == "①1 こんにちは"
    assert decode_bytes("こんにちは".encode("iso2022_jp"), "ISO-2022-JP")[0] == "こんにちは"


def test_shift_jis_bytes_under_an_iso_2022_jp_label() -> None:
    assert decode_bytes("ツール".encode("cp932"), "iso-2022-jp")[0] == "ツール"


def test_iso_2022_jp_html_part_is_text_not_binary() -> None:
    html = "<p>今なら無料</p>".encode("iso2022_jp")
    raw = HEAD + b"Content-Type: text/html; charset=iso-2022-jp\n\n" + html + b"\n"
    p = parse_mail(raw)
    assert "今なら無料" in p.text and not p.attachments


def test_undeclared_double_byte_text_is_read_in_its_charset() -> None:
    for text, charset in (("服务器无法启动", "gbk"), ("サーバーが起動しません", "cp932"),
                          ("伺服器無法啟動", "big5"), ("서버가 시작되지 않습니다", "cp949")):
        assert decode_bytes(text.encode(charset), None)[0] == text, charset
    # a garbage line of GBK above a message that is otherwise ASCII
    raw = HEAD + "机房环境\nDear customer\n".encode("gbk")
    assert parse_mail(raw).text.startswith("机房环境\nDear customer")


def test_undeclared_single_byte_text_is_not_taken_for_double_byte() -> None:
    for text, charset in (("Добрый день, у нас не работает титр", "cp1251"),
                          ("Добрый день, у нас не работает титр", "koi8-r"),
                          ("Grüße aus München, schöne Öfen", "cp1252")):
        assert decode_bytes(text.encode(charset), None)[0] == text, charset


def test_utf8_cut_inside_its_last_character_keeps_the_whole_ones() -> None:
    for text in ("Erklärung", "Přehled zapůjček", "Отчёт"):
        data = text.encode()
        cut = data[: len(data) - 1] if data[-1] >= 0x80 else data + "ě".encode()[:1]
        for declared in (None, "utf-8"):
            decoded = decode_bytes(cut, declared)[0]
            assert decoded in (text[:-1], text), (text, declared, decoded)


def test_a_utf8_label_on_latin1_bytes_is_not_read_as_a_far_charset() -> None:
    # a short name under a wrong UTF-8 label: Windows-1252, never EBCDIC, UTF-16 or an Urdu code page
    assert decode_bytes("Café.pdf".encode("cp1252"), "utf-8")[0] == "Café.pdf"
    assert decode_bytes("Grüße aus Köln".encode("cp1252"), "utf-8")[0] == "Grüße aus Köln"


def test_undeclared_cut_utf8_is_not_read_as_a_single_byte_charset() -> None:
    data = "Отчёт о сбое эфира".encode()[:-1]
    text, charset, _defect = decode_bytes(data, None)
    assert charset == "utf-8" and text.startswith("Отчёт о сбое эфир")


# --- broken From headers ---------------------------------------------------------------------

def _sender(from_value: str, extra: bytes = b"") -> tuple[str | None, str]:
    p = parse_mail(b"From: " + from_value.encode() + b"\n" + extra + b"Subject: x\n\nHello\n")
    return p.from_addr, p.from_name


def test_an_empty_from_falls_back_to_reply_to() -> None:
    assert _sender('"=?utf-8?B?0JjQstCw0L0=?=" <>', b"Reply-To: <ivan@example.ru>\n") == ("ivan@example.ru", "Иван")


def test_a_trailing_dot_is_not_part_of_the_domain() -> None:
    assert _sender("Ivan <Ivan@Example.ru.>")[0] == "ivan@example.ru"
    assert _sender("ivan@example.ru.")[0] == "ivan@example.ru"


def test_a_display_name_that_is_an_address() -> None:
    assert _sender("ivan@example.ru <support-robot@example.org>") == ("support-robot@example.org", "ivan@example.ru")
    assert _sender("a@example.ru, Ivan <ivan@example.ru>")[0] == "a@example.ru"  # two addresses: the first


def test_unquoted_words_before_a_bare_address_are_its_name() -> None:
    assert _sender("Ivan Petrov ivan@example.ru") == ("ivan@example.ru", "Ivan Petrov")


def test_an_address_inside_an_encoded_word() -> None:
    assert _sender("=?UTF-8?B?0JjQstCw0L0gPGl2YW5AZXhhbXBsZS5ydT4=?=") == ("ivan@example.ru", "Иван")


def test_an_unquoted_name_holding_an_address_before_the_mailbox() -> None:
    assert _sender("Ivan <ivan@home.ru> <ivan@work.ru>") == ("ivan@work.ru", "Ivan <ivan@home.ru>")
    assert _sender('"Ivan <ivan@home.ru>" <ivan@work.ru>') == ("ivan@work.ru", "Ivan <ivan@home.ru>")


def test_two_mailboxes_without_their_comma_the_first_writes() -> None:
    assert _sender("Anna <anna@example.hu>\n   =?UTF-8?B?" + base64.b64encode("Erős István".encode()).decode()
                   + "?= <istvan@example.hu>") == ("anna@example.hu", "Anna")
    assert _sender("Anna Kiss <anna@example.hu> Boris <boris@example.hu>") == ("anna@example.hu", "Anna Kiss")


def test_escaped_quotes_in_a_display_name_are_unescaped() -> None:
    assert _sender('"Ivan \\"Vanya\\" Petrov" <ivan@example.ru>') == ("ivan@example.ru", 'Ivan "Vanya" Petrov')


def test_a_mailer_daemon_without_domain_is_kept() -> None:
    assert _sender("MAILER-DAEMON (Mail Delivery System)") == ("mailer-daemon", "Mail Delivery System")


def test_a_quoted_local_part_is_an_address() -> None:
    assert _sender('"Ivan Petrov"@example.ru')[0] == '"ivan petrov"@example.ru'


# --- robots: delivery reports, auto-replies, abuse reports ----------------------------------

_ORIGINAL = b"Message-ID: <ack-1@support.example.com>\nTo: <ivan@example.ru>\nSubject: Re: titles\n"


def _dsn(top: bytes, status: bytes, *, action: bytes = b"failed", report_type: bytes | None = b"delivery-status",
         container: bytes = b"report") -> bytes:
    ctype = (b"multipart/" + container + b"; boundary=B"
             + (b"; report-type=" + report_type if report_type else b""))
    return (top + b"Content-Type: " + ctype + b"\n\n--B\nContent-Type: text/plain\n\n" + status
            + b"\n--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.ru\n\n"
            b"Final-Recipient: rfc822; ivan@example.ru\nAction: " + action + b"\nStatus: 5.1.1\n"
            b"\n--B\nContent-Type: text/rfc822-headers\n\n" + _ORIGINAL + b"\n--B--\n")


def test_a_delivery_status_part_inside_multipart_mixed_is_a_bounce() -> None:
    # Gateways (McAfee, Trend Micro) send the DSN without a multipart/report container.
    p = parse_mail(_dsn(b"From: <postmaster@example.ru>\nSubject: Delivery Status\n", b"delivery problems",
                        report_type=None, container=b"mixed"))
    assert p.is_bounce and p.bounced_recipient == "ivan@example.ru"
    assert p.bounced_message_id == "ack-1@support.example.com"


def test_a_report_whose_parts_are_lost_is_still_a_bounce() -> None:
    raw = (b"From: PMDF <MAILER-DAEMON@example.ru>\nSubject: Delivery Notification: Delivery has failed\n"
           b"Content-Type: multipart/report; boundary=\"never-used\"; report-type=delivery-status\n\n"
           b"Your message cannot be delivered to the following recipients:\n  ivan@example.ru\n")
    assert parse_mail(raw).is_bounce


def test_a_mailer_daemon_with_an_empty_address_is_a_robot_sender() -> None:
    raw = (b"From: MAILER-DAEMON <>\nSubject: Mail delivery failed\n\n"
           b"There was an error delivering your mail to <ivan@example.ru>.\n550 5.1.1 User unknown\n")
    p = parse_mail(raw)
    assert p.is_bounce and p.bounced_recipient == "ivan@example.ru"


def test_an_exchange_report_without_dsn_fields() -> None:
    raw = (b"Return-Path: <>\nFrom: System Administrator <postmaster@example.ru>\nSubject: Undeliverable: titles\n\n"
           b"Your message did not reach some or all of the intended recipients.\n")
    assert parse_mail(raw).is_bounce


def test_a_delay_warning_is_a_bounce_that_keeps_the_address() -> None:
    p = parse_mail(_dsn(b"From: Mail Delivery Subsystem <MAILER-DAEMON@example.ru>\n"
                        b"Subject: Warning: could not send message for past 4 hours\n", b"will retry", action=b"delayed"))
    assert p.is_bounce and p.bounce_delayed and p.is_auto_reply


def test_a_success_report_is_a_robots_mail_but_no_bounce() -> None:
    # RFC 3464 "Successful Mail Delivery Report" (a relay, or NOTIFY=SUCCESS): nothing failed,
    # so neither a bounce nor a delay; still a robot's mail that opens no ticket.
    for action in (b"relayed", b"delivered", b"expanded"):
        p = parse_mail(_dsn(b"From: MAILER-DAEMON@example.ru (Mail Delivery System)\n"
                            b"Subject: Successful Mail Delivery Report\nAuto-Submitted: auto-replied\n",
                            b"Your message was successfully delivered", action=action))
        assert not p.is_bounce and not p.bounce_delayed, action
        assert p.is_auto_reply and p.is_robot and p.auto_reply_reason == "delivery success notification", action


def test_a_report_with_one_failed_recipient_among_delivered_ones_is_a_bounce() -> None:
    raw = _dsn(b"From: <MAILER-DAEMON@example.ru>\nSubject: Delivery Status Notification\n",
               b"delivery to one recipient failed").replace(
        b"Action: failed\n", b"Action: failed\n\nFinal-Recipient: rfc822; olga@example.ru\nAction: delivered\n")
    p = parse_mail(raw)
    assert p.is_bounce and not p.bounce_delayed and p.bounced_recipient == "ivan@example.ru"


def test_the_failed_recipient_is_named_even_after_a_delivered_one() -> None:
    raw = _dsn(b"From: <MAILER-DAEMON@example.ru>\nSubject: Delivery Status Notification\n",
               b"delivery to one recipient failed").replace(
        b"Final-Recipient: rfc822; ivan@example.ru\nAction: failed\n",
        b"Final-Recipient: rfc822; olga@example.ru\nAction: delivered\n\n"
        b"Final-Recipient: rfc822; ivan@example.ru\nAction: failed\n")
    p = parse_mail(raw)
    assert p.is_bounce and not p.bounce_delayed and p.bounced_recipient == "ivan@example.ru"


def test_an_abuse_report_is_not_a_bounce() -> None:
    raw = (b"From: <abuse@example.ru>\nReturn-Path: <>\nSubject: Abuse report: 550 spam\n"
           b"Content-Type: multipart/report; report-type=feedback-report; boundary=B\n\n--B\n"
           b"Content-Type: text/plain\n\nThis is an email abuse report; user unknown\n--B\n"
           b"Content-Type: message/feedback-report\n\nFeedback-Type: abuse\n\n--B--\n")
    p = parse_mail(raw)
    assert not p.is_bounce
    assert p.is_robot and p.auto_reply_reason == "abuse feedback report"  # no ticket, no acknowledgment


def test_an_abuse_report_under_a_delivery_status_label_is_still_no_bounce() -> None:
    # The container says delivery-status; the part says what it is.
    raw = (b"From: <fbl@example.ru>\nSubject: Abuse report\n"
           b"Content-Type: multipart/report; report-type=delivery-status; boundary=B\n\n--B\n"
           b"Content-Type: text/plain\n\nFBL notice\n--B\n"
           b"Content-Type: message/feedback-report\n\nFeedback-Type: abuse\nUser-Agent: FBL/1.0\n\n"
           b"--B\nContent-Type: message/rfc822\n\n" + _ORIGINAL + b"\nOriginal message\n--B--\n")
    p = parse_mail(raw)
    assert not p.is_bounce and p.auto_reply_reason == "abuse feedback report"


def test_a_customer_forwarding_a_bounce_is_not_one() -> None:
    raw = (b"From: Ivan <ivan@example.ru>\nSubject: Fwd: Undelivered Mail Returned to Sender\n\n"
           b"Your reply bounced, see below: 550 5.1.1 user unknown\n")
    p = parse_mail(raw)
    assert not p.is_bounce and not p.is_robot


def test_a_gateway_report_signed_with_its_own_name_is_a_bounce() -> None:
    # A mail gateway (a virus scanner, an old MTA's "System Administrator") sends from no robot
    # address and attaches nothing: its subject and its text together say what it is.
    raw = (b"From: <imss-gw@example.ru>\nSubject: Mail could not be delivered\n\n"
           b"Unable to deliver message to <ivan@example.ru>.\nReceived >>> 550 5.1.1 unknown user.\n")
    p = parse_mail(raw)
    assert p.is_bounce and p.bounced_recipient == "ivan@example.ru"


def test_a_person_replying_to_a_report_is_not_a_bounce() -> None:
    raw = (b"From: Ivan <ivan@example.ru>\nSubject: RE: Delivery failure\n\n"
           b"Why could your message not be delivered? It says 550 user unknown.\n")
    p = parse_mail(raw)
    assert not p.is_bounce and not p.is_robot


def test_old_mta_reports_without_dsn_fields() -> None:
    smail = (b"From: <MAILER-DAEMON@example.ru>\nSubject: mail failed, returning to sender\n\n"
             b"|---- Failed addresses follow: ----|\n ivan@example.ru ... unknown host\n")
    mdaemon = (b"From: MDaemon@example.ru\nSubject: Warning: ivan@example.ru - User unknown!\n\n"
               b"ivan@example.ru - no such user here.\n")
    campus = (b"From: Campus Mailserver <mailer-daemon@example.ru>\nSubject: Your message to ivan@example.ru\n\n"
              b"This address is no longer valid. Your message has NOT been delivered.\n")
    quota = (b"From: Mail Delivery Subsystem <admin@example.ru>\nSubject: Automatically rejected mail\n\n"
             b"Your message to <ivan@example.ru> was automatically rejected:\nQuota exceeded\n")
    for raw in (smail, mdaemon, campus, quota):
        assert parse_mail(raw).is_bounce, raw[:60]


def test_a_post_relayed_by_a_discussion_list_is_automatic_but_no_robots() -> None:
    body = b"\n\nNo sound on SDI 2 since the update.\n"
    mailman = HEAD + b"Precedence: list\nList-Id: Engineers <eng.lists.example.ru>\nList-Post: <mailto:eng@lists.example.ru>\n"
    groups = HEAD + b"Precedence: list\nMailing-list: list eng@googlegroups.com; contact eng+owners@googlegroups.com\n"
    for raw, via in ((mailman, "Engineers <eng.lists.example.ru>"), (groups, "eng@googlegroups.com")):
        p = parse_mail(raw + body)
        assert p.is_auto_reply and not p.is_robot and p.via_list == via, raw
        assert json.loads(json.dumps(parsed_mail_json(p)))["via_list"] == via
    # A newsletter, an announcement list (nobody posts to it) and an auto-reply sent to a list
    # are robots' mail.
    newsletter = HEAD + b"Precedence: bulk\nList-Unsubscribe: <mailto:leave@news.example.ru>\n"
    announce = HEAD + b"List-Id: <announce.example.ru>\nList-Post: NO\n"
    vacation = mailman + b"Auto-Submitted: auto-replied\n"
    for raw in (newsletter, announce, vacation):
        p = parse_mail(raw + body)
        assert p.is_robot and p.via_list is None, raw


def test_the_person_behind_a_post_a_list_resent_under_its_own_address() -> None:
    # DMARC "From munging": the list sends as itself and says who wrote.
    groups = (b"From: 'Ivan Petrov' via Engineers <engineers@googlegroups.com>\nTo: support@example.com\n"
              b"Subject: No sound\nX-Original-From: Ivan Petrov <ivan@example.ru>\nReply-To: Ivan Petrov <ivan@example.ru>\n"
              b"Precedence: list\nMailing-list: list engineers@googlegroups.com; contact engineers+owners@googlegroups.com\n"
              b"List-Post: <https://groups.google.com/group/engineers/post>, <mailto:engineers@googlegroups.com>\n\nHi\n")
    mailman = (b"From: Olga via Engineers <eng@lists.example.ru>\nTo: support@example.com\nSubject: No sound\n"
               b"Reply-To: olga@example.ru\nList-Id: <eng.lists.example.ru>\nList-Post: <mailto:eng@lists.example.ru>\n\nHi\n")
    assert parse_mail(groups).list_author == ("Ivan Petrov", "ivan@example.ru")
    assert parse_mail(mailman).list_author == ("Olga", "olga@example.ru")
    assert json.loads(json.dumps(parsed_mail_json(parse_mail(mailman))))["list_author"] == {
        "name": "Olga", "address": "olga@example.ru"}
    # The person's own address in From, or a Reply-To the list set to itself: From is the author.
    assert parse_mail(mailman.replace(b"From: Olga via Engineers <eng@lists.example.ru>", b"From: Olga <olga@example.ru>")
                      ).list_author is None
    assert parse_mail(mailman.replace(b"olga@example.ru", b"eng@lists.example.ru")).list_author is None


def test_an_mdaemon_report_is_known_by_its_own_header() -> None:
    # MDaemon lets the admin word its reports: the header it adds is what says what they are.
    raw = (b"From: Mail Server <admin@example.ru>\nX-MDDSN-Message: True\nSubject: Something went wrong\n\n"
           b"Sorry, ivan@example.ru is gone.\n")
    assert parse_mail(raw).is_bounce
    assert not parse_mail(raw.replace(b"True", b"False")).is_bounce


def test_an_amazon_ses_bounce_inside_an_sns_envelope_is_a_bounce() -> None:
    head = b"From: SES Bounces <no-reply@sns.amazonaws.com>\nSubject: AWS Notification Message\n\n"
    envelope = (b'{"Type" : "Notification", "Message" : "{\\"notificationType\\":\\"Bounce\\",'
                b'\\"bounce\\":{\\"bounceType\\":\\"Transient\\"}}"}\n')
    complaint = envelope.replace(b"Bounce\\\"", b"Complaint\\\"")
    assert parse_mail(head + envelope).is_bounce
    assert not parse_mail(head + complaint).is_bounce


def test_rfc3834_auto_reply() -> None:
    raw = b"From: Ivan <ivan@example.ru>\nAuto-Submitted: auto-replied\nSubject: I am away\n\nBack on Monday\n"
    p = parse_mail(raw)
    assert p.is_auto_reply and not p.is_bounce


# --- attachment names ------------------------------------------------------------------------

def _names(part_headers: bytes, payload: bytes = b"ZGF0YQ==") -> list[str]:
    raw = (HEAD + b"Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain\n\nhi\n--B\n"
           + part_headers + b"\nContent-Transfer-Encoding: base64\n\n" + payload + b"\n--B--\n")
    return [a.filename for a in parse_mail(raw).attachments]


def test_rfc2231_continuations_with_a_charset() -> None:
    assert _names(b"Content-Type: application/pdf\nContent-Disposition: attachment;\n"
                  b" filename*0*=utf-8''%D0%9E%D1%82%D1%87%D1%91%D1%82%20%20;\n filename*1*=%D0%BC%D0%B0%D0%B9;\n"
                  b" filename*2=.pdf") == ["Отчёт  май.pdf"]


def test_rfc2231_beats_its_ascii_stand_in() -> None:
    assert _names(b"Content-Type: application/pdf\nContent-Disposition: attachment; filename=\"Otchet.pdf\";"
                  b" filename*=UTF-8''%D0%9E%D1%82%D1%87%D1%91%D1%82.pdf") == ["Отчёт.pdf"]


def test_rfc2047_in_a_quoted_name_keeps_double_spaces() -> None:
    assert _names(b'Content-Type: application/pdf; name="=?UTF-8?B?0J7RgtGH0ZHRgiAg0LzQsNC5LnBkZg==?="') == [
        "Отчёт  май.pdf"]


def test_a_name_in_content_type_only_is_kept_exactly() -> None:
    assert _names(b'Content-Type: application/pdf; name="scan  2026: final?.pdf"') == ["scan  2026: final?.pdf"]


def test_a_cut_utf8_name_is_not_mojibake() -> None:
    # The last Cyrillic letter lost its second byte: the rest stays Cyrillic, nothing is invented.
    assert _names(b"Content-Type: application/pdf\nContent-Disposition: attachment;"
                  b" filename*=UTF-8''%D0%9E%D1%82%D1%87%D1%91%D1") == ["Отчё"]


def test_path_and_control_characters_never_reach_the_name() -> None:
    assert _names(b'Content-Type: application/pdf; name="..\\\\..\\\\evil\x01.pdf"') == ["evil_.pdf"]
    assert _names(b'Content-Type: application/pdf; name=".."') == ["attachment.pdf"]


def test_an_inline_image_is_named_after_its_content_id() -> None:
    assert _names(b"Content-Type: image/jpeg\nContent-ID: <image001.jpg@01D0A1B2.C3D4E5F0>") == ["image001.jpg"]
    assert _names(b"Content-Type: video/quicktime") == ["video.mov"]


def test_unnamed_parts_get_distinct_names_and_real_names_stay_exact() -> None:
    parts = b"".join(b"--B\nContent-Type: " + t + b"\nContent-Transfer-Encoding: base64\n\nAAAA\n"
                     for t in (b"video/quicktime", b"video/quicktime", b"image/png",
                               b"application/pdf; name=report.pdf", b"application/pdf; name=report.pdf",
                               b"image/png; name=image1.png", b"image/png"))
    raw = HEAD + b"Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain\n\nhi\n" + parts + b"--B--\n"
    assert [a.filename for a in parse_mail(raw).attachments] == [
        "video.mov", "video1.mov", "image.png", "report.pdf", "report.pdf", "image1.png", "image2.png"]


def test_an_attached_message_is_named_after_its_subject() -> None:
    raw = (HEAD + b"Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain\n\nsee below\n--B\n"
           b"Content-Type: message/rfc822\n\nFrom: petr@example.ru\nSubject: =?UTF-8?B?0J3QtdGCINC30LLRg9C60LA=?=\n\n"
           b"no sound\n--B--\n")
    assert [a.filename for a in parse_mail(raw).attachments] == ["Нет звука.eml"]
    # a name of its own is kept exactly, even without an extension
    named = raw.replace(b"Content-Type: message/rfc822\n", b'Content-Type: message/rfc822; name="Original message"\n')
    assert [a.filename for a in parse_mail(named).attachments] == ["Original message"]


# --- bodies in several parts ------------------------------------------------------------------

def test_every_inline_text_part_is_shown_in_order() -> None:
    raw = (HEAD + b"Content-Type: multipart/mixed; boundary=B\n\n--B\nContent-Type: text/plain\n\nFirst part\n"
           b"--B\nContent-Type: image/png\nContent-Disposition: inline; filename=shot.png\n\nxx\n"
           b"--B\nContent-Type: text/plain\nContent-Disposition: inline\n\nSecond part\n"
           b"--B\nContent-Type: text/html\n\n<p>Third part</p>\n--B--\n")
    p = parse_mail(raw)
    assert p.text == "First part\n\nSecond part\n\nThird part"
    assert [a.filename for a in p.attachments] == ["shot.png"]


def test_a_mail_that_is_one_named_text_part_shows_its_text() -> None:
    p = parse_mail(HEAD + b'Content-Type: text/plain; name="note.txt"\n\nThe server stopped at night\n')
    assert p.text == "The server stopped at night" and not p.attachments
    # attached on purpose: a file too
    p = parse_mail(HEAD + b'Content-Type: text/plain\nContent-Disposition: attachment; filename="log.txt"\n\nline 1\n')
    assert p.text == "line 1" and [a.filename for a in p.attachments] == ["log.txt"]


def test_a_multipart_without_its_boundary_is_read_as_text() -> None:
    p = parse_mail(HEAD + b"Content-Type: multipart/mixed\n\nNo sound on output 2\n")
    assert p.text == "No sound on output 2" and not p.attachments
    p = parse_mail(HEAD + b"Content-Type: multipart/mixed; boundary=A\n\n--Z\nContent-Type: text/plain\n\nNo sound\n--Z--\n")
    assert "No sound" in p.text


def test_text_enriched_is_body_text() -> None:
    p = parse_mail(HEAD + b"Content-Type: text/enriched\n\n<bold>Playout</bold> stops, see <<1>\n")
    assert p.text == "Playout stops, see <1>" and not p.attachments


def test_the_html_of_every_part_is_kept() -> None:
    raw = (HEAD + b"Content-Type: multipart/related; boundary=R\n\n--R\nContent-Type: text/html\n\n<p>One</p>\n"
           b"--R\nContent-Type: image/png\nContent-ID: <i1>\n\nxx\n--R\nContent-Type: text/html\n\n<p>Two</p>\n--R--\n")
    html = parse_mail(raw).html_sanitised or ""
    assert "One" in html and "Two" in html and html.index("One") < html.index("Two")


def test_an_html_part_without_a_charset_uses_its_meta_tag() -> None:
    html = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head>'
    raw = HEAD + b"Content-Type: text/html\n\n" + (html + "<p>机房环境</p></html>").encode("gbk") + b"\n"
    assert "机房环境" in parse_mail(raw).text


def test_the_module_prints_what_mail_parse_prints(tmp_path: Path) -> None:
    path = tmp_path / "m.eml"
    path.write_bytes(HEAD + b"\nHello\n")
    out = subprocess.run([sys.executable, "-m", "supportdesk.mail.parsing", str(path)], capture_output=True,
                         check=True).stdout
    assert json.loads(out) == parsed_mail_json(parse_mail(path.read_bytes()))
