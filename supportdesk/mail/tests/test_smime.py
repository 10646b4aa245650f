"""S/MIME opaque signing: the customer's mail inside ``smime.p7m`` is what the agent reads, its
files are the mail's files; what cannot be opened without a key stays an attachment. Each mail
is signed here, for the test, with a throw-away key."""

from __future__ import annotations

import base64
import datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import NameOID

from supportdesk.mail.parsing import parse_mail

TEXT = "Добрый день! После обновления до 6.2 пропал звук на втором выходе SDI."
NAME = "Отчёт о сбое.pdf"


def _cert(key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.EMAIL_ADDRESS, "ivan@example.ru")])
    now = datetime.datetime.now(datetime.UTC)
    return (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now)
            .not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256()))


def _signed(entity: bytes) -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    return (pkcs7.PKCS7SignatureBuilder().set_data(entity).add_signer(_cert(key), key, hashes.SHA256())
            .sign(serialization.Encoding.DER, []))


def _mail(der: bytes, ctype: bytes = b'application/pkcs7-mime; smime-type=signed-data; name="smime.p7m"') -> bytes:
    return (b"From: Ivan <ivan@example.ru>\r\nTo: support@example.com\r\nSubject: SDI\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: " + ctype + b'\r\nContent-Disposition: attachment; filename="smime.p7m"\r\n'
            b"Content-Transfer-Encoding: base64\r\n\r\n" + base64.encodebytes(der))


_PLAIN = ("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + TEXT + "\r\n").encode()


@pytest.mark.parametrize("ctype", [
    b'application/pkcs7-mime; smime-type=signed-data; name="smime.p7m"',
    b'application/x-pkcs7-mime; name="smime.p7m"',  # older clients: no smime-type, the content decides
    b"application/pkcs7-mime; smime-type*=us-ascii''signed-data; name=smime.p7m",  # RFC 2231 form
])
def test_an_opaque_signed_mail_is_read_as_the_mail_inside(ctype: bytes) -> None:
    parsed = parse_mail(_mail(_signed(_PLAIN), ctype))
    assert parsed.text.strip() == TEXT
    assert parsed.attachments == ()  # the envelope is no file of the customer's
    assert any("S/MIME" in d for d in parsed.defects)


def test_the_files_inside_an_opaque_signature_are_the_mails_files() -> None:
    encoded_name = "=?utf-8?B?" + base64.b64encode(NAME.encode()).decode() + "?="
    entity = ("Content-Type: multipart/mixed; boundary=IN\r\n\r\n--IN\r\n" + _PLAIN.decode()
              + "--IN\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
              f'Content-Disposition: attachment; filename="{encoded_name}"\r\n\r\nJVBERi0xLjQK\r\n--IN--\r\n').encode()
    parsed = parse_mail(_mail(_signed(entity)))
    assert parsed.text.strip() == TEXT
    assert [(a.filename, a.content) for a in parsed.attachments] == [(NAME, b"%PDF-1.4\n")]


def test_an_encrypted_mail_stays_an_attachment() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    der = (pkcs7.PKCS7EnvelopeBuilder().set_data(_PLAIN).add_recipient(_cert(key))
           .encrypt(serialization.Encoding.DER, []))
    parsed = parse_mail(_mail(der, b'application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"'))
    assert [a.filename for a in parsed.attachments] == ["smime.p7m"] and TEXT not in parsed.text


@pytest.mark.parametrize("der", [b"not a CMS structure at all", b"\x30\x80\x06\x09"])
def test_bytes_that_only_say_they_are_signed_stay_an_attachment(der: bytes) -> None:
    parsed = parse_mail(_mail(der))
    assert [(a.filename, a.content) for a in parsed.attachments] == [("smime.p7m", der)]
