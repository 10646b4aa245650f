"""Raw bytes → ParsedMail.  Never raises: whatever is odd ends up in `defects`."""

from __future__ import annotations

import binascii
import re
from dataclasses import dataclass, field
from email.message import Message
from email.parser import BytesParser
from email.policy import Compat32

from supportdesk.lib.html import html_to_text, sanitize_html

from .addresses import parse_addresses, pick_sender
from .body import find_quoted_start, find_signature_start, is_stub_alternative, unflow
from .charsets import decode_bytes, html_meta_charset, nfc, normalize_charset, to_bytes, utf16_charset
from .headers import all_ids, decode_header_text, first_id, parse_date
from .language import detect_language
from .model import ParsedAttachment, ParsedMail
from .params import ParamsMessage
from .parts import (
    attachment_from_part,
    decode_qp,
    disposition,
    forwarded_text,
    header_params,
    is_body_part,
    is_tnef,
    message_bytes,
    payload_bytes,
    raw_payload,
    split_uuencoded,
    subject_filename,
    tnef_files,
    unique_generated_names,
    uuencoded_attachment,
)
from .pgp import strip_cleartext_signature
from .repair import (
    normalize_cte,
    repair_boundary,
    repair_header_block,
    repair_parameter_folds,
    repair_parameter_sections,
    repair_part_headers,
    repair_reopened_boundaries,
)
from .robots import detect_auto_reply, detect_bounce, detect_spam, list_author, list_post, unmarked_away_reply
from .smime import PKCS7_MIME, SIGNED_TYPES, signed_content


class _RawHeaders(Compat32):
    """compat32 parsing (fast, lenient) but header values handed back untouched."""

    def header_fetch_parse(self, name: str, value: str) -> str:  # type: ignore[override]
        return value


# text/enriched (RFC 1896) and its predecessor: text with formatting commands, read as text.
_ENRICHED = frozenset({"text/enriched", "text/richtext"})
_ENRICHED_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]{0,40}>")
_POLICY = _RawHeaders()
_PARSER = BytesParser(ParamsMessage, policy=_POLICY)
_MAX_DEPTH = 12


@dataclass
class _Walk:
    texts: list[str] = field(default_factory=list)
    htmls: list[str] = field(default_factory=list)
    attachments: list[ParsedAttachment] = field(default_factory=list)
    dsn_fields: list[dict[str, str]] = field(default_factory=list)
    original_headers: list[str] = field(default_factory=list)
    forward_at: int | None = None  # index in texts where forwarded messages start
    charset: str | None = None
    defects: list[str] = field(default_factory=list)
    report_type: str | None = None
    # False while walking HTML alternatives of a plain part: keep the HTML, skip its text.
    want_text: bool = True
    # The charset the message's text declares: raw 8-bit file names are read in it.
    fallback: str | None = None
    # Text parts sent as unnamed attachments or named inline ones: read only when the mail has no other text.
    unnamed_texts: list[Message] = field(default_factory=list)


def _headers_of(msg: Message) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, value in msg.raw_items():
        out.setdefault(name.strip().lower(), []).append(value if isinstance(value, str) else str(value))
    return out


def _decode_part_text(part: Message, walk: _Walk) -> str:
    try:
        payload = payload_bytes(part)
    except Exception:  # noqa: BLE001 - broken transfer encoding is the sender's fault
        walk.defects.append("body: undecodable transfer encoding")
        payload = b""
    if not isinstance(payload, bytes):
        payload = b""
    charset = _safe_param(part, "charset")
    if charset is None and part.get_content_type() == "text/html":
        charset = html_meta_charset(payload)
    text, used, defect = decode_bytes(payload, charset)
    if defect:
        walk.defects.append("body: " + defect)
    if walk.charset is None and not payload.isascii():
        walk.charset = used
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if ("flowed" in str(part.get("content-type", "")).lower() and part.get_content_type() == "text/plain"
            and _safe_param(part, "format") == "flowed"):
        text = unflow(text, delsp=_safe_param(part, "delsp") == "yes")
    return text


_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27)) + b"\x7f"  # 27: ISO-2022 escapes


