"""event and focal point texts as {language: text} JSON, one column per field

Revision ID: 0004
Revises: 0003

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

#: The languages the old columns had, one column each.
OLD_LANGUAGES = ('en', 'ar', 'fr')
#: Per table: (field, length of its old columns or None for Text, English required).
FIELDS = {
    'event': (('title', 300, True), ('summary', None, False), ('body', None, False), ('city', 120, False)),
    'focal_point': (('institution', 300, True),),
}


def _json():
    # A field without text is SQL NULL, not the JSON value null.
    return sa.JSON(none_as_null=True).with_variant(
        postgresql.JSONB(none_as_null=True, astext_type=sa.Text()), 'postgresql')


def _old_type(length):
    return sa.String(length=length) if length else sa.Text()


def _rewrite(table_name, columns, convert):
    """Set each row's new columns to ``convert(row)``, reading ``columns`` of it."""
    table = sa.table(table_name, sa.column('id'), *columns)
    connection = op.get_bind()
    for row in connection.execute(sa.select(table)).mappings().all():
        connection.execute(table.update().where(table.c.id == row['id']).values(**convert(row)))


def _to_json(fields):
    """Per-language columns into one {language: text} per field; empty texts are left out."""
    def convert(row):
        values = {}
        for field, _, _ in fields:
            texts = {language: row[f'{field}_{language}'] for language in OLD_LANGUAGES}
            values[field] = {language: text for language, text in texts.items() if text and text.strip()} or None
        return values
    return convert


def _from_json(fields):
    """Each {language: text} back into per-language columns; other languages cannot go back."""
    def convert(row):
        values = {}
        for field, length, _ in fields:
            texts = row[field] or {}
            for language in OLD_LANGUAGES:
                text = texts.get(language) or None
                # The old columns were bounded: a longer text is cut rather than stop the downgrade.
                values[f'{field}_{language}'] = text[:length] if text and length else text
        return values
    return convert


def _old_columns(fields):
    return [sa.column(f'{field}_{language}') for field, _, _ in fields for language in OLD_LANGUAGES]


def _json_columns(fields):
    return [sa.column(field, _json()) for field, _, _ in fields]


def upgrade():
    for table_name, fields in FIELDS.items():
        with op.batch_alter_table(table_name, schema=None) as batch_op:
            for field, _, _ in fields:
                batch_op.add_column(sa.Column(field, _json(), nullable=True))
        _rewrite(table_name, [*_old_columns(fields), *_json_columns(fields)], _to_json(fields))
        # On SQLite this rebuilds the table once (its indexes are made again); no
        # other table refers to these two, so no foreign key is disturbed.
        with op.batch_alter_table(table_name, schema=None) as batch_op:
            for field, _, required in fields:
                if required:
                    batch_op.alter_column(field, existing_type=_json(), nullable=False)
                for language in OLD_LANGUAGES:
                    batch_op.drop_column(f'{field}_{language}')


def downgrade():
    for table_name, fields in FIELDS.items():
        with op.batch_alter_table(table_name, schema=None) as batch_op:
            for field, length, _ in fields:
                for language in OLD_LANGUAGES:
                    batch_op.add_column(sa.Column(f'{field}_{language}', _old_type(length), nullable=True))
        _rewrite(table_name, [*_old_columns(fields), *_json_columns(fields)], _from_json(fields))
        with op.batch_alter_table(table_name, schema=None) as batch_op:
            for field, length, required in fields:
                if required:
                    batch_op.alter_column(f'{field}_en', existing_type=_old_type(length), nullable=False)
                batch_op.drop_column(field)
