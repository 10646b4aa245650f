"""KB suggestions for whole requests: slang, cross-language, the product as a prior, requests no
article answers, the version article. Articles written for these tests."""

from supportdesk.kb.lexicon import load_lexicon, parse_lexicon
from supportdesk.kb.models import Article
from supportdesk.kb.ranking import text_language
from supportdesk.kb.suggest import is_version_howto, kb_suggest
from supportdesk.test import BaseTestCase


def test_lexicon_groups_expand_both_ways() -> None:
    lexicon = parse_lexicon({"synonyms": {"groups": [["звук", "audio"], ["ребут", "перезагрузка"]]}})
    assert lexicon.expand(["звук"]) == ["audio"]
    assert lexicon.expand(["audio"]) == ["звук"]
    assert lexicon.expand(["ребут"]) == ["перезагрузк"]  # stemmed like the index
    assert lexicon.expand(["звук", "audio"]) == []  # nothing the query already holds


def test_a_purchase_or_a_wish_asks_for_no_troubleshooting() -> None:
    lexicon = load_lexicon()
    assert lexicon.asks_no_troubleshooting("Пришлите, пожалуйста, счёт на оплату и коммерческое предложение.")
    assert lexicon.asks_no_troubleshooting("Could you send us a price quote for two licences?")
    assert lexicon.asks_no_troubleshooting("Планируется ли поддержка RTMP? Было бы удобно.")
    # a fault mentioned alongside is still a fault
    assert not lexicon.asks_no_troubleshooting("После оплаты продления ключ не работает, ошибка 7.")
    assert not lexicon.asks_no_troubleshooting("Не выводятся титры на второй выход.")
    assert not lexicon.asks_no_troubleshooting("После обучения операторов плей-лист останавливается на клипе.")


def test_a_wish_phrased_as_a_missing_capability_is_no_fault() -> None:
    lexicon = load_lexicon()
    assert lexicon.asks_no_troubleshooting("Плеер не поддерживает HEVC. Планируете ли добавить?")
    assert lexicon.asks_no_troubleshooting("The server does not support SRT. Could you add it?")
    assert lexicon.asks_no_troubleshooting("Будет ли поддержка SRT? Если нет — без проблем.")
    # a real fault next to the wish still gets articles
    assert not lexicon.asks_no_troubleshooting("Планируете ли поддержку SRT? И ещё: плеер зависает на HEVC.")


def test_no_request_for_help_gets_no_troubleshooting() -> None:
    lexicon = load_lexicon()
    assert lexicon.asks_no_troubleshooting("Спасибо, после замены кабеля всё заработало, заявку можно закрывать.")
    assert lexicon.asks_no_troubleshooting("Thanks, the new driver fixed it. Please close the ticket.")
    assert lexicon.asks_no_troubleshooting("Пришлите, пожалуйста, реквизиты и закрывающие документы за квартал.")
    assert lexicon.asks_no_troubleshooting("Сколько будет стоить второй канал? Нужна встреча с вашим менеджером.")
    assert lexicon.asks_no_troubleshooting("How much does the upgrade cost? We would like a quotation.")
    assert not lexicon.asks_no_troubleshooting("Спасибо за ответ, но не заработало: титры не выводятся.")
    assert not lexicon.asks_no_troubleshooting("Счёт на табло не обновляется во время матча.")
    assert not lexicon.asks_no_troubleshooting("В журнале встречается ошибка 0x80 при запуске.")
    assert lexicon.asks_no_troubleshooting("Как у вас в офисе с парковкой? Приедем на встречу в четверг.")


def test_text_language() -> None:
    assert text_language("Не выводится звук в Forward TS 6.2") == "ru"
    assert text_language("No audio on the SDI output of Forward TS") == "en"
    assert text_language("6.2.1 — 10:00", "en") == "en"  # no letters: the caller's guess
    assert text_language("ЁЖ ab") == "ru" and text_language("Ёж abc") == "en"  # Ё counts; a tie is Russian
    assert text_language("\u0130\u212a ж", "ru") == "en"  # İ and the Kelvin sign lower-case into Latin
    assert text_language("Ѐ Ђ ß", "en") == "en"  # Cyrillic outside Russian's letters and ß count as neither


def test_version_howto_titles() -> None:
    assert is_version_howto("Как узнать версию Forward TS")
    assert is_version_howto("How to find the installed version")
    assert not is_version_howto("Обновление до новой версии — где скачать")


