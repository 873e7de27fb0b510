from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from fediverse_hit.protocol.vocabulary import ProposalStatus
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('hit', '0007_project_works')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ProjectEarning',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('project', fields.ForeignKeyField('hit.Project', source_field='project_id', db_constraint=True, to_field='id', related_name='earnings', on_delete=OnDelete.CASCADE)),
                ('work', fields.ForeignKeyField('hit.ProjectWork', source_field='work_id', db_constraint=True, to_field='id', related_name='earnings', on_delete=OnDelete.CASCADE)),
                ('amount', fields.BigIntField()),
                ('costs', fields.BigIntField(default=0)),
                ('currency', fields.CharField(max_length=3)),
                ('note', fields.CharField(default='', max_length=500)),
                ('earned_on', fields.DateField()),
                ('recorded_by', fields.ForeignKeyField('hit.Actor', source_field='recorded_by_id', null=True, db_constraint=True, to_field='id', related_name='recorded_earnings', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'project_earnings', 'app': 'hit', 'pk_attr': 'id', 'table_description': 'What a work earned: integer minor units of one ISO 4217 currency, less costs.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PaymentProposal',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('project', fields.ForeignKeyField('hit.Project', source_field='project_id', db_constraint=True, to_field='id', related_name='payment_proposals', on_delete=OnDelete.CASCADE)),
                ('earning', fields.OneToOneField('hit.ProjectEarning', source_field='earning_id', db_constraint=True, to_field='id', related_name='proposal', on_delete=OnDelete.CASCADE)),
                ('credits_uri', fields.CharField(max_length=2048)),
                ('shares', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('pool_bp', fields.IntField()),
                ('status', fields.CharEnumField(default=ProposalStatus.OPEN, description='OPEN: open\nFINAL: final', enum_type=ProposalStatus, max_length=16)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('published', fields.CharField(max_length=64)),
                ('finalized_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'payment_proposals', 'app': 'hit', 'pk_attr': 'id', 'table_description': 'The proposal an earning opens: the exact credit shares and pool share it was computed'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PaymentAdjustment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('proposal', fields.ForeignKeyField('hit.PaymentProposal', source_field='proposal_id', db_constraint=True, to_field='id', related_name='adjustments', on_delete=OnDelete.CASCADE)),
                ('source_uri', fields.CharField(max_length=2048)),
                ('target_uri', fields.CharField(max_length=2048)),
                ('amount', fields.BigIntField()),
                ('reason', fields.CharField(max_length=500)),
                ('made_by', fields.ForeignKeyField('hit.Actor', source_field='made_by_id', null=True, db_constraint=True, to_field='id', related_name='payment_adjustments', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'payment_adjustments', 'app': 'hit', 'pk_attr': 'id', 'table_description': 'A curator moved `amount` from one line to another, saying why (public, never edited).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PaymentComment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('proposal', fields.ForeignKeyField('hit.PaymentProposal', source_field='proposal_id', db_constraint=True, to_field='id', related_name='comments', on_delete=OnDelete.CASCADE)),
                ('uri', fields.CharField(unique=True, max_length=2048)),
                ('author', fields.ForeignKeyField('hit.Actor', source_field='author_id', db_constraint=True, to_field='id', related_name='payment_comments', on_delete=OnDelete.CASCADE)),
                ('content_html', fields.TextField(unique=False)),
                ('note_json', fields.TextField(unique=False)),
                ('published', fields.CharField(default='', max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'payment_comments', 'app': 'hit', 'pk_attr': 'id', 'table_description': 'A reply to a proposal (a Note whose inReplyTo is the proposal), from here or elsewhere.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SentStatement',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('proposal', fields.OneToOneField('hit.PaymentProposal', source_field='proposal_id', db_constraint=True, to_field='id', related_name='statement', on_delete=OnDelete.CASCADE)),
                ('uri', fields.CharField(unique=True, max_length=2048)),
                ('document_json', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'sent_statements', 'app': 'hit', 'pk_attr': 'id', 'table_description': 'The statement that finalized a proposal, as the project signed and sent it (one only).'},
            bases=['Model'],
        ),
    ]
