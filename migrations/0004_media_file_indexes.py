from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('hit', '0003_rate_limit_counters')]

    initial = False

    operations = [
        ops.AlterModelOptions(
            name='MediaAttachment',
            options={'table': 'media_attachments', 'app': 'hit', 'pk_attr': 'id', 'table_description': 'An uploaded file (local, stored under a secret name) or a remote attachment (shown from its origin).'},
        ),
        ops.AlterField(
            model_name='MediaAttachment',
            name='cover_filename',
            field=fields.CharField(null=True, db_index=True, max_length=100),
        ),
        ops.AlterField(
            model_name='MediaAttachment',
            name='filename',
            field=fields.CharField(null=True, db_index=True, max_length=100),
        ),
        ops.AlterField(
            model_name='MediaAttachment',
            name='thumbnail_filename',
            field=fields.CharField(null=True, db_index=True, max_length=100),
        ),
    ]
