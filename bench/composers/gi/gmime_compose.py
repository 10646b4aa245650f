"""GMime 3 (Debian gir1.2-gmime-3.0), the MIME library Balsa composes with, through GObject
introspection: GMime.Message, TextPart.set_text, Part.set_filename, MessagePart, write_to_stream."""

import base64
import json
import sys
from pathlib import Path

import gi

gi.require_version("GMime", "3.0")
from gi.repository import GMime  # noqa: E402


def _stream_bytes(obj) -> bytes:
    stream = GMime.StreamMem.new()
    obj.write_to_stream(None, stream)
    return bytes(stream.get_byte_array())


def _text(subtype: str, text: str) -> GMime.TextPart:
    part = GMime.TextPart.new_with_subtype(subtype)
    part.set_text(text)  # GMime picks the charset (utf-8 for Cyrillic) and the transfer encoding
    return part


def _file(item: dict, disposition: str = "attachment") -> GMime.Part:
    maintype, subtype = item["type"].split("/")
    part = GMime.Part.new_with_type(maintype, subtype)
    stream = GMime.StreamMem.new_with_buffer(base64.b64decode(item["content_b64"]))
    part.set_content(GMime.DataWrapper.new_with_stream(stream, GMime.ContentEncoding.DEFAULT))
    part.set_content_encoding(GMime.ContentEncoding.BASE64)
    part.set_disposition(disposition)
    part.set_filename(item["name"])
    return part


def compose(case: dict) -> bytes:
    msg = GMime.Message.new(True)
    msg.add_mailbox(GMime.AddressType.FROM, case["from"]["name"], case["from"]["addr"])
    msg.add_mailbox(GMime.AddressType.TO, "", "support@example.com")
    msg.set_subject(case["subject"], "utf-8")
    body: GMime.Object = _text("plain", case.get("text") or "")
    if case.get("html"):
        alternative = GMime.Multipart.new_with_subtype("alternative")
        if case.get("text"):
            alternative.add(body)
        html: GMime.Object = _text("html", case["html"])
        if case.get("inline"):
            related = GMime.Multipart.new_with_subtype("related")
            related.add(html)
            for item in case["inline"]:
                image = _file(item, "inline")
                image.set_content_id(item["cid"])
                related.add(image)
            html = related
        alternative.add(html)
        body = alternative
    files = [_file(item) for item in case.get("attachments") or []]
    forward = case.get("forward")
    if forward:
        inner = GMime.Message.new(True)
        name, _, addr = forward["from"].rpartition("<")
        inner.add_mailbox(GMime.AddressType.FROM, name.strip(), addr.rstrip(">"))
        inner.set_subject(forward["subject"], "utf-8")
        inner.set_mime_part(_text("plain", forward["text"]))
        attached = GMime.MessagePart.new_with_message("rfc822", inner)
        attached.set_disposition("attachment")
        attached.set_content_disposition_parameter("filename", forward["name"])
        files.append(attached)
    if files:
        mixed = GMime.Multipart.new_with_subtype("mixed")
        if case.get("text") or case.get("html"):
            mixed.add(body)
        for part in files:
            mixed.add(part)
        body = mixed
    msg.set_mime_part(body)
    return _stream_bytes(msg)


def main() -> None:
    GMime.init()
    cases = json.loads(Path(sys.argv[1]).read_text())["cases"]
    out = Path(sys.argv[2])
    for case in cases:
        (out / f"{case['id']}.eml").write_bytes(compose(case))


if __name__ == "__main__":
    main()
