from __future__ import annotations

import pytest

from supportdesk.checklist.model import AttachmentInfo
from supportdesk.checklist.settings import settings_evidence
from supportdesk.checklist.text import normalise


def _att(name: str, ctype: str = "application/octet-stream", text: str | None = None) -> AttachmentInfo:
    return AttachmentInfo(filename=name, content_type=ctype, size=1000, text=text)


@pytest.mark.parametrize(
    ("text", "attachments"),
    [
        ("", [_att("settings_export.xml", "application/xml")]),
        ("", [_att("FDOnAir.ini", "text/plain", "[Output]\nFormat=PAL\n")]),
        ("", [_att("forward.reg")]),
        ("", [_att("news.ftt")]),
        ("Как просили", [_att("report.txt", "text/plain", "SLBoardInfo\nBoard: FD422\n")]),
        ("", [_att("logo_settings.png", "image/png")]),
        ("", [_att("настройки_выход.jpg", "image/jpeg")]),
        ("Добрый день, скрин настроек во вложении.", [_att("Снимок.PNG", "image/png")]),
        ("Вот скрин, как у нас настроен звук.", [_att("image001.png", "image/png")]),
        ("Выслал вам архив с настройками.", [_att("nastroyki.rar")]),
        ("Конфиг во вложении.", [_att("fts.zip", "application/zip")]),
        ("Скрин FDConfig2 прилагаю.", [_att("image001.png", "image/png")]),
        ("", [_att("FDConfig2.png", "image/png")]),
        # Settings written as "key: value" lines that name settings.
        ("Формат: 1080i50\nGenlock: внешний\nБуфер: 10 кадров", []),
        ("Output: SDI 1\nFrame rate: 50i", []),
        ("Скрин свойств канала прилагаю.", [_att("1.png", "image/png")]),
        ("", [_att("channel_preset.txt", "text/plain", "Buffer=10")]),
        ("В FDConfig2 выставлено: буфер 10 кадров.", []),
        # An HTML table of settings as the parser renders it.
        ("Формат 1080i50\nВыход SDI 1", []),
        # A configured value told in passing.
        ("We use a 1080i50 project, the crawl speed is set to 3.", []),
        ("Проект 1080i50, титры через GPU.", []),
        # A zip the text says holds the settings folder.
        ("Папку с настройками заархивировал, архив во вложении.", [_att("ForwardTS.zip")]),
        ("The settings folder is zipped and attached.", [_att("backup.zip")]),
        ("Настройки: формат 1080i50, выход SDI, логотип PNG 32 бит.", []),
        ("В настройках выставлено: NDI выход включен, аудио 8 каналов.", []),
        ("Настройки:\nПлата = FD422\nФормат = 1080i50\nGenlock = Внешний", []),
        ("Config:\nAudioDelay = 0\nVideoFormat = 1080i50", []),
        ("Путь в настройках поменяли на D:\\Media.", []),
        ("Пишем в MXF XDCAM HD 50.", []),
    ],
)
def test_settings_present(text: str, attachments: list[AttachmentInfo]) -> None:
    assert settings_evidence(normalise(text), attachments) is not None


@pytest.mark.parametrize(
    ("text", "attachments"),
    [
        ("Не работает. Скрин прилагаю.", [_att("screenshot.png", "image/png")]),
        ("Выскакивает ошибка, скрин в приложении", [_att("ошибка.jpg", "image/jpeg")]),
        ("Логи прилагаю", [_att("player_2026-05-11.log", "text/plain", "03:00:02 ERROR device timeout")]),
        ("Присылаю логи", [_att("logs.zip", "application/zip")]),
        ("", [_att("schedule_sample.xml", "application/xml", '<schedule><item clip="a.mxf"/></schedule>')]),
        ("", [_att("playlist_600.txt", "text/plain", "00:00:00:00 news.mxf")]),
        ("", [_att("config.zip", "application/zip")]),
        ("Не сохраняются настройки выхода.", []),
        ("Прошу помочь с настройкой.", []),
        ("При попытке открыть окно настроек Forward TS выдает ошибку.", []),
        ("В FDConfig2 меняю формат выхода с 1080i50 на 720p50 — не сохраняется.", []),
        ("Звук то громче, то тише. В настройках ничего не меняли.", []),
        ("Настройки FDConfig2 во вложении.", []),  # promised, but nothing attached
        ("Версия: 6.2.1\nТел.: +7 383 000-00-00", []),  # "key: value" lines that are no settings
        ("Канал: Первый региональный\nАдрес: Новосибирск", []),
        ("Лицензия на второй канал стоит 5000 рублей?", []),
        ("Канал 2 пропадает\nВыход 1 мигает", []),
    ],
)
def test_settings_absent(text: str, attachments: list[AttachmentInfo]) -> None:
    assert settings_evidence(normalise(text), attachments) is None
