"""Search keys (ledger.search): the table, then one key for every findable record there is.

The keys are the lowercased name and code, the name's full pinyin and its initials, without
tones; the same rule as `pairaid.ledger.search.key_for`, written out here so that the
migration does not import live application code."""

from django.db import migrations, models
from pypinyin import lazy_pinyin

BATCH = 1000


def key_for(*texts):
    parts = []
    for text in texts:
        text = (text or "").strip()
        if not text:
            continue
        parts.append(text.lower())
        syllables = [s.strip().lower() for s in lazy_pinyin(text, errors="default") if s.strip()]
        full = "".join(syllables).replace(" ", "")
        if full != text.lower():
            parts.extend([full, "".join(s[0] for s in syllables if s)])
    return " ".join(parts)[:1000]


def side_name(pairing, side):
    for name in (f"{side}_region", f"{side}_organisation"):
        value = getattr(pairing, name)
        if value is not None:
            return value.name
    return ""


def fill(apps, schema_editor):
    SearchKey = apps.get_model("ledger", "SearchKey")

    def rows(model, related, describe):
        queryset = apps.get_model("ledger", model).objects.select_related(*related).order_by("pk")
        batch = []
        for obj in queryset.iterator(chunk_size=BATCH):
            kind, label, key, pairing_id = describe(obj)
            batch.append(
                SearchKey(
                    kind=kind, record_id=obj.pk, label=label[:300], key=key, pairing_id=pairing_id
                )
            )
            if len(batch) >= BATCH:
                SearchKey.objects.bulk_create(batch)
                batch = []
        SearchKey.objects.bulk_create(batch)

    def pairing(p):
        helper, recipient = side_name(p, "helper"), side_name(p, "recipient")
        label = p.name or f"{helper}→{recipient}"
        return "pairing", label, key_for(label, helper, recipient), p.pk

    sides = [f"{s}_{k}" for s in ("helper", "recipient") for k in ("region", "organisation")]
    rows("Pairing", sides, pairing)
    rows(
        "Project",
        [],
        lambda o: ("project", f"{o.code} {o.name}", key_for(o.name, o.code), o.pairing_id),
    )
    rows("Person", [], lambda o: ("person", o.name, key_for(o.name, o.number), None))
    rows("Agreement", [], lambda o: ("agreement", o.title, key_for(o.title), o.pairing_id))
    rows("Organisation", [], lambda o: ("organisation", o.name, key_for(o.name), None))
    rows(
        "Region", [], lambda o: ("region", f"{o.name} {o.code}", key_for(o.name, o.code), None)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0008_year_bounds_on_targets_and_investments"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchKey",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("pairing", "结对关系"),
                            ("project", "项目"),
                            ("person", "干部人才"),
                            ("agreement", "协议合同"),
                            ("organisation", "单位"),
                            ("region", "行政区划"),
                        ],
                        max_length=16,
                        verbose_name="类型",
                    ),
                ),
                ("record_id", models.BigIntegerField(verbose_name="记录编号")),
                (
                    "pairing_id",
                    models.BigIntegerField(
                        blank=True, db_index=True, null=True, verbose_name="结对关系"
                    ),
                ),
                ("label", models.CharField(max_length=300, verbose_name="名称")),
                ("key", models.CharField(db_index=True, max_length=1000, verbose_name="检索键")),
            ],
            options={
                "verbose_name": "检索键",
                "verbose_name_plural": "检索键",
                "indexes": [
                    models.Index(fields=["kind", "label"], name="search_key_by_kind_label")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("kind", "record_id"), name="search_key_once"
                    )
                ],
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
