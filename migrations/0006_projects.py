from tortoise import migrations
from tortoise.migrations import operations as ops
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
    ]
