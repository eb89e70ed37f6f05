from __future__ import annotations

from django.db import migrations, models


def wrap_under_annotations(apps, schema_editor):
    """Re-anchoring counts were the only thing kept; they now sit under their layer's name."""
    ArticleRevision = apps.get_model("articles", "ArticleRevision")
    for revision in ArticleRevision.objects.exclude(followed={}).only("pk", "followed"):
        revision.followed = {"annotations": revision.followed}
        revision.save(update_fields=["followed"])


def unwrap(apps, schema_editor):
    ArticleRevision = apps.get_model("articles", "ArticleRevision")
    for revision in ArticleRevision.objects.exclude(followed={}).only("pk", "followed"):
        revision.followed = revision.followed.get("annotations", {})
        revision.save(update_fields=["followed"])


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_feeds_jobs_revisions")]

    operations = [
        migrations.RenameField("articlerevision", "reanchor_counts", "followed"),
        migrations.AlterField(
            model_name="articlerevision",
            name="followed",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="What each reader layer reported when it followed this revision, by "
                "layer name (annotations: how they re-anchored, {'public': counts, 'own': "
                "{author id: counts}}).",
            ),
        ),
        migrations.RunPython(wrap_under_annotations, unwrap),
    ]