def _is_binary(part: Message, walk: _Walk) -> bool:
    """A 'text' part full of control bytes is data (or garbage): keep it as a file."""
    try:
        payload = payload_bytes(part)
    except Exception:  # noqa: BLE001
        return False
    if not isinstance(payload, bytes) or not payload:
        return False
    if utf16_charset(payload, normalize_charset(_safe_param(part, "charset"))):
        return False  # UTF-16 text: its NUL bytes are half of every ASCII letter
    sample = payload[:4096]
    controls = len(sample) - len(sample.translate(None, _CONTROL))
    # A short part needs two control bytes: one stray byte in a line of text is no file.
    if controls > 0.05 * len(sample) and (len(sample) >= 64 or controls >= 2):
        walk.defects.append("body: binary data in a text part")
        return True
    return False


def _safe_param(part: Message, name: str) -> str | None:
    try:
        value = part.get_param(name)
    except Exception:  # noqa: BLE001
        return None
    if isinstance(value, tuple):
        value = value[2]
    return str(value).strip().lower() if value else None


def text_charset(msg: Message) -> str | None:
    """The charset the message's text declares (its first text part's, or the top part's
    label): what mail clients read raw 8-bit header text and file names in."""
    for i, part in enumerate(msg.walk()):
        if i > 20 or part.get_content_type() == "message/rfc822":
            break
        if part.get_content_maintype() in ("text", "multipart"):
            label = _safe_param(part, "charset")
            if label:
                return label
    return None


def _walk(part: Message, walk: _Walk, depth: int, in_report: bool) -> None:
    walk.defects.extend(type(d).__name__ for d in part.defects)
    if depth > _MAX_DEPTH:
        # No deeper recursion: the parts below are read in order, flat; an attached message
        # there is kept as its file only.
        walk.defects.append("structure: nesting too deep, the deeper parts read flat")
        for leaf in _leaves(part):
            if leaf.get_content_maintype() == "message":
                walk.attachments.append(attachment_from_part(leaf, walk.defects, fallback=walk.fallback))
            else:
                _walk(leaf, walk, _MAX_DEPTH, in_report)
        return
    ctype = part.get_content_type()
    if part.is_multipart():
        children = [c for c in part.get_payload() if isinstance(c, Message)]  # type: ignore[union-attr]
        if ctype == "multipart/alternative":
            _walk_alternative(children, walk, depth, in_report)
            return
        if ctype == "multipart/appledouble":
            # RFC 1740 (Apple Mail, old Macs): the file's resource fork and Finder information
            # (application/applefile) beside the file itself. The customer attached one file, not
            # two of the same name; the header part is kept only when it is all there is.
            children = [c for c in children if c.get_content_type() != "application/applefile"] or children
        if ctype == "multipart/report":
            walk.report_type = walk.report_type or _safe_param(part, "report-type")
            in_report = True
        if ctype.startswith("message/") and ctype != "message/rfc822":
            # delivery-status, disposition-notification, feedback-report: field blocks.
            if ctype == "message/delivery-status":
                walk.dsn_fields.extend(_dsn_blocks(part))
            elif ctype == "message/feedback-report":
                # An ARF abuse report is one by what it holds, whatever report-type its container declares.
                walk.report_type = "feedback-report"
            walk.attachments.append(attachment_from_part(part, walk.defects, fallback=walk.fallback))
            return
        for child in children:
            if ctype == "message/rfc822":
                _walk_forward(child, part, walk, depth, in_report)
            else:
                _walk(child, walk, depth + 1, in_report)
        return
    if ctype in PKCS7_MIME and _safe_param(part, "smime-type") in SIGNED_TYPES:
        inner = _opaque_signed_entity(part)
        if inner is not None:
            # The signed entity is the mail the customer wrote: read it as mail clients show it.
            walk.defects.append("structure: S/MIME signed entity (smime.p7m) opened; the signature is not verified")
            _walk(inner, walk, depth + 1, in_report)
            return
    if ctype == "text/rfc822-headers":
        walk.original_headers.append(_decode_part_text(part, walk))
    broken = ctype.startswith("multipart/")
    if broken and depth:
        respelt = _respelt_multipart(part)
        if respelt is not None:
            walk.defects.append("structure: boundary spelt otherwise in the body (letter case, quotes, a fold)")
            _walk(respelt, walk, depth, in_report)
            return
    if broken:
        # A multipart whose boundary is missing or never occurs: its payload is all there is.
        walk.defects.append("structure: multipart without its parts, read as text")
        ctype = "text/plain"
    elif ctype in _ENRICHED and disposition(part) != "attachment":
        text = _ENRICHED_TAG.sub("", _decode_part_text(part, walk)).replace("<<", "<")
        if text.strip():
            walk.texts.append(text)
            return
    body = is_body_part(part)
    if body or broken or (depth == 0 and ctype in ("text/plain", "text/html")):
        attached = not body and not broken and (disposition(part) == "attachment" or _disposition_names_file(part))
        if attached:
            # the sender attached the mail's only part, or gave it a file name in its disposition
            # (a name in Content-Type alone is the mailer's label on its text): a file, and the text
            walk.attachments.append(attachment_from_part(part, walk.defects, fallback=walk.fallback))
        if _is_binary(part, walk):
            if not attached:  # data, not text: a file (once), named as the sender named it if at all
                walk.attachments.append(attachment_from_part(part, walk.defects, default_name="body.bin",
                                                             fallback=walk.fallback))
            return
        text = _decode_part_text(part, walk)
        if ctype == "text/html":
            walk.htmls.append(text)
            if not walk.want_text:
                return
            text = html_to_text(text)
        else:
            # uuencoded files become attachments; the text keeps the block as it was sent.
            _rest, files = split_uuencoded(text)
            walk.attachments.extend(uuencoded_attachment(name, data) for name, data in files)
            text, signed = strip_cleartext_signature(text)
            if signed:
                walk.defects.append("body: inline OpenPGP signature taken off the text; it is not verified")
        if text.strip():
            walk.texts.append(text)
        return
    attachment = attachment_from_part(part, walk.defects, fallback=walk.fallback)
    walk.attachments.append(attachment)
    if ctype in ("text/plain", "text/html") and (attachment.name_generated or disposition(part) != "attachment"):
        # Text marked "attachment" with no file name, or a named text not marked as an attachment
        # (a web form's inline "message.html", an old mailer's "msg.txt" without a disposition,
        # which mail clients show inline): the text to read when the mail has no other.
        walk.unnamed_texts.append(part)
    elif _other_text(ctype) and attachment.name_generated and disposition(part) != "attachment":
        # Inline unnamed text of another kind (text/markdown; GNU mailutils labels the body with
        # its last file's type): RFC 2046 §4.1.4 reads an unknown text subtype as plain text.
        walk.unnamed_texts.append(part)
    if is_tnef(attachment):
        walk.attachments.extend(tnef_files(attachment.content, walk.defects))


