"""``supportdesk demo``: brands, products, releases, articles, tickets and two accounts."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from supportdesk.accounts.roles import ensure_groups
from supportdesk.catalog.models import Release
from supportdesk.catalog.services import catalog_sync_from_policy
from supportdesk.customers.services import customer_add_phone
from supportdesk.kb.models import Article
from supportdesk.mail.ingest import ingest_raw
from supportdesk.policy import get_policy
from supportdesk.tickets import services
from supportdesk.tickets.models import Message, Status, Ticket

RELEASES = [
    ("forward-ts", "6.1.4", "published", 200, "Исправлен вывод титров на второй выход SDI."),
    ("forward-ts", "6.2.1", "published", 40, "Поддержка NDI 6, ускорен запуск плейлиста."),
    ("forward-ts", "6.3.0", "planned", -30, "Исправление пропуска кадров при смене плейлиста."),
    ("forward-t", "5.4.2", "published", 90, "Исправлена запись в формате MXF."),
    ("forward-tt", "3.2.0", "published", 60, "Новые шаблоны бегущей строки."),
    ("fdonair", "2.8.5", "published", 120, "Совместимость с Windows 11 24H2."),
    ("slvideo", "4.1.0", "published", 150, "Пакет драйверов для плат FD422."),
]

ARTICLES = [
    ("ts-titles-second-output", "Титры не выводятся на второй выход SDI", "faq", "forward-ts",
     "Если титры не выводятся на второй выход SDI, проверьте в FDConfig2 назначение выходов..."),
    ("ts-export-settings", "Как экспортировать настройки Forward TS", "quick_guide", "forward-ts",
     "Откройте FDConfig2, выберите «Файл → Экспорт настроек» и сохраните .xml-файл."),
    ("fdonair-version", "Где посмотреть версию FDOnAir", "faq", "fdonair",
     "Версия указана в окне «О программе» (значок «i» на панели инструментов)."),
    ("ts-manual", "Руководство пользователя Forward TS", "manual", "forward-ts", ""),
    ("forum-ndi", "Форум: настройка вывода NDI", "forum", "forward-ts", ""),
]

# (address, name, phone, Date-header UTC offset in minutes, subject, body, hours ago): product and
# version are found by the intake's own check, as for any mail.
TICKETS = [
    ("ivanov@tv-sibir.ru", "Иван Иванов", "+7 913 123-45-67", 180,
     "Не выводятся титры на второй выход", "Здравствуйте! После обновления Forward TS до 6.2.1 титры не выводятся "
     "на второй выход SDI.\n1. Запускаю плейлист\n2. Включаю титровальный слой\n3. На втором выходе титров нет.\n"
     "Настройки во вложении.", 3),
    ("petrova@kanal12.ru", "Мария Петрова", "", 420,
     "FDOnAir зависает при смене плейлиста", "Добрый день. FDOnAir зависает, когда оператор меняет плейлист "
     "во время эфира. Что делать?", 26),
    ("engineer@vladtv.ru", "Сергей Ким", "+7 423 222-33-44", 600,
     "Запись в MXF", "Forward T 5.4.2: при записи в MXF файл получается пустым. Шаги: открываю модуль записи, "
     "выбираю MXF, жму запись, останавливаю через минуту — файл 0 байт.", 50),
    ("john@broadcast.example", "John Smith", "", 60,
     "Crawl text is jerky", "Hello, the crawl line in Forward TT moves jerkily on the SDI output.", 2),
]


class Command(BaseCommand):
    help = "Load demo data: brands, products, releases, KB articles, tickets, an admin and an agent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="do nothing if tickets exist")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["if_empty"] and Ticket.objects.exists():
            self.stdout.write("Demo data already loaded.")
            return
        with transaction.atomic():
            accounts = self._accounts()
            self._catalog_and_articles()
            self._tickets()
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        for username, password, role in accounts:
            self.stdout.write(f"  {role}: user {username!r}, password {password!r}")

    def _accounts(self) -> list[tuple[str, str, str]]:
        agents, supervisors = ensure_groups()
        user_model = get_user_model()
        made = []
        for username, role, superuser in (("admin", "administrator", True), ("agent", "agent", False)):
            password = secrets.token_urlsafe(9)
            user = user_model.objects.filter(username=username).first() or user_model(username=username)
            user.is_staff = superuser
            user.is_superuser = superuser
            user.first_name = "Администратор" if superuser else "Анна"
            user.last_name = "" if superuser else "Смирнова"
            user.email = f"{username}@softlab.tv"
            user.set_password(password)
            user.save()
            user.groups.add(supervisors if superuser else agents)
            made.append((username, password, role))
        return made

    def _catalog_and_articles(self) -> None:
        products = catalog_sync_from_policy(get_policy())
        now = timezone.now()
        for key, version, status, days_ago, notes in RELEASES:
            Release.objects.update_or_create(product=products[key], version=version, defaults={
                "status": status, "notes": notes,
                "published_at": now - timedelta(days=days_ago) if status == "published" else None,
                "planned_for": (now - timedelta(days=days_ago)).date() if status == "planned" else None,
                "download_url": f"https://www.softlab.tv/download/{key}/{version}/",
            })
        for slug, title, kind, product, body in ARTICLES:
            Article.objects.update_or_create(slug=slug, defaults={
                "title": title, "kind": kind, "product": products[product], "body": body,
                "url": "" if body else f"https://www.softlab.tv/support/{slug}/", "state": "published"})

    def _tickets(self) -> None:
        """Demo requests arrive through the real e-mail intake: checklist, acknowledgment, threading."""
        now = timezone.now()
        for index, (address, name, phone, offset, subject, body, hours_ago) in enumerate(TICKETS):
            sent = (now - timedelta(hours=hours_ago)).astimezone(dt_timezone(timedelta(minutes=offset)))
            raw = _demo_mail(sender=address, name=name, subject=subject, body=body, sent=sent,
                             message_id=f"demo-{index}@{address.split('@')[1]}")
            result = ingest_raw(raw, source="import", source_uid=f"demo-{index}", received_at=sent)
            if phone and result.ticket_id:
                customer_add_phone(customer=Ticket.objects.get(pk=result.ticket_id).customer, number=phone)
        waiting = Ticket.objects.get(subject="FDOnAir зависает при смене плейлиста")
        services.ticket_add_message(ticket=waiting, kind=Message.Kind.OUTGOING, author_user=None,
                                    body_text="Здравствуйте! Уточните, пожалуйста, версию FDOnAir и приложите "
                                              "файл FDOnAir.ini.", created_at=now - timedelta(hours=20))
        services.ticket_set_status(ticket=waiting, status=Status.WAITING_CUSTOMER, reason="asked for version",
                                   at=now - timedelta(hours=20))


def _demo_mail(*, sender: str, name: str, subject: str, body: str, sent: datetime, message_id: str) -> bytes:
    message = EmailMessage()
    message["From"] = formataddr((name, sender))
    message["To"] = get_policy().support_email
    message["Subject"] = subject
    message["Date"] = format_datetime(sent)
    message["Message-ID"] = f"<{message_id}>"
    message.set_content(body)
    return message.as_bytes()
