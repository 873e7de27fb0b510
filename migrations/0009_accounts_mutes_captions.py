from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('hit', '0008_payouts')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Mute',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('muter', fields.ForeignKeyField('hit.Actor', source_field='muter_id', db_constraint=True, to_field='id', related_name='mute_rows', on_delete=OnDelete.CASCADE)),
                ('muted', fields.ForeignKeyField('hit.Actor', source_field='muted_id', db_constraint=True, to_field='id', related_name='muted_by_rows', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'mutes', 'app': 'hit', 'unique_together': (('muter', 'muted'),), 'pk_attr': 'id', 'table_description': '`muter` hides `muted` from their timelines and notifications. Private: never federated.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Account',
            name='suspended_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='MediaAttachment',
            name='captions_filename',
            field=fields.CharField(null=True, db_index=True, max_length=100),
        ),
    ]
