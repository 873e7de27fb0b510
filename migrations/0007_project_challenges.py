from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('hit', '0006_projects')]

    initial = False

    operations = [
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
    ]
