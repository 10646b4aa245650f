"""ParsedMail → JSON-ready dict, for `supportdesk mail parse FILE --json` and debugging."""

from __future__ import annotations

from typing import Any

from .model import ParsedMail


def parsed_mail_json(p: ParsedMail) -> dict[str, Any]:
    return {
        "from_addr": p.from_addr,
        "from_name": p.from_name,
        "to_addrs": list(p.to_addrs),
        "cc_addrs": list(p.cc_addrs),
        "reply_to": list(p.reply_to),
        "subject": p.subject,
        "text": p.text,
        "quoted_start": p.quoted_start,
        "signature_start": p.signature_start,
        "has_html": p.html_sanitised is not None,
        "html": p.html_sanitised,
        "attachments": [
            {
                "filename": a.filename,
                "content_type": a.content_type,
                "size": a.size,
                "content_id": a.content_id,
                "is_inline": a.is_inline,
            }
            for a in p.attachments
        ],
        "message_id": p.message_id,
        "in_reply_to": p.in_reply_to,
        "references": list(p.references),
        "date": p.date.isoformat() if p.date else None,
        "utc_offset": p.utc_offset,
        "language": p.language,
        "charset": p.charset,
        "is_auto_reply": p.is_auto_reply,
        "auto_reply_reason": p.auto_reply_reason,
        "via_list": p.via_list,
        "list_author": {"name": p.list_author[0], "address": p.list_author[1]} if p.list_author else None,
        "is_bounce": p.is_bounce,
        "bounce_delayed": p.bounce_delayed,
        "bounced_message_id": p.bounced_message_id,
        "bounced_recipient": p.bounced_recipient,
        "is_robot": p.is_robot,
        "is_spam": p.is_spam,
        "spam_reason": p.spam_reason,
        "defects": list(p.defects),
    }
