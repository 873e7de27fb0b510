from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('hit', '0009_accounts_mutes_captions')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Actor',
            name='image_alt',
            field=fields.CharField(default='', max_length=1500),
        ),
        ops.AddField(
            model_name='Actor',
            name='image_media_type',
            field=fields.CharField(default='', max_length=64),
        ),
        ops.AddField(
            model_name='Actor',
            name='image_url',
            field=fields.CharField(default='', max_length=2048),
        ),
    ]
