"""Attachments in an S3-compatible bucket (moto's server as a real process): the blob store's
functions, an agent downloading an attachment, and a backup and restore through the bucket."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from django.urls import reverse

from supportdesk.lib import blobstore
from supportdesk.testing.s3 import ACCESS_KEY, REGION, SECRET_KEY, S3Server


@pytest.fixture(scope="module")
def s3_server() -> Iterator[S3Server]:
    with S3Server() as server:
        yield server


@pytest.fixture
def s3(s3_server: S3Server, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[tuple[S3Server, str]]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    bucket = s3_server.bucket(f"sd-{secrets.token_hex(4)}")
    with override_settings(S3_BUCKET=bucket, S3_ENDPOINT_URL=s3_server.url, S3_REGION=REGION,
                           S3_PREFIX="attachments", ATTACHMENT_ROOT=tmp_path / "local"):
        yield s3_server, bucket


def _keys(server: S3Server, bucket: str) -> list[str]:
    listing: dict[str, Any] = server.client().list_objects_v2(Bucket=bucket)
    return sorted(item["Key"] for item in listing.get("Contents", []))


def test_blobs_go_to_the_bucket_once_by_content(s3: tuple[S3Server, str], tmp_path: Path) -> None:
    server, bucket = s3
    content = os.urandom(300_000)
    digest = blobstore.blob_put(content)
    assert blobstore.blob_put(content) == digest
    other = blobstore.blob_put(b"second file")
    assert _keys(server, bucket) == sorted(f"attachments/{blobstore.blob_name(d)}" for d in (digest, other))
    assert blobstore.blob_get(digest) == content
    assert blobstore.blob_exists(digest)
    assert list(blobstore.blob_list()) == sorted([digest, other])
    assert not (tmp_path / "local").exists()  # nothing on local disk
    blobstore.blob_delete(other)
    assert not blobstore.blob_exists(other)
    with pytest.raises(FileNotFoundError):
        blobstore.blob_open(other)
    assert blobstore.blob_store_label() == f"S3 bucket {bucket} at {server.url}"


@pytest.mark.django_db
def test_agent_downloads_an_attachment_kept_in_the_bucket(s3: tuple[S3Server, str], client: Any) -> None:
    from supportdesk.test import PASSWORD, Personas
    from supportdesk.tickets import services
    from supportdesk.tickets.models import Attachment, Message

    people = Personas()
    people.make_personas()
    ticket = people.make_ticket()
    log = os.urandom(70_000)
    services.ticket_add_message(ticket=ticket, kind=Message.Kind.INCOMING, body_text="лог",
                                author_customer=people.customer,
                                attachments=[services.AttachmentData("forward.log", "text/plain", log)])
    attachment = Attachment.objects.get(filename="forward.log")
    assert blobstore.blob_exists(attachment.sha256)
    client.login(username="alice", password=PASSWORD)
    response = client.get(reverse("tickets:attachment", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == log
    blobstore.blob_delete(attachment.sha256)
    assert client.get(reverse("tickets:attachment", args=[attachment.pk])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_through_the_bucket(s3: tuple[S3Server, str], tmp_path: Path) -> None:
    from supportdesk.backups import backup_create, backup_restore

    server, bucket = s3
    blobs = {blobstore.blob_put(os.urandom(10_000 + n)): n for n in range(3)}
    backup_create(tmp_path / "backup")
    for sha in blobs:
        blobstore.blob_delete(sha)
    assert _keys(server, bucket) == []
    backup_restore(tmp_path / "backup", force=True)
    assert sorted(blobstore.blob_list()) == sorted(blobs)
    assert all(len(blobstore.blob_get(sha)) == 10_000 + n for sha, n in blobs.items())


def test_doctor_checks_the_bucket(s3: tuple[S3Server, str]) -> None:
    from supportdesk import doctor

    assert doctor.check_attachment_store().status == doctor.OK
    with override_settings(S3_BUCKET="no-such-bucket"):
        finding = doctor.check_attachment_store()
    assert finding.status == doctor.FAIL and "no-such-bucket" in finding.message
