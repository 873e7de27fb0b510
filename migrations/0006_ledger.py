from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('hit', '0005_remixes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SignedStatement',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('statement_uri', fields.CharField(unique=True, max_length=2048)),
                ('project_uri', fields.CharField(db_index=True, max_length=2048)),
                ('project_name', fields.CharField(default='', max_length=255)),
                ('work_uri', fields.CharField(max_length=2048)),
                ('currency', fields.CharField(max_length=3)),
                ('published', fields.CharField(default='', max_length=64)),
                ('statement_json', fields.TextField(unique=False)),
                ('project_json', fields.TextField(unique=False)),
                ('received_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'signed_statements', 'app': 'hit', 'pk_attr': 'id', 'table_description': 'A payment statement exactly as its project signed it, one row per statement id.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LedgerEntry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('statement', fields.ForeignKeyField('hit.SignedStatement', source_field='statement_id', db_constraint=True, to_field='id', related_name='entries', on_delete=OnDelete.RESTRICT)),
                ('person', fields.ForeignKeyField('hit.Actor', source_field='person_id', db_constraint=True, to_field='id', related_name='ledger_entries', on_delete=OnDelete.CASCADE)),
                ('amount', fields.BigIntField()),
                ('currency', fields.CharField(max_length=3)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'ledger_entries', 'app': 'hit', 'unique_together': (('statement', 'person'),), 'pk_attr': 'id', 'table_description': 'One line of a statement owed to a local person, in minor units of the statement currency.'},
            bases=['Model'],
        ),
    ]
