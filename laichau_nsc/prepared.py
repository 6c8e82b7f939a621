"""SQL compiled once per process, for the few queries every signed-in page runs (the user with
its roles, the bell's unread count): compiling them through the ORM cost several times what
running them cost. The query is still written with the ORM, once, with a placeholder for its
one parameter; each request then only runs the SQL with the real value.
"""

from django.db.models import QuerySet


def one_parameter_sql(queryset: QuerySet, placeholder: object) -> str:
    """The SQL of ``queryset``, whose only parameter must be ``placeholder`` (a value no real
    row has); run it with the real value in its place."""
    sql, params = queryset.query.get_compiler(queryset.db).as_sql()
    if list(params) != [placeholder]:
        raise ValueError(f"expected the one parameter {placeholder!r}, got {params!r}")
    return sql
