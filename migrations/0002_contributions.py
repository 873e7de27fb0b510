from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('hit', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Contribution',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('uri', fields.CharField(unique=True, max_length=2048)),
                ('local_id', fields.CharField(null=True, unique=True, max_length=32)),
                ('url', fields.CharField(default='', max_length=2048)),
                ('author', fields.ForeignKeyField('hit.Actor', source_field='author_id', db_constraint=True, to_field='id', related_name='contributions', on_delete=OnDelete.CASCADE)),
                ('local', fields.BooleanField(default=False)),
                ('kind', fields.CharField(default='text', max_length=16)),
                ('title', fields.CharField(default='', max_length=500)),
                ('source', fields.TextField(default='', unique=False)),
                ('content_html', fields.TextField(default='', unique=False)),
                ('summary', fields.CharField(default='', max_length=1500)),
                ('sensitive', fields.BooleanField(default=False)),
                ('language', fields.CharField(default='', max_length=16)),
                ('license', fields.CharField(default='', max_length=255)),
                ('visibility', fields.CharField(default='public', db_index=True, max_length=16)),
                ('in_reply_to_uri', fields.CharField(null=True, db_index=True, max_length=2048)),
                ('in_reply_to', fields.ForeignKeyField('hit.Contribution', source_field='in_reply_to_id', null=True, db_constraint=True, to_field='id', related_name='replies', on_delete=OnDelete.SET_NULL)),
                ('context_uri', fields.CharField(null=True, max_length=2048)),
                ('version', fields.IntField(default=1)),
                ('published_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('edited_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('pinned_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('deleted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('document', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('raw_json', fields.TextField(null=True, unique=False)),
                ('received_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'contributions', 'app': 'hit', 'pk_attr': 'id', 'table_description': 'A record: text, image, audio, video or mixed. Remote ones keep the raw JSON they arrived as.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Boost',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('actor', fields.ForeignKeyField('hit.Actor', source_field='actor_id', db_constraint=True, to_field='id', related_name='boosts', on_delete=OnDelete.CASCADE)),
                ('contribution', fields.ForeignKeyField('hit.Contribution', source_field='contribution_id', db_constraint=True, to_field='id', related_name='boosts', on_delete=OnDelete.CASCADE)),
                ('activity_uri', fields.CharField(unique=True, max_length=2048)),
                ('visibility', fields.CharField(default='public', max_length=16)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'boosts', 'app': 'hit', 'unique_together': (('actor', 'contribution'),), 'pk_attr': 'id', 'table_description': '`actor` boosts (Announces) `contribution` to its followers.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ContributionTag',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('contribution', fields.ForeignKeyField('hit.Contribution', source_field='contribution_id', db_constraint=True, to_field='id', related_name='tags', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(db_index=True, max_length=100)),
            ],
            options={'table': 'contribution_tags', 'app': 'hit', 'unique_together': (('contribution', 'name'),), 'pk_attr': 'id', 'table_description': 'A hashtag on a contribution, lower-cased without the `#`.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ContributionVersion',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('contribution', fields.ForeignKeyField('hit.Contribution', source_field='contribution_id', db_constraint=True, to_field='id', related_name='versions', on_delete=OnDelete.CASCADE)),
                ('number', fields.IntField()),
                ('document_json', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'contribution_versions', 'app': 'hit', 'unique_together': (('contribution', 'number'),), 'pk_attr': 'id', 'table_description': 'Version n of a contribution: the signed document as published (verbatim text), never changed.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Like',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('actor', fields.ForeignKeyField('hit.Actor', source_field='actor_id', db_constraint=True, to_field='id', related_name='likes', on_delete=OnDelete.CASCADE)),
                ('contribution', fields.ForeignKeyField('hit.Contribution', source_field='contribution_id', db_constraint=True, to_field='id', related_name='likes', on_delete=OnDelete.CASCADE)),
                ('activity_uri', fields.CharField(unique=True, max_length=2048)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'likes', 'app': 'hit', 'unique_together': (('actor', 'contribution'),), 'pk_attr': 'id', 'table_description': "`actor` likes `contribution` (the Like activity's IRI kept for its Undo)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MediaAttachment',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('owner', fields.ForeignKeyField('hit.Actor', source_field='owner_id', null=True, db_constraint=True, to_field='id', related_name='media', on_delete=OnDelete.CASCADE)),
                ('contribution', fields.ForeignKeyField('hit.Contribution', source_field='contribution_id', null=True, db_constraint=True, to_field='id', related_name='attachments', on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField(default=0)),
                ('kind', fields.CharField(max_length=16)),
                ('media_type', fields.CharField(max_length=100)),
                ('filename', fields.CharField(null=True, max_length=100)),
                ('remote_url', fields.CharField(null=True, max_length=2048)),
                ('size_bytes', fields.BigIntField(default=0)),
                ('description', fields.CharField(default='', max_length=1500)),
                ('width', fields.IntField(null=True)),
                ('height', fields.IntField(null=True)),
                ('duration_seconds', fields.FloatField(null=True)),
                ('blurhash', fields.CharField(null=True, max_length=100)),
                ('thumbnail_filename', fields.CharField(null=True, max_length=100)),
                ('cover_filename', fields.CharField(null=True, max_length=100)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'media_attachments', 'app': 'hit', 'pk_attr': 'id', 'table_description': 'An uploaded file (local, stored by content hash) or a remote attachment (shown from its origin).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Mention',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('contribution', fields.ForeignKeyField('hit.Contribution', source_field='contribution_id', db_constraint=True, to_field='id', related_name='mentions', on_delete=OnDelete.CASCADE)),
                ('actor', fields.ForeignKeyField('hit.Actor', source_field='actor_id', db_constraint=True, to_field='id', related_name='mentioned_in', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'mentions', 'app': 'hit', 'unique_together': (('contribution', 'actor'),), 'pk_attr': 'id', 'table_description': 'An actor a contribution mentions or addresses directly (delivered to, and allowed to see it).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Notification',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('recipient', fields.ForeignKeyField('hit.Actor', source_field='recipient_id', db_constraint=True, to_field='id', related_name='notifications', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=32)),
                ('from_actor', fields.ForeignKeyField('hit.Actor', source_field='from_actor_id', db_constraint=True, to_field='id', related_name='caused_notifications', on_delete=OnDelete.CASCADE)),
                ('contribution', fields.ForeignKeyField('hit.Contribution', source_field='contribution_id', null=True, db_constraint=True, to_field='id', related_name='notifications', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
                ('read_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'notifications', 'app': 'hit', 'unique_together': (('recipient', 'kind', 'from_actor', 'contribution'),), 'pk_attr': 'id', 'table_description': 'Something a local person is told: follow, follow_request, reply, mention, like or boost.'},
            bases=['Model'],
        ),
    ]
