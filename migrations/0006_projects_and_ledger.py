from tortoise import migrations
from tortoise.migrations import operations as ops
from fediverse_hit.protocol.vocabulary import SubmissionState
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('hit', '0005_remixes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Project',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('actor', fields.OneToOneField('hit.Actor', source_field='actor_id', db_constraint=True, to_field='id', related_name='project', on_delete=OnDelete.CASCADE)),
                ('slug', fields.CharField(unique=True, max_length=64)),
                ('title', fields.CharField(max_length=200)),
                ('description', fields.TextField(default='', unique=False)),
                ('license', fields.CharField(default='', max_length=255)),
                ('terms', fields.TextField(default='', unique=False)),
                ('cover_url', fields.CharField(default='', max_length=2048)),
                ('pool_bp', fields.IntField(default=5000)),
                ('comment_days', fields.IntField(default=14)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'projects', 'app': 'hit', 'pk_attr': 'id', 'table_description': 'A collaboration published as a local Group actor: it gathers submissions into works.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProjectChallenge',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('project', fields.ForeignKeyField('hit.Project', source_field='project_id', db_constraint=True, to_field='id', related_name='challenges', on_delete=OnDelete.CASCADE)),
                ('contribution', fields.OneToOneField('hit.Contribution', source_field='contribution_id', db_constraint=True, to_field='id', related_name='challenge', on_delete=OnDelete.CASCADE)),
                ('posted_by', fields.ForeignKeyField('hit.Actor', source_field='posted_by_id', db_constraint=True, to_field='id', related_name='posted_challenges', on_delete=OnDelete.CASCADE)),
                ('end_time', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'project_challenges', 'app': 'hit', 'pk_attr': 'id', 'table_description': 'A call for contributions: a Note the project published, open until `end_time`.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProjectCurator',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('project', fields.ForeignKeyField('hit.Project', source_field='project_id', db_constraint=True, to_field='id', related_name='curators', on_delete=OnDelete.CASCADE)),
                ('actor', fields.ForeignKeyField('hit.Actor', source_field='actor_id', db_constraint=True, to_field='id', related_name='curated_projects', on_delete=OnDelete.CASCADE)),
                ('added_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'project_curators', 'app': 'hit', 'unique_together': (('project', 'actor'),), 'pk_attr': 'id', 'table_description': 'A curator of a project, local or on another server: may act as the project.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProjectSubmission',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('project', fields.ForeignKeyField('hit.Project', source_field='project_id', db_constraint=True, to_field='id', related_name='submissions', on_delete=OnDelete.CASCADE)),
                ('contribution', fields.ForeignKeyField('hit.Contribution', source_field='contribution_id', db_constraint=True, to_field='id', related_name='submissions', on_delete=OnDelete.CASCADE)),
                ('state', fields.CharEnumField(default=SubmissionState.PENDING, description='PENDING: pending\nSELECTED: selected\nDECLINED: declined', enum_type=SubmissionState, max_length=16)),
                ('decision_note', fields.TextField(default='', unique=False)),
                ('decided_by', fields.ForeignKeyField('hit.Actor', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name='decided_submissions', on_delete=OnDelete.SET_NULL)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('decision_activity_uri', fields.CharField(null=True, max_length=2048)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'project_submissions', 'app': 'hit', 'unique_together': (('project', 'contribution'),), 'pk_attr': 'id', 'table_description': 'A contribution submitted to a project (addressed to it, in its context, or mentioning it).'},
            bases=['Model'],
        ),
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
