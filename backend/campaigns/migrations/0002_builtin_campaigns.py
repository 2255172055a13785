from django.db import migrations

from backend.campaigns.builtin import BUILTIN_CAMPAIGNS


def create_builtin(apps, schema_editor):
    Campaign = apps.get_model("campaigns", "Campaign")
    CampaignTheme = apps.get_model("campaigns", "CampaignTheme")
    by_code = {}
    for code, name, description, parent, themes in BUILTIN_CAMPAIGNS:
        campaign, _ = Campaign.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "description": description,
                "parent": by_code.get(parent) if parent else None,
                "is_builtin": True,
            },
        )
        by_code[code] = campaign
        for position, (theme_code, theme_name) in enumerate(themes, start=1):
            CampaignTheme.objects.update_or_create(
                campaign=campaign,
                code=theme_code,
                defaults={"name": theme_name, "position": position},
            )


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0001_initial")]

    operations = [migrations.RunPython(create_builtin, migrations.RunPython.noop)]