def _opaque_signed_entity(part: Message) -> Message | None:
    """The MIME entity inside an opaque S/MIME signature (``smime``); None when there is none."""
    try:
        der = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001 - a broken transfer encoding: the part stays an attachment
        return None
    content = signed_content(der) if isinstance(der, bytes) else None
    return _PARSER.parsebytes(content) if content is not None else None


def _respelt_multipart(part: Message) -> Message | None:
    """An inner multipart whose boundary the body spells otherwise (see ``repair_boundary``),
    parsed again with the body's spelling; None when that does not give it parts."""
    boundary = part.get_boundary()
    fixed = repair_boundary(message_bytes(part), boundary) if boundary else None
    reparsed = _PARSER.parsebytes(fixed) if fixed is not None else None
    return reparsed if reparsed is not None and reparsed.is_multipart() else None


# Text subtypes that are data for a program (an invitation, a card, a table, a bounce's headers),
# never the text to read.
_TEXT_DATA = frozenset({"text/calendar", "text/x-vcalendar", "text/vcard", "text/x-vcard", "text/directory",
                        "text/rfc822-headers", "text/csv", "text/tab-separated-values", "text/xml", "text/css",
                        "text/javascript"})


def _other_text(ctype: str) -> bool:
    return ctype.startswith("text/") and ctype not in ("text/plain", "text/html") and ctype not in _TEXT_DATA


def _disposition_names_file(part: Message) -> bool:
    return any(k.strip().lower() == "filename" and v for k, v in header_params(part, "content-disposition"))


def _unnamed_texts(walk: _Walk) -> list[str]:
    """The text of the text parts sent as attachments without a name (none of binary data)."""
    texts = []
    for part in walk.unnamed_texts:
        if _is_binary(part, walk):
            continue
        text = _decode_part_text(part, walk)
        text = html_to_text(text) if part.get_content_type() == "text/html" else text
        if text.strip():
            texts.append(text)
    return texts


def _unnamed_htmls(walk: _Walk) -> list[str]:
    """The HTML of the HTML parts among ``walk.unnamed_texts`` (none of binary data)."""
    return [_decode_part_text(part, walk) for part in walk.unnamed_texts
            if part.get_content_type() == "text/html" and not _is_binary(part, walk)]


