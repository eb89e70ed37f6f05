from __future__ import annotations

import hashlib

from django.db import migrations, models


def fingerprint_existing(apps, schema_editor):
    """Fingerprint every stored text, as `text.extract.text_fingerprint` does (restated here:
    a migration must not change when that code does)."""
    Article = apps.get_model("articles", "Article")
    for article in Article.objects.only("pk", "body_text").iterator(chunk_size=200):
        words = " ".join(article.body_text.split())
        fingerprint = hashlib.sha256(words.encode("utf-8")).hexdigest()
        Article.objects.filter(pk=article.pk).update(text_hash=fingerprint)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0005_job_attempts_heartbeat"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="text_hash",
            field=models.CharField(
                blank=True,
                db_index=True,
                editable=False,
                help_text="text_fingerprint(body_text): finds the same text pasted again.",
                max_length=64,
            ),
        ),
        migrations.RunPython(fingerprint_existing, migrations.RunPython.noop),
    ]
