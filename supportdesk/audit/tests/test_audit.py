"""The audit log: every event kind is recorded with who, what and when; only administrators
read it; nobody changes it (the ORM refuses, and the database's trigger refuses raw SQL)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import DatabaseError, connection, transaction
from django.test import Client

from supportdesk.audit.models import AppendOnlyError, AuditEntry
from supportdesk.audit.services import audit_record
from supportdesk.mail.models import Mailbox
from supportdesk.test import PASSWORD, BaseTestCase
from supportdesk.testing.skips import database_only
from supportdesk.tickets.services import ConfirmationRequired
from supportdesk.tickets.services_merge import ticket_merge

A = AuditEntry.Action


class AuditTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.root = User.objects.create_superuser("root", "root@softlab.tv", PASSWORD)
        self.admin_client = Client()
        self.admin_client.force_login(self.root)
        last = AuditEntry.objects.order_by("-id").first()
        self.mark = last.pk if last else 0  # the personas' own group memberships come before

    def entries(self, action: str) -> list[AuditEntry]:
        return list(AuditEntry.objects.filter(action=action, pk__gt=self.mark).order_by("id"))


class EventTests(AuditTestCase):
    def test_login_and_failed_login(self) -> None:
        client = Client(REMOTE_ADDR="203.0.113.7")
        assert client.post("/login/", {"username": "alice", "password": "wrong"}).status_code == 200
        failed = self.entries(A.LOGIN_FAILED)
        assert [(e.actor_id, e.target, e.details) for e in failed] == [
            (None, "alice", {"ip": "203.0.113.7", "username": "alice"})]
        assert "wrong" not in failed[0].details_text
        assert client.post("/login/", {"username": "alice", "password": PASSWORD}).status_code == 302
        login = self.entries(A.LOGIN)[-1]
        assert (login.actor_id, login.actor_name, login.details["ip"]) == (self.alice.pk, "alice", "203.0.113.7")

    def test_group_membership_and_flags_are_role_changes(self) -> None:
        supervisors = Group.objects.get(name="supervisors")
        self.alice.groups.add(supervisors)
        supervisors.user_set.remove(self.alice)
        self.bob.is_staff = True
        self.bob.save()
        self.bob.save(update_fields=["last_login"])  # no role field: nothing recorded
        changes = self.entries(A.ROLE_CHANGE)
        assert [e.details for e in changes] == [
            {"groups": {"added": ["supervisors"]}},
            {"groups": {"removed": ["supervisors"]}},
            {"fields": {"is_staff": [False, True]}},
        ]
        assert changes[0].target.startswith(f"auth.User #{self.alice.pk}")
        assert changes[2].target.startswith(f"auth.User #{self.bob.pk}")

    def test_role_change_in_the_administration_names_the_administrator(self) -> None:
        response = self.admin_client.post(f"/admin/auth/user/{self.bob.pk}/change/", {
            "username": "bob", "email": "bob@example.com", "is_active": "on", "is_superuser": "on",
            "date_joined_0": "2026-01-01", "date_joined_1": "10:00:00"})
        assert response.status_code == 302, response.content.decode()[:2000]
        change = self.entries(A.ROLE_CHANGE)[-1]
        assert (change.actor_name, change.details) == ("root", {"fields": {"is_superuser": [False, True]}})
        admin = self.entries(A.ADMIN_CHANGE)[-1]
        assert admin.actor_name == "root" and admin.target.startswith(f"auth.User #{self.bob.pk}")

    def test_mailbox_edits_and_deletions_in_the_administration(self) -> None:
        mailbox = Mailbox.objects.create(name="support", kind=Mailbox.Kind.IMAP, host="imap.softlab.tv")
        response = self.admin_client.post(f"/admin/mail/mailbox/{mailbox.pk}/delete/", {"post": "yes"})
        assert response.status_code == 302
        deleted = self.entries(A.ADMIN_DELETE)
        assert [(e.actor_name, e.target) for e in deleted] == [
            ("root", f"mail.Mailbox #{mailbox.pk}: {mailbox}")]

    def test_admin_add_change_and_bulk_delete(self) -> None:
        assert self.admin_client.post("/admin/auth/group/add/", {"name": "night shift"}).status_code == 302
        group = Group.objects.get(name="night shift")
        assert self.admin_client.post(f"/admin/auth/group/{group.pk}/change/",
                                      {"name": "late shift"}).status_code == 302
        assert [e.target for e in self.entries(A.ADMIN_ADD)] == [f"auth.Group #{group.pk}: night shift"]
        assert self.entries(A.ADMIN_CHANGE)[-1].details == {"change": "Changed Name."}
        other = Group.objects.create(name="weekend")
        selected = {"action": "delete_selected", "_selected_action": [group.pk, other.pk]}
        # The first post only asks for confirmation: nothing is deleted or recorded yet.
        assert self.admin_client.post("/admin/auth/group/", selected).status_code == 200
        assert self.entries(A.BULK_ACTION) == []
        assert self.admin_client.post("/admin/auth/group/", {**selected, "post": "yes"}).status_code == 302
        assert not Group.objects.filter(pk__in=[group.pk, other.pk]).exists()
        [bulk] = self.entries(A.BULK_ACTION)
        assert (bulk.actor_name, bulk.target, bulk.details["count"]) == ("root", "auth.Group", 2)
        assert sorted(bulk.details["objects"]) == sorted([f"#{group.pk}: late shift", f"#{other.pk}: weekend"])

    def test_ticket_merge(self) -> None:
        first, second = self.make_ticket(), self.make_ticket(subject="Титры снова")
        ticket_merge(source=second, target=first, by_user=self.alice, confirmed=True)
        [merge] = self.entries(A.TICKET_MERGE)
        assert merge.actor_name == "alice"
        assert merge.details == {"source": second.pk, "target": first.pk, "messages": 1}

    def test_refused_merge_records_nothing(self) -> None:
        ticket = self.make_ticket()
        other = self.make_ticket(subject="Титры снова")
        with pytest.raises(ConfirmationRequired):
            ticket_merge(source=other, target=ticket, by_user=self.alice, confirmed=False)
        assert self.entries(A.TICKET_MERGE) == []


class AppendOnlyTests(AuditTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.entry = audit_record(actor=self.root, action=A.TICKET_MERGE, target="x", details={"n": 1})

    def test_the_orm_refuses_updates_and_deletes(self) -> None:
        self.entry.target = "changed"
        with pytest.raises(AppendOnlyError):
            self.entry.save()
        with pytest.raises(AppendOnlyError):
            self.entry.delete()
        with pytest.raises(AppendOnlyError):
            AuditEntry.objects.filter(pk=self.entry.pk).update(target="changed")
        with pytest.raises(AppendOnlyError):
            AuditEntry.objects.all().delete()
        with pytest.raises(AppendOnlyError):
            AuditEntry.objects.bulk_update([self.entry], ["target"])
        assert AuditEntry.objects.get(pk=self.entry.pk).target == "x"

    def test_the_database_refuses_a_raw_update(self) -> None:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditentry SET target = 'changed' WHERE id = %s", [self.entry.pk])
        assert AuditEntry.objects.get(pk=self.entry.pk).target == "x"

    def test_postgresql_refuses_a_raw_delete(self) -> None:
        if connection.vendor != "postgresql":
            pytest.skip(database_only("postgresql", "SQLite keeps DELETE for Django's flush"))
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [self.entry.pk])
        assert AuditEntry.objects.filter(pk=self.entry.pk).exists()


class ReadingTests(AuditTestCase):
    def test_administrators_read_the_log_in_russian_and_english(self) -> None:
        audit_record(actor=self.alice, action=A.TICKET_MERGE, target="Ticket #5", details={"source": 6})
        page = self.admin_client.get("/agent/audit/")
        assert page.status_code == 200
        html = page.content.decode()
        assert "Журнал аудита" in html and "Объединение обращений" in html and "Ticket #5" in html
        self.admin_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        english = self.admin_client.get("/agent/audit/?action=ticket_merge").content.decode()
        assert "Audit log" in english and "Tickets merged" in english and "Ticket #5" in english
        assert "Journal" not in english and "Журнал" not in english
        assert self.admin_client.get("/agent/audit/?action=login&p=999").status_code == 200

    def test_anyone_else_gets_404_or_the_login_page(self) -> None:
        for user in (self.alice, self.sam, self.bob):
            client = Client()
            client.force_login(user)
            assert client.get("/agent/audit/").status_code == 404, user
        staff = User.objects.create_user("staffer", "staffer@softlab.tv", PASSWORD, is_staff=True)
        client = Client()
        client.force_login(staff)
        assert client.get("/agent/audit/").status_code == 404
        assert client.get("/admin/audit/auditentry/").status_code == 403
        assert Client().get("/agent/audit/").status_code == 302
        assert self.admin_client.post("/agent/audit/").status_code == 405

    def test_the_administration_is_read_only(self) -> None:
        entry = audit_record(actor=self.root, action=A.LOGIN, target="root")
        assert self.admin_client.get("/admin/audit/auditentry/").status_code == 200
        assert self.admin_client.get(f"/admin/audit/auditentry/{entry.pk}/change/").status_code == 200
        assert self.admin_client.get("/admin/audit/auditentry/add/").status_code == 403
        assert self.admin_client.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
        self.admin_client.post(f"/admin/audit/auditentry/{entry.pk}/change/", {"target": "changed"})
        assert AuditEntry.objects.get(pk=entry.pk).target == "root"