def _walk_alternative(children: list[Message], walk: _Walk, depth: int, in_report: bool) -> None:
    """Text from the plain alternative, HTML kept for display, other parts as attachments.
    Of several plain alternatives the last one, as of any alternatives (RFC 2046 §5.1.4: the
    parts go from the plainest to the richest, and a reader shows the last it can)."""
    plain = next((c for c in reversed(children) if c.get_content_type() == "text/plain" and is_body_part(c)), None)
    # A plain alternative may itself be a multipart: text, an inline picture, more text.
    plain_tree = None if plain is not None else next((c for c in reversed(children) if _plain_multipart(c)), None)
    html_like = [c for c in children if c is not plain and c is not plain_tree]
    if plain is not None or plain_tree is not None:
        own = _Walk(charset=walk.charset, fallback=walk.fallback)
        if plain is not None:
            own.texts.append(_decode_part_text(plain, walk))
        else:
            _walk(plain_tree, own, depth + 1, in_report)  # type: ignore[arg-type]
        text = "\n".join(own.texts)
        sub = _Walk(charset=walk.charset, want_text=False, fallback=walk.fallback)
        if text.strip():
            for child in html_like:
                _walk(child, sub, depth + 1, in_report)
        if text.strip() and not (sub.htmls and is_stub_alternative(text, html_to_text("\n".join(sub.htmls)))):
            _take(walk, own)
            walk.htmls.extend(sub.htmls)
            walk.attachments.extend(sub.attachments)
            walk.defects.extend(sub.defects)
            return
    # No usable plain text (none, empty, or a notice to read the HTML): the richest alternative
    # (the last one) carries the text; the files of the others (an inline image of an HTML
    # version not shown) are kept all the same.
    chosen = None
    for i in range(len(children) - 1, -1, -1):
        before = len(walk.texts)
        _walk(children[i], walk, depth + 1, in_report)
        if len(walk.texts) > before:
            chosen = i
            break
    for child in children[:chosen] if chosen is not None else ():
        sub = _Walk(charset=walk.charset, fallback=walk.fallback)
        _walk(child, sub, depth + 1, in_report)
        walk.attachments.extend(sub.attachments)


def _plain_multipart(part: Message) -> bool:
    """A multipart whose text is all plain (no HTML anywhere under it)."""
    if not part.is_multipart() or part.get_content_maintype() != "multipart":
        return False
    types = [leaf.get_content_type() for leaf in _leaves(part)]
    return "text/plain" in types and "text/html" not in types


def _take(walk: _Walk, sub: _Walk) -> None:
    """What a walk of one alternative found, into the message's walk."""
    if sub.forward_at is not None and walk.forward_at is None:
        walk.forward_at = len(walk.texts) + sub.forward_at
    walk.texts.extend(sub.texts)
    walk.htmls.extend(sub.htmls)
    walk.attachments.extend(sub.attachments)
    walk.dsn_fields.extend(sub.dsn_fields)
    walk.original_headers.extend(sub.original_headers)
    walk.defects.extend(sub.defects)
    walk.unnamed_texts.extend(sub.unnamed_texts)


def _encoded_message(inner: Message, outer: Message, walk: _Walk) -> Message:
    """An attached message sent base64 or quoted-printable encoded (RFC 2046 §5.2.1 forbids
    it; Exchange and some webmails do it): the parser took the encoded text for a message
    without headers, so decode it and parse that."""
    cte = normalize_cte(str(outer.get("content-transfer-encoding", "")))
    if cte not in ("base64", "quoted-printable") or inner.keys():
        return inner
    body = raw_payload(inner)
    if not isinstance(body, str):
        return inner
    try:
        if cte == "base64":
            data = binascii.a2b_base64(re.sub(r"[^A-Za-z0-9+/=]", "", body).encode("ascii"))
        else:
            data = decode_qp(to_bytes(body))
    except (binascii.Error, ValueError):
        return inner
    walk.defects.append(f"structure: attached message in {cte}")
    return _PARSER.parsebytes(data)


def _leaves(part: Message) -> list[Message]:
    """The parts under ``part`` that hold no others (an attached message counts as one), in
    order, found without recursion."""
    leaves, stack = [], [part]
    while stack:
        node = stack.pop()
        if node.is_multipart() and node.get_content_maintype() != "message":
            stack.extend(reversed([c for c in node.get_payload() if isinstance(c, Message)]))  # type: ignore[union-attr]
        else:
            leaves.append(node)
    return leaves


