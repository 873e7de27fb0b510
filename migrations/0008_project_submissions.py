from tortoise import migrations
from tortoise.migrations import operations as ops
from fediverse_hit.protocol.vocabulary import SubmissionState
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('hit', '0007_project_challenges')]

    initial = False

    operations = [
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
    ]
