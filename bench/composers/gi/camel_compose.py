"""Camel (Debian gir1.2-camel-1.2), the MIME library of Evolution's composer, through GObject
introspection: MimeMessage, InternetAddress, MimePart.set_content/set_filename, Multipart,
set_best_encoding as Evolution calls it before sending, write_to_output_stream_sync."""

import base64
import json
import sys
from pathlib import Path

import gi

gi.require_version("Camel", "1.2")
from gi.repository import Camel, Gio  # noqa: E402


def _address(name: str, addr: str) -> Camel.InternetAddress:
    address = Camel.InternetAddress.new()
    address.add(name, addr)
    return address


def _part(data: bytes, content_type: str, *, name: str = "", disposition: str = "") -> Camel.MimePart:
    part = Camel.MimePart.new()
    part.set_content(data, content_type)
    if disposition:
        part.set_disposition(disposition)
    if name:
        part.set_filename(name)
    return part


def _text(subtype: str, text: str, charset: str) -> Camel.MimePart:
    data = text.encode(charset, "replace")
    part = _part(data, f"text/{subtype}; charset={charset}")
    part.set_encoding(Camel.TransferEncoding.ENCODING_QUOTEDPRINTABLE)
    return part


def _multipart(subtype: str, parts: list) -> Camel.Multipart:
    multipart = Camel.Multipart.new()
    multipart.set_mime_type(f"multipart/{subtype}")
    multipart.set_boundary(None)
    for part in parts:
        multipart.add_part(part)
    return multipart


def _wrap(content: Camel.DataWrapper) -> Camel.MimePart:
    part = Camel.MimePart.new()
    Camel.Medium.set_content(part, content)
    return part


def _message(case_from: tuple[str, str], subject: str) -> Camel.MimeMessage:
    msg = Camel.MimeMessage.new()
    msg.set_from(_address(*case_from))
    msg.set_recipients("To", _address("", "support@example.com"))
    msg.set_subject(subject)
    return msg


def compose(case: dict) -> bytes:
    charset = case.get("charset") or "utf-8"
    charset = "utf-8" if charset == "us-ascii" else charset
    msg = _message((case["from"]["name"], case["from"]["addr"]), case["subject"])
    body = _text("plain", case.get("text") or "", charset)
    if case.get("html"):
        html = _text("html", case["html"], charset)
        if case.get("inline"):
            images = []
            for item in case["inline"]:
                image = _part(base64.b64decode(item["content_b64"]), item["type"], name=item["name"],
                              disposition="inline")
                image.set_content_id(item["cid"])
                images.append(image)
            html = _wrap(_multipart("related", [html, *images]))
        body = _wrap(_multipart("alternative", [body, html])) if case.get("text") else html
    files = [_part(base64.b64decode(item["content_b64"]), item["type"], name=item["name"], disposition="attachment")
             for item in case.get("attachments") or []]
    forward = case.get("forward")
    if forward:
        name, _, addr = forward["from"].rpartition("<")
        inner = _message((name.strip(), addr.rstrip(">")), forward["subject"])
        inner.set_content(forward["text"].encode(), "text/plain; charset=utf-8")
        inner.set_encoding(Camel.TransferEncoding.ENCODING_QUOTEDPRINTABLE)
        attached = _wrap(inner)
        attached.set_disposition("attachment")
        attached.set_filename(forward["name"])
        files.append(attached)
    if files:
        Camel.Medium.set_content(msg, _multipart("mixed", ([body] if case.get("text") or case.get("html") else [])
                                                 + files))
    else:  # one part: the message is that part (its content, type and encoding)
        Camel.Medium.set_content(msg, Camel.Medium.get_content(body))
        msg.set_mime_type_field(body.get_content_type())
        msg.set_encoding(body.get_encoding())
    # As Evolution's composer does before sending: a transfer encoding for every part that fits
    # a 7-bit transport (base64 for the files, quoted-printable for text).
    msg.set_best_encoding(Camel.BestencRequired.GET_ENCODING, getattr(Camel.BestencEncoding, "7BIT"))
    out = Gio.MemoryOutputStream.new_resizable()
    msg.write_to_output_stream_sync(out, None)
    out.close(None)
    return bytes(out.steal_as_bytes().get_data())


def main() -> None:
    cases = json.loads(Path(sys.argv[1]).read_text())["cases"]
    out = Path(sys.argv[2])
    for case in cases:
        (out / f"{case['id']}.eml").write_bytes(compose(case))


if __name__ == "__main__":
    main()