def _walk_forward(inner: Message, outer: Message, walk: _Walk, depth: int, in_report: bool) -> None:
    inner = _encoded_message(inner, outer, walk)
    # clients name an attached message after its subject
    inner_charset = text_charset(inner) or walk.fallback
    name = subject_filename(decode_header_text(inner.get("subject"), keep_spaces=True, fallback=inner_charset))
    walk.attachments.append(attachment_from_part(outer, walk.defects, content=message_bytes(inner),
                                                 default_name=name or None, fallback=walk.fallback))
    if in_report:
        headers = "\n".join(f"{k}: {v}" for k, v in inner.raw_items())
        walk.original_headers.append(headers)
        return
    sub = _Walk(fallback=inner_charset)
    _walk(inner, sub, depth + 1, False)
    if walk.forward_at is None:
        walk.forward_at = len(walk.texts)
    walk.texts.append(forwarded_text(_headers_of(inner), "\n\n".join(sub.texts)))
    walk.attachments.extend(sub.attachments)
    walk.defects.extend(sub.defects)


def _dsn_blocks(part: Message) -> list[dict[str, str]]:
    blocks = []
    for block in part.get_payload():  # type: ignore[union-attr]
        if isinstance(block, Message):
            blocks.append({k.lower(): str(v).strip() for k, v in block.raw_items()})
    return blocks


def parse_mail(raw: bytes) -> ParsedMail:
    """Parse one raw message. Never raises; problems are listed in `defects`."""
    try:
        return _parse(raw)
    except Exception as exc:  # noqa: BLE001 - a parse bug must not lose the mail
        return _unparseable(raw, f"parser error: {type(exc).__name__}: {exc}"[:200])


