from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('hit', '0002_contributions')]

    initial = False

    operations = [
        ops.CreateModel(
            name='RateLimitCounter',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('bucket', fields.CharField(max_length=32)),
                ('key', fields.CharField(max_length=255)),
                ('window_start', fields.BigIntField()),
                ('hits', fields.IntField(default=0)),
                ('expires_at', fields.BigIntField(db_index=True)),
            ],
            options={'table': 'rate_limit_counters', 'app': 'hit', 'unique_together': (('bucket', 'key', 'window_start'),), 'pk_attr': 'id', 'table_description': 'How often one key (a client address, an account from an address) hit one bucket in one window.'},
            bases=['Model'],
        ),
        ops.DeleteModel(name='LoginAttempt'),
    ]