class SuggestTests(BaseTestCase):
    def article(self, slug: str, title: str, body: str, *, product: str = "", language: str = "ru") -> None:
        Article.objects.create(slug=slug, title=title, body=body, language=language, state="published",
                               product=self.products[product] if product else None)

    def slugs(self, text: str, **kwargs: object) -> list[str]:
        return [s.slug for s in kb_suggest(text, language="ru", **kwargs)]  # type: ignore[arg-type]

    def test_the_product_name_alone_is_no_match(self) -> None:
        # Today's complaint: an audio request was offered a titles article because both name the product.
        self.article("titles-sdi2", "Титры Forward TS не выводятся на второй выход SDI",
                     "Проверьте назначение выхода титров в настройках канала Forward TS.", product="forward-ts")
        self.article("audio-lost", "Пропадает звук на выходе", "Проверьте встроенный звук и уровни аудио.")
        found = self.slugs("Forward TS 6.2: пропадает звук, картинка есть.")
        assert found[0] == "audio-lost"
        assert "titles-sdi2" not in found
        assert self.slugs("Forward TS не открывается окно настроек, просто Forward TS.") == []

    def test_the_product_is_a_prior_between_equal_articles(self) -> None:
        self.article("ts-freeze", "Сервер зависает при воспроизведении", "Обновите драйвер платы.", product="forward-ts")
        self.article("fd-freeze", "Сервер зависает при воспроизведении", "Обновите драйвер платы.", product="fdonair")
        assert self.slugs("FDOnAir: сервер зависает при воспроизведении")[0] == "fd-freeze"
        assert self.slugs("Forward TS: сервер зависает при воспроизведении")[0] == "ts-freeze"

    def test_slang_finds_the_documentation_words(self) -> None:
        self.article("encoding", "Вместо русских букв выводятся квадраты",
                     "Файл в кодировке windows-1251 нужно сохранить в UTF-8.")
        self.article("reboot", "После перезагрузки не стартует запись по расписанию",
                     "Проверьте, что служба планировщика запускается автоматически.")
        assert self.slugs("В бегущей строке кракозябры вместо текста")[:1] == ["encoding"]
        assert self.slugs("после ребута автозапись не стартует")[:1] == ["reboot"]

    def test_cross_language_both_ways(self) -> None:
        self.article("win-tuning", "Recommended Windows settings for a playout server",
                     "Disable automatic updates and set the power plan to high performance.", language="en")
        self.article("logo-alpha", "Логотип выводится на чёрной подложке вместо прозрачного фона",
                     "Сохраните логотип в PNG с альфа-каналом.")
        assert self.slugs("Как настроить винду на эфирном сервере: питание, обновления?")[:1] == ["win-tuning"]
        assert [s.slug for s in kb_suggest("Our logo shows a black box instead of transparency", language="en")][:1] \
            == ["logo-alpha"]

    def test_a_commercial_request_gets_no_suggestion(self) -> None:
        self.article("licence-move", "Перенос лицензии на другой компьютер", "Лицензию переносят через менеджер ключей.")
        assert self.slugs("Перенос лицензии на новый компьютер: что делать?") == ["licence-move"]
        assert self.slugs("Сколько стоит перенос лицензии на другой компьютер? Пришлите счёт на оплату.") == []

    def test_no_suggestion_below_the_confidence_threshold(self) -> None:
        self.article("ndi-black", "Приёмник NDI показывает чёрный кадр", "Проверьте формат NDI-выхода и сеть.")
        text = "Добрый день! Подскажите, где в вашем городе хороший ресторан, директор спрашивает. Сеть?"
        assert self.slugs(text) == []  # one common word in a long unrelated mail
        assert self.slugs(text, min_confidence=0.0) == ["ndi-black"]  # what the threshold refuses

    def test_the_version_article_is_not_offered_to_who_gave_the_version(self) -> None:
        self.article("find-version", "Как узнать версию Forward TS",
                     "Версия показана в окне «О программе»; сообщите её при обращении, если программа падает.")
        self.article("crash", "Forward TS падает при запуске", "Программа падает при запуске: соберите журналы.")
        assert "find-version" in self.slugs("Forward TS падает при запуске, какая у нас версия — не знаю")
        assert "find-version" not in self.slugs("Forward TS 6.2.1 падает при запуске, версию не знаю как смотреть")
