"""A work order may exist without a supplier while it is a draft (status open).

The repair wizard prepares such a draft; staff choose the supplier and send it.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('incidents', '0009_search_vector_statistics'),
        ('people', '0002_contact_portal_access'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='subincident',
            name='subincident_party_has_contact',
        ),
        migrations.AddConstraint(
            model_name='subincident',
            constraint=models.CheckConstraint(condition=models.Q(('kind', 'internal'), ('contact__isnull', False), models.Q(('kind', 'external'), ('status', 'open')), _connector='OR'), name='subincident_party_has_contact'),
        ),
    ]
