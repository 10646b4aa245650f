"""Django's mail module (django.core.mail, from the project's .venv): EmailMultiAlternatives with
attach_alternative and attach, message().as_bytes(); inline images by the usual recipe (a
MIMEImage with Content-ID attached, mixed_subtype "related"), since Django has no inline API."""

import base64
import json
import sys
from email.mime.image import MIMEImage
from pathlib import Path

try:
    import django
    from django.conf import settings
except ImportError:
    sys.stderr.write("django not installed (run with the project's .venv python)\n")
    sys.exit(3)

settings.configure(DEFAULT_CHARSET="utf-8", EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
django.setup()

from django.core.mail import EmailMessage, EmailMultiAlternatives  # noqa: E402


def compose(case: dict) -> bytes:
    sender = f'"{case["from"]["name"]}" <{case["from"]["addr"]}>'
    msg = EmailMultiAlternatives(case["subject"], case.get("text") or "", sender, ["support@example.com"])
    msg.encoding = case.get("charset") or "utf-8"
    if case.get("html"):
        msg.attach_alternative(case["html"], "text/html")
        for inline in case.get("inline") or []:
            image = MIMEImage(base64.b64decode(inline["content_b64"]), inline["type"].split("/")[1])
            image.add_header("Content-ID", f"<{inline['cid']}>")
            image.add_header("Content-Disposition", "inline", filename=inline["name"])
            msg.attach(image)
        if case.get("inline"):
            msg.mixed_subtype = "related"
    for item in case.get("attachments") or []:
        msg.attach(item["name"], base64.b64decode(item["content_b64"]), item["type"])
    forward = case.get("forward")
    if forward:
        inner = EmailMessage(forward["subject"], forward["text"], forward["from"], ["support@example.com"])
        msg.attach(forward["name"], inner, "message/rfc822")
    return msg.message().as_bytes()


def main() -> None:
    cases = json.loads(Path(sys.argv[1]).read_text())["cases"]
    out = Path(sys.argv[2])
    for case in cases:
        (out / f"{case['id']}.eml").write_bytes(compose(case))


if __name__ == "__main__":
    main()
