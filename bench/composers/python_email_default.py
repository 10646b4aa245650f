"""Python's email package, the modern API (EmailMessage, policy.default), as its documentation shows."""

import base64
import json
import sys
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from pathlib import Path


def compose(case: dict) -> bytes:
    msg = EmailMessage()
    msg["From"] = formataddr((case["from"]["name"], case["from"]["addr"]))
    msg["To"] = "support@example.com"
    msg["Subject"] = case["subject"]
    msg["Message-ID"] = make_msgid(domain="example.com")
    charset = case.get("charset") or "utf-8"
    msg.set_content(case.get("text") or "", charset=charset)
    if case.get("html"):
        msg.add_alternative(case["html"], subtype="html", charset=charset)
        html = msg.get_payload()[1]
        for inline in case.get("inline") or []:
            maintype, subtype = inline["type"].split("/")
            html.add_related(base64.b64decode(inline["content_b64"]), maintype, subtype,
                             cid=f"<{inline['cid']}>", filename=inline["name"])
    for item in case.get("attachments") or []:
        maintype, subtype = item["type"].split("/")
        msg.add_attachment(base64.b64decode(item["content_b64"]), maintype=maintype, subtype=subtype,
                           filename=item["name"])
    forward = case.get("forward")
    if forward:
        inner = EmailMessage()
        inner["From"] = forward["from"]
        inner["Subject"] = forward["subject"]
        inner.set_content(forward["text"])
        msg.add_attachment(inner, filename=forward["name"])
    return msg.as_bytes()


def main() -> None:
    cases = json.loads(Path(sys.argv[1]).read_text())["cases"]
    out = Path(sys.argv[2])
    for case in cases:
        (out / f"{case['id']}.eml").write_bytes(compose(case))


if __name__ == "__main__":
    main()
