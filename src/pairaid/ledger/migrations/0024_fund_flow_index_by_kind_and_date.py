"""A stage's drill-down (the plans, allocations, spendings or transfers behind a money figure)
lists one kind of fund flow of many pairings, newest first. The only index in date order over
many pairings was (date, id), over every kind: PostgreSQL walked it backwards from the as-of
day and threw away the other kinds' rows and the other pairings' (45,872 rows read for 50
plans of a province at the national set's scale 0.1; 3-10 s at 1.0). (kind, date, id) reads
one kind in date order: the province's page reads 207 rows (1 ms instead of 51).

A county's drill (one pairing) reads (pairing, date, id) backwards and skips the other kinds'
rows: about four times its page. Replacing (pairing, date, id) by (pairing, kind, date, id)
was measured and not done: a pairing's whole fund list (every kind) then walked (date, id)
over the whole country (6 ms at 0.1, growing with the ledger) instead of its own rows. So one
index more for the bulk fund-flow writes."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0023_fund_project_posting_single_pairing_index"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="fundflow",
            index=models.Index(fields=["kind", "date", "id"], name="fundflow_by_kind_date"),
        ),
    ]
