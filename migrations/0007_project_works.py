from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('hit', '0006_projects_and_ledger')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ProjectWork',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('project', fields.ForeignKeyField('hit.Project', source_field='project_id', db_constraint=True, to_field='id', related_name='works', on_delete=OnDelete.CASCADE)),
                ('contribution', fields.OneToOneField('hit.Contribution', source_field='contribution_id', db_constraint=True, to_field='id', related_name='project_work', on_delete=OnDelete.CASCADE)),
                ('posted_by', fields.ForeignKeyField('hit.Actor', source_field='posted_by_id', null=True, db_constraint=True, to_field='id', related_name='posted_works', on_delete=OnDelete.SET_NULL)),
                ('curator_uris', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'project_works', 'app': 'hit', 'pk_attr': 'id', 'table_description': 'A work of a project: a remix its Group published for a curator.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProjectCredits',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('work', fields.ForeignKeyField('hit.ProjectWork', source_field='work_id', db_constraint=True, to_field='id', related_name='credit_versions', on_delete=OnDelete.CASCADE)),
                ('version', fields.IntField()),
                ('work_digest', fields.CharField(max_length=64)),
                ('content_key', fields.CharField(max_length=64)),
                ('document_json', fields.TextField(unique=False)),
                ('current_json', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'project_credits', 'app': 'hit', 'unique_together': (('work', 'version'),), 'pk_attr': 'id', 'table_description': "One signed version of a work's credits, kept for good so old versions stay readable."},
            bases=['Model'],
        ),
    ]
