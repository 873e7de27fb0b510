from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('hit', '0004_media_file_indexes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ChainDocument',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('digest_multibase', fields.CharField(unique=True, max_length=64)),
                ('object_uri', fields.CharField(db_index=True, max_length=2048)),
                ('document_json', fields.TextField(unique=False)),
                ('fetched_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'chain_documents', 'app': 'hit', 'pk_attr': 'id', 'table_description': 'One signed object version exactly as fetched or published, found by its digest.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ChainKeyDocument',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('actor_uri', fields.CharField(unique=True, max_length=2048)),
                ('document_json', fields.TextField(unique=False)),
                ('fetched_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'chain_key_documents', 'app': 'hit', 'pk_attr': 'id', 'table_description': "An author's actor document as fetched when a chain through them was checked, kept verbatim"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='QuoteRequest',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('uri', fields.CharField(unique=True, max_length=2048)),
                ('outgoing', fields.BooleanField()),
                ('quoted_uri', fields.CharField(db_index=True, max_length=2048)),
                ('quoted', fields.ForeignKeyField('hit.Contribution', source_field='quoted_id', null=True, db_constraint=True, to_field='id', related_name='quote_requests', on_delete=OnDelete.SET_NULL)),
                ('quote_uri', fields.CharField(db_index=True, max_length=2048)),
                ('quote', fields.ForeignKeyField('hit.Contribution', source_field='quote_id', null=True, db_constraint=True, to_field='id', related_name='quote_requests_made', on_delete=OnDelete.SET_NULL)),
                ('requester', fields.ForeignKeyField('hit.Actor', source_field='requester_id', db_constraint=True, to_field='id', related_name='quote_requests', on_delete=OnDelete.CASCADE)),
                ('state', fields.CharField(default='pending', db_index=True, max_length=16)),
                ('authorization_uri', fields.CharField(null=True, max_length=2048)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'quote_requests', 'app': 'hit', 'pk_attr': 'id', 'table_description': "A FEP-044f QuoteRequest: ours asking to quote a source (`outgoing`), or someone else's"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RemixSource',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('remix', fields.ForeignKeyField('hit.Contribution', source_field='remix_id', db_constraint=True, to_field='id', related_name='remix_sources', on_delete=OnDelete.CASCADE)),
                ('position', fields.IntField()),
                ('source_uri', fields.CharField(db_index=True, max_length=2048)),
                ('source', fields.ForeignKeyField('hit.Contribution', source_field='source_id', null=True, db_constraint=True, to_field='id', related_name='remixed_by', on_delete=OnDelete.SET_NULL)),
                ('author_uris', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('digest_multibase', fields.CharField(db_index=True, max_length=64)),
                ('weight', fields.IntField()),
                ('licence', fields.CharField(default='', max_length=255)),
                ('link_state', fields.CharField(default='', max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'remix_sources', 'app': 'hit', 'unique_together': (('remix', 'position'),), 'pk_attr': 'id', 'table_description': 'Source number `position` of a remix (local or remote), as its `fhit:sources` entry pins it.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Account',
            name='quote_policy',
            field=fields.CharField(default='anyone', max_length=16),
        ),
        ops.AddField(
            model_name='Contribution',
            name='quote_authorization_uri',
            field=fields.CharField(null=True, max_length=2048),
        ),
        ops.AddField(
            model_name='Contribution',
            name='quote_policy',
            field=fields.CharField(default='', max_length=16),
        ),
        ops.AddField(
            model_name='Contribution',
            name='upstream_share',
            field=fields.IntField(null=True),
        ),
    ]