def _parse(raw: bytes) -> ParsedMail:
    if not isinstance(raw, bytes | bytearray | memoryview):
        raise TypeError("parse_mail needs bytes")
    repaired, defects = repair_header_block(bytes(raw))
    for repair in (repair_parameter_sections, repair_parameter_folds, repair_reopened_boundaries):
        repaired, done = repair(repaired)
        defects.extend([done] if done else [])
    msg = _PARSER.parsebytes(repaired)
    boundary = msg.get_boundary() if msg.get_content_maintype() == "multipart" and not msg.is_multipart() else None
    fixed = repair_boundary(repaired, boundary) if boundary else None
    if fixed is not None:
        msg = _PARSER.parsebytes(fixed)
        defects.append("structure: boundary spelt otherwise in the body (letter case, quotes, a fold)")
    defects.extend(repair_part_headers(msg))
    headers = _headers_of(msg)

    def one(name: str) -> str | None:
        values = headers.get(name)
        if values and len(values) > 1 and name in ("from", "subject", "message-id", "date"):
            defects.append(f"header: repeated {name}")
        return values[0] if values else None

    # Raw 8-bit header text and percent-escaped RFC 2231 names without a charset are read in it.
    fallback = text_charset(msg)
    from_name, from_addr = pick_sender(headers.get("from", []), headers.get("sender", []),
                                       headers.get("reply-to", []), defects, fallback, headers.get("return-path", []))
    # A gateway that adds an empty Subject above the sender's: the first one with text is his.
    subject_value = one("subject")
    subject_value = next((v for v in headers.get("subject", []) if v.strip()), subject_value)
    subject = nfc(decode_header_text(subject_value, defects, fallback=fallback))
    from_name = nfc(from_name)
    date, utc_offset = parse_date(one("date"), defects)
    walk = _Walk(fallback=fallback)
    _walk(msg, walk, 0, False)
    defects.extend(walk.defects)
    if not any(t.strip() for t in walk.texts) and walk.unnamed_texts:
        walk.texts = _unnamed_texts(walk)
        if walk.texts:
            defects.append("body: the only text is in an attachment")
        if not walk.htmls:
            # An HTML part shown inline though it carries a file name (a mass mailer's link and
            # picture with no text): what the customer sees, so what the agent reads.
            walk.htmls = _unnamed_htmls(walk)
    walk.texts = [nfc(t) for t in walk.texts]  # offsets below are counted in the composed text
    text = "\n\n".join(t.strip("\n") for t in walk.texts)
    quoted_start = find_quoted_start(text)
    if walk.forward_at is not None:
        forward_offset = sum(len(t.strip("\n")) + 2 for t in walk.texts[: walk.forward_at])
        if quoted_start is None or forward_offset < quoted_start:
            quoted_start = forward_offset
    signature_start = find_signature_start(text, quoted_start)
    html = "\n".join(sanitize_html(h) for h in walk.htmls) if walk.htmls else None  # every HTML part, in order

    spam_reason = detect_spam(headers)
    bounce = detect_bounce(
        headers=headers, from_addr=from_addr, from_name=from_name, subject=subject, report_type=walk.report_type,
        dsn_fields=walk.dsn_fields, original_headers=walk.original_headers, text=text,
    )
    auto_reason = via_list = None
    if bounce is not None and bounce.delivered:
        # "Successful Mail Delivery Report": a robot's mail (no ticket), but no bounce: nothing failed.
        auto_reason, bounce = "delivery success notification", None
    elif bounce is not None and bounce.delayed:
        auto_reason = "delivery delay notification"
    elif bounce is None:
        auto_reason = detect_auto_reply(headers, from_addr, subject)
        if auto_reason is None and unmarked_away_reply(headers, subject, text, quotes=quoted_start is not None):
            auto_reason = "away notice with no robot's mark (vacation(1))"
        if walk.report_type == "disposition-notification":
            auto_reason = "read receipt"
        elif walk.report_type == "feedback-report":
            # ARF (RFC 5965): a mail provider tells that someone marked our mail as spam. A robot's
            # report, kept with the ticket it quotes; a ticket of its own would acknowledge it.
            auto_reason = "abuse feedback report"
        elif auto_reason is not None and detect_auto_reply(headers, from_addr, subject, list_markers=False) is None:
            # A person's post relayed by a discussion list (a customer's team writing through
            # its group address) carries the list's marks and no other: automatic for RFC 3834
            # (never answered automatically), yet a person's request.
            via_list = list_post(headers)
    author = list_author(headers, from_name, from_addr, defects) if via_list is not None else None
    if not headers:
        defects.append("no headers")
    if one("message-id") is None:
        defects.append("header: no Message-ID")
    lang_sample = subject + "\n" + text[: quoted_start if quoted_start is not None else 4000][:4000]
    return ParsedMail(
        from_addr=from_addr,
        from_name=from_name,
        to_addrs=tuple(a for _, a in parse_addresses(headers.get("to", []), defects)),
        cc_addrs=tuple(a for _, a in parse_addresses(headers.get("cc", []), defects)),
        reply_to=tuple(a for _, a in parse_addresses(headers.get("reply-to", []), defects)),
        subject=subject,
        text=text,
        html_sanitised=html,
        quoted_start=quoted_start,
        signature_start=signature_start,
        attachments=tuple(unique_generated_names(walk.attachments)),
        message_id=first_id(one("message-id")),
        in_reply_to=first_id(one("in-reply-to")),
        references=all_ids(" ".join(headers.get("references", []))),
        date=date,
        utc_offset=utc_offset,
        language=detect_language(lang_sample),
        is_auto_reply=auto_reason is not None,
        auto_reply_reason=auto_reason,
        via_list=via_list,
        list_author=author,
        is_bounce=bounce is not None,
        bounce_delayed=bounce is not None and bounce.delayed,
        bounced_message_id=bounce.message_id if bounce else None,
        bounced_recipient=bounce.recipient if bounce else None,
        is_spam=spam_reason is not None,
        spam_reason=spam_reason,
        charset=walk.charset,
        defects=tuple(dict.fromkeys(defects)),
        auth_results=tuple(headers.get("authentication-results", [])),
    )


def _unparseable(raw: bytes, defect: str) -> ParsedMail:
    data = bytes(raw) if isinstance(raw, bytes | bytearray | memoryview) else b""
    text, _cs, _d = decode_bytes(data[:200000]) if data else ("", None, None)
    return ParsedMail(
        from_addr=None, from_name="", to_addrs=(), cc_addrs=(), reply_to=(), subject="",
        text=text, html_sanitised=None, quoted_start=None, signature_start=None,
        attachments=(), message_id=None, in_reply_to=None, references=(), date=None,
        utc_offset=None, language=detect_language(text[:4000]), is_auto_reply=False,
        auto_reply_reason=None, is_bounce=False, bounced_message_id=None,
        bounced_recipient=None, is_spam=False, spam_reason=None, charset=None,
        defects=(defect,),
    )
