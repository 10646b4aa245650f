"""S/MIME "opaque" signing (RFC 8551 §3.5.2): the whole signed MIME entity travels inside an
``application/pkcs7-mime; smime-type=signed-data`` part (``smime.p7m``), as Outlook sends it
when "clear text signed" is off. Mail clients show the entity inside; so must the agent's page,
or the customer's text is lost in a blob. Encrypted (``enveloped-data``) and compressed parts
cannot be read without a key and stay attachments.

The signature is not verified here: the sender's proof is the receiving MTA's
Authentication-Results (``authresults``), as for any other mail."""

from __future__ import annotations

from asn1crypto import cms

PKCS7_MIME = frozenset({"application/pkcs7-mime", "application/x-pkcs7-mime"})
# The smime-type of a part that may hold a signed entity: signed data, or none said (older
# clients): its content decides (``signed_content``).
SIGNED_TYPES = frozenset({None, "signed-data"})
# What an entity inside may hold at most: a signed mail is the mail; more is not ours to unpack.
MAX_INNER = 50 * 1024 * 1024


def signed_content(der: bytes) -> bytes | None:
    """The MIME entity inside a CMS SignedData with its content embedded; None for anything
    else (enveloped or compressed data, a detached signature, bytes that are no CMS)."""
    try:
        info = cms.ContentInfo.load(der)
        if info["content_type"].native != "signed_data":
            return None
        encap = info["content"]["encap_content_info"]
        if encap["content_type"].native != "data":
            return None
        content = encap["content"].native
    except Exception:  # noqa: BLE001 - asn1crypto parses lazily and raises many kinds on bad input
        return None
    if not isinstance(content, bytes) or not content.strip() or len(content) > MAX_INNER:
        return None
    return content
