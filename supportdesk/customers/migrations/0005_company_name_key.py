# Company names compare without case in every alphabet: SQLite's LOWER() folds only ASCII, so
# the unique key is a casefolded column written by the model instead of an index on Lower(name).

from django.db import migrations, models


def fill_name_keys(apps, schema_editor):
    Company = apps.get_model("customers", "Company")
    seen = {}
    for company in Company.objects.order_by("id").iterator():
        key = " ".join(company.name.split()).casefold()[:200]
        if key in seen:  # two names equal only beyond ASCII: keep both, the later one marked
            key = f"{key} #{company.pk}"[:200]
        seen[key] = company.pk
        Company.objects.filter(pk=company.pk).update(name_key=key)


class Migration(migrations.Migration):

    dependencies = [
        ('customers', '0004_customer_erased_at'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='company',
            name='company_name_unique_ci',
        ),
        migrations.AddField(
            model_name='company',
            name='name_key',
            field=models.CharField(default='', editable=False, max_length=200, verbose_name='name for comparison'),
            preserve_default=False,
        ),
        migrations.RunPython(fill_name_keys, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='company',
            name='name_key',
            field=models.CharField(editable=False, max_length=200, unique=True, verbose_name='name for comparison'),
        ),
    ]
