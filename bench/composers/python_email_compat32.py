"""Python's email package, the legacy API (email.mime.*, email.header.Header, policy compat32),
as Python 2 / early Python 3 scripts and Django's mail module write mail; stdlib of this Python."""

import base64
import json
import sys
from email import encoders
from email.header import Header
from email.mime.base import MIMEBase
from email.mime.image import MIMEImage
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, make_msgid
from pathlib import Path


def attachment(item: dict, data: bytes) -> MIMEBase:
    maintype, subtype = item["type"].split("/")
    part = MIMEBase(maintype, subtype)
    part.set_payload(data)
    encoders.encode_base64(part)
    part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", item["name"]))
    return part


def compose(case: dict) -> bytes:
    charset = case.get("charset") or "utf-8"
    body = MIMEText(case.get("text") or "", "plain", charset)
    if case.get("html"):
        alternative = MIMEMultipart("alternative")
        alternative.attach(body)
        html = MIMEText(case["html"], "html", charset)
        if case.get("inline"):
            related = MIMEMultipart("related")
            related.attach(html)
            for inline in case["inline"]:
                image = MIMEImage(base64.b64decode(inline["content_b64"]), inline["type"].split("/")[1])
                image.add_header("Content-ID", f"<{inline['cid']}>")
                image.add_header("Content-Disposition", "inline", filename=("utf-8", "", inline["name"]))
                related.attach(image)
            html = related
        alternative.attach(html)
        body = alternative
    msg = MIMEMultipart()
    msg.attach(body)
    for item in case.get("attachments") or []:
        msg.attach(attachment(item, base64.b64decode(item["content_b64"])))
    forward = case.get("forward")
    if forward:
        inner = MIMEText(forward["text"], "plain", "utf-8")
        inner["From"] = forward["from"]
        inner["Subject"] = Header(forward["subject"], "utf-8")
        part = MIMEMessage(inner)
        part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", forward["name"]))
        msg.attach(part)
    msg["From"] = formataddr((str(Header(case["from"]["name"], charset)), case["from"]["addr"]))
    msg["To"] = "support@example.com"
    msg["Subject"] = Header(case["subject"], charset)
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain="example.com")
    return msg.as_bytes()


def main() -> None:
    cases = json.loads(Path(sys.argv[1]).read_text())["cases"]
    out = Path(sys.argv[2])
    for case in cases:
        (out / f"{case['id']}.eml").write_bytes(compose(case))


if __name__ == "__main__":
    main()
