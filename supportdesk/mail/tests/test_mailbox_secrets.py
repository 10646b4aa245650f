"""A mailbox's password variable is a SUPPORTDESK_IMAP_* name: no other secret can be sent as an IMAP password."""

from __future__ import annotations

import os
from unittest import mock

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from supportdesk.mail.backends.imap import ImapConfigError, mailbox_password
from supportdesk.mail.models import Mailbox
from supportdesk.test import PASSWORD, BaseTestCase

FORBIDDEN = ["SUPPORTDESK_SECRET_KEY", "SUPPORTDESK_SMTP_PASSWORD", "DATABASE_URL", "supportdesk_imap_x",
             "SUPPORTDESK_IMAP_", "SUPPORTDESK_IMAP_A-B", "PATH"]


class PasswordVariableTests(BaseTestCase):
    def mailbox(self, password_env: str) -> Mailbox:
        return Mailbox(name="support", kind=Mailbox.Kind.IMAP, host="imap.example.test", username="support",
                       password_env=password_env)

    def test_the_model_refuses_any_other_variable(self) -> None:
        for name in FORBIDDEN:
            with self.subTest(name=name), self.assertRaises(ValidationError) as caught:
                self.mailbox(name).full_clean()
            assert "password_env" in caught.exception.message_dict
        self.mailbox("SUPPORTDESK_IMAP_SUPPORT_PASSWORD").full_clean()

    def test_the_admin_form_refuses_the_secret_key(self) -> None:
        admin = get_user_model().objects.create_superuser("root", "root@softlab.tv", PASSWORD)
        self.client.force_login(admin)
        form = {"name": "support", "kind": "imap", "host": "evil.example.test", "port": "993", "use_ssl": "on",
                "username": "x", "password_env": "SUPPORTDESK_SECRET_KEY", "folder": "INBOX", "enabled": "on",
                "last_uid": "0"}
        response = self.client.post("/admin/mail/mailbox/add/", form)
        assert response.status_code == 200
        assert "SUPPORTDESK_IMAP_" in response.content.decode()
        assert not Mailbox.objects.exists()
        response = self.client.post("/admin/mail/mailbox/add/", {**form, "password_env": "SUPPORTDESK_IMAP_SUPPORT"})
        assert response.status_code == 302 and Mailbox.objects.get().password_env == "SUPPORTDESK_IMAP_SUPPORT"

    def test_use_refuses_a_row_written_around_the_validation(self) -> None:
        mailbox = Mailbox.objects.create(name="old", kind=Mailbox.Kind.IMAP, host="h", username="u",
                                         password_env="SUPPORTDESK_SECRET_KEY")
        with mock.patch.dict(os.environ, {"SUPPORTDESK_SECRET_KEY": "the-django-key"}):
            with pytest.raises(ImapConfigError, match="must be named SUPPORTDESK_IMAP_") as caught:
                mailbox_password(mailbox)
        assert "the-django-key" not in str(caught.value)
        mailbox.password_env = "SUPPORTDESK_IMAP_OLD"
        with mock.patch.dict(os.environ, {"SUPPORTDESK_IMAP_OLD": "imap-pw"}):
            assert mailbox_password(mailbox) == "imap-pw"


# Keys we sign with, not tokens anyone presents to us: an HMAC needs the key itself at every
# delivery, so a hash of it would be useless (the webhook receivers hold the same key).
SIGNING_KEYS = {("WebhookSubscription", "secret")}


def test_every_stored_token_is_a_hash() -> None:
    """Bearer tokens we issue (CTI integrations, portal links, API tokens) are kept as SHA-256 only."""
    token_fields = [(model.__name__, field.name) for model in apps.get_models()
                    if model.__module__.startswith("supportdesk.") for field in model._meta.get_fields()
                    if "token" in field.name or "secret" in field.name]
    assert token_fields, "no token fields found: the check would pass vacuously"
    bearer = [(model, name) for model, name in token_fields if (model, name) not in SIGNING_KEYS]
    assert ("ApiToken", "secret_sha256") in bearer
    assert all(name.endswith("_sha256") for _model, name in bearer), bearer
