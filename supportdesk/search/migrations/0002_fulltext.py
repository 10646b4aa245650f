"""The first full-text index (one FTS5 table, one GIN index for every kind); frozen here
because 0003 replaces it with one index per kind."""

from django.db import migrations

STATEMENTS = {'postgresql': (['ALTER TABLE search_searchdocument ADD COLUMN tsv tsvector GENERATED ALWAYS AS '
                 "(setweight(to_tsvector('simple', title_terms), 'A') || setweight(to_tsvector('simple', "
                 "body_terms), 'D')) STORED",
                 'CREATE INDEX search_doc_tsv_gin ON search_searchdocument USING gin (tsv)'],
                ['DROP INDEX IF EXISTS search_doc_tsv_gin',
                 'ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS tsv']),
 'sqlite': (['CREATE VIRTUAL TABLE search_fts USING fts5(title_terms, body_terms, '
             "content='search_searchdocument', content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
             'CREATE TRIGGER search_fts_ai AFTER INSERT ON search_searchdocument BEGIN INSERT INTO '
             'search_fts(rowid, title_terms, body_terms) VALUES (new.id, new.title_terms, new.body_terms); '
             'END',
             'CREATE TRIGGER search_fts_ad AFTER DELETE ON search_searchdocument BEGIN INSERT INTO '
             "search_fts(search_fts, rowid, title_terms, body_terms) VALUES ('delete', old.id, "
             'old.title_terms, old.body_terms); END',
             'CREATE TRIGGER search_fts_au AFTER UPDATE ON search_searchdocument BEGIN INSERT INTO '
             "search_fts(search_fts, rowid, title_terms, body_terms) VALUES ('delete', old.id, "
             'old.title_terms, old.body_terms); INSERT INTO search_fts(rowid, title_terms, body_terms) '
             'VALUES (new.id, new.title_terms, new.body_terms); END'],
            ['DROP TRIGGER IF EXISTS search_fts_ai',
             'DROP TRIGGER IF EXISTS search_fts_ad',
             'DROP TRIGGER IF EXISTS search_fts_au',
             'DROP TABLE IF EXISTS search_fts'])}


def _run(index):  # type: ignore[no-untyped-def]
    def run(apps, schema_editor):  # type: ignore[no-untyped-def]
        for sql in STATEMENTS.get(schema_editor.connection.vendor, ((), ()))[index]:
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(_run(0), _run(1))]
