from __future__ import annotations

import pytest

from supportdesk.checklist.model import ProductSpec, product_specs_from_policy
from supportdesk.checklist.text import normalise
from supportdesk.checklist.versions import find_mentions, find_version


@pytest.mark.parametrize(
    ("text", "version", "product"),
    [
        ("Forward TS версия 6.2.1, плата FD422.", "6.2.1", "Forward TS"),
        ("Forward TS (v.6.2) — NDI не видно", "6.2", "Forward TS"),
        ("В заголовке написано Forward TS Player v6.2.1.1840.", "6.2.1.1840", "Forward TS"),
        ("FDOnAir, сборка 2.9.1.455.", "2.9.1.455", "FDOnAir"),
        ("FTS 6.2 не видит плату", "6.2", "Forward TS"),
        ("Форвард ТС 6.2", "6.2", "Forward TS"),
        ("Версия ФорвардТС 6.2.1", "6.2.1", "Forward TS"),
        ("Forward TS build 6.1.5.1203.", "6.1.5.1203", "Forward TS"),
        ("Версия: 3.4.2 от 01.04.2026", "3.4.2", None),
        ("Версия программы — 6.2.1, сборка 1840.", "6.2.1", None),
        ("После перехода с 5.9 на 6.2.1 перестал работать GPI", "6.2.1", None),
        ("After updating from 5.9 to 6.2.1 the GPI stopped", "6.2.1", None),
        ("мы обновились до 6.3.0 и теперь", "6.3.0", None),
        ("Пакет ПО для плат 4.8.3.", "4.8.3", None),
        ("Форвард 6.2 перестал показывать логотип", "6.2", None),
        # Products and aliases of the whole catalogue, not only the Forward family.
        ("ФТС 6.3.0.12 закрывается по ночам", "6.3.0.12", "Forward TS"),
        ("SLS 3.0.2. Табло не обновляется", "3.0.2", "SLS"),
        ("SL NEWS 4.0.3: экспорт в суфлёр", "4.0.3", "SL NEWS"),
        ("Forward Titling 2.1 не видит шрифты", "2.1", "Forward Titling"),
        # The version an upgrade of the named product ends at.
        ("После установки обновления Forward TS до 6.2.1 пропал звук", "6.2.1", "Forward TS"),
        ("We updated Forward TS to 6.2.1 yesterday", "6.2.1", "Forward TS"),
        ("перешли с Forward TS 5.9 на 6.2.1", "6.2.1", "Forward TS"),
        # Third-party programs' versions next to ours.
        ("У нас vMix версии 26.0 и Forward TS 6.2", "6.2", "Forward TS"),
        ("Драйвер DeckLink 12.8, версия FDOnAir 3.4", "3.4", "FDOnAir"),
    ],
)
def test_our_version_is_found(products: list[ProductSpec], text: str, version: str, product: str | None) -> None:
    hit = find_version(text, products)
    assert hit is not None
    assert hit.version == version
    assert (hit.product.name if hit.product else None) == product


@pytest.mark.parametrize(
    "text",
    [
        "С 12.05.2026 не загружается расписание в FDOnAir",  # a date
        "Дата сбоя 2026.05.12, Forward TS",  # an ISO-like date
        "Перезвоните по номеру +7 (913) 915-22-11",  # a phone number
        "Forward TS, NTP server 192.168.10.1",  # an IP address
        "Windows 10 Pro 22H2 (сборка 10.0.19045.4291)",  # the Windows build
        "Пишу с Windows 7 SP1, версия 6.1.7601.",  # the Windows version, labelled
        "Версия Windows 10.0.19045",
        "Плата FD422, драйвер 5.1.0.12.",  # a driver
        "Forward TS, драйвер платы 3.1.2, DirectX 9.0c",
        "версия драйвера 3.1.2 для Forward TS",
        "Кодеки K-Lite 17.5.0 установлены, .NET Framework 4.8",
        "FD422 s/n 0042113",  # a board model is a product, not a version
        '<?xml version="1.0"?>',
        "в 14.30 пропал звук",  # a time
        "Forward TS до 10.05 работал нормально",  # "до" a date, not an upgrade
        "vMix версии 27.0.0.49 вместо FDOnAir",
        "Обновили Windows до 22H2 и Java до 8.0.401",
        "обновили с Windows 7.1 на 10.2",
        "Для доступа TeamViewer версии 15.2",
        "Когда выйдет обновление Forward TS до 6.3?",  # asked about
    ],
)
def test_things_that_are_not_our_version(products: list[ProductSpec], text: str) -> None:
    assert find_version(text, products) is None


def test_longest_alias_wins_so_forward_t_is_not_forward_ts(products: list[ProductSpec]) -> None:
    names = [m.product.name for m in find_mentions(normalise("Forward TS, Forward T и Forward-TT"), products)]
    assert names == ["Forward TS", "Forward T", "Forward TT"]


def test_alias_is_not_matched_inside_a_word(products: list[ProductSpec]) -> None:
    assert find_mentions(normalise("look forward to FTSE news"), products) == []


def test_product_specs_from_policy_keeps_aliases() -> None:
    specs = product_specs_from_policy([{"key": "x", "name": "X Player", "aliases": ["Икс"], "brand": "b"}])
    assert specs == [ProductSpec(key="x", name="X Player", aliases=("Икс",))]
