"""On PostgreSQL, the LIKE-prefix twin of CustomerEmail.address dropped: no query matches an
address by its beginning (a company's domain is matched by its end, which no btree serves), and
every new customer writes it. See lib.redundant_indexes.
"""

from django.db import migrations

from supportdesk.lib import redundant_indexes


class Migration(migrations.Migration):
    dependencies = [("customers", "0005_company_name_key")]
    operations = [migrations.RunPython(*redundant_indexes.operations(
        "customers", pattern_ops=[("customeremail", "address")]))]
