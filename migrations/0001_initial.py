from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Actor',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('uri', fields.CharField(unique=True, max_length=2048)),
                ('kind', fields.CharField(default='Person', max_length=32)),
                ('username', fields.CharField(db_index=True, max_length=255)),
                ('domain', fields.CharField(db_index=True, max_length=255)),
                ('local', fields.BooleanField(default=False)),
                ('name', fields.CharField(default='', max_length=255)),
                ('summary', fields.TextField(default='', unique=False)),
                ('url', fields.CharField(default='', max_length=2048)),
                ('inbox', fields.CharField(default='', max_length=2048)),
                ('outbox', fields.CharField(default='', max_length=2048)),
                ('shared_inbox', fields.CharField(default='', max_length=2048)),
                ('followers_url', fields.CharField(default='', max_length=2048)),
                ('following_url', fields.CharField(default='', max_length=2048)),
                ('icon_url', fields.CharField(default='', max_length=2048)),
                ('icon_media_type', fields.CharField(default='', max_length=64)),
                ('icon_alt', fields.CharField(default='', max_length=1500)),
                ('profile_fields', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('payment_links', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('manually_approves_followers', fields.BooleanField(default=False)),
                ('discoverable', fields.BooleanField(default=True)),
                ('indexable', fields.BooleanField(default=True)),
                ('document', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('published', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('fetched_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('deleted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'actors', 'app': 'hit', 'unique_together': (('username', 'domain'),), 'pk_attr': 'id', 'table_description': 'An ActivityPub actor. Local actors have an `account` (people) or are the instance actor.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Account',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('actor', fields.OneToOneField('hit.Actor', source_field='actor_id', db_constraint=True, to_field='id', related_name='account', on_delete=OnDelete.CASCADE)),
                ('username', fields.CharField(unique=True, max_length=64)),
                ('password_hash', fields.CharField(max_length=255)),
                ('is_admin', fields.BooleanField(default=False)),
                ('hide_collections', fields.BooleanField(default=False)),
                ('session_epoch', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('last_login_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('deleted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'accounts', 'app': 'hit', 'pk_attr': 'id', 'table_description': 'A person who logs in here. Their public face is the linked local `Actor`.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AccessToken',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('account', fields.ForeignKeyField('hit.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='tokens', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=100)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('last_used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'access_tokens', 'app': 'hit', 'pk_attr': 'id', 'table_description': 'A personal access token for the client-to-server API. Only its SHA-256 is stored.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ActorKey',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('actor', fields.ForeignKeyField('hit.Actor', source_field='actor_id', db_constraint=True, to_field='id', related_name='keys', on_delete=OnDelete.CASCADE)),
                ('key_id', fields.CharField(unique=True, max_length=2048)),
                ('algorithm', fields.CharField(max_length=16)),
                ('public_pem', fields.TextField(unique=False)),
                ('private_pem', fields.TextField(null=True, unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'actor_keys', 'app': 'hit', 'pk_attr': 'id', 'table_description': 'One public key of an actor (with the private half for local actors). Keys are added, not swapped.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='InstanceSetting',
            fields=[
                ('key', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=100)),
                ('value', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'instance_settings', 'app': 'hit', 'pk_attr': 'key', 'table_description': 'One setting as a JSON value under a unique key.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Invite',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=64)),
                ('created_by', fields.ForeignKeyField('hit.Account', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='invites', on_delete=OnDelete.SET_NULL)),
                ('max_uses', fields.IntField(default=1)),
                ('uses', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'invites', 'app': 'hit', 'pk_attr': 'id', 'table_description': 'An invite code for invite-only registration.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LoginAttempt',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(db_index=True, max_length=255)),
                ('at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'login_attempts', 'app': 'hit', 'pk_attr': 'id', 'table_description': 'A failed login, keyed by client address and by username, counted in a sliding window.'},
            bases=['Model'],
        ),
    ]
