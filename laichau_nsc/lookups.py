"""``pk__among=[…]``: membership in a long list of keys, sent as one array on PostgreSQL.

``pk__in`` writes one literal per value: for the 1,000 ids a bounded list orders, Django resolves
and psycopg quotes each one, and PostgreSQL parses a thousand constants, about 4 ms of CPU in the
web process against 1 ms for ``id = ANY(%s)`` with the list as one array parameter (measured on
the bench database). Elsewhere (SQLite) it is the plain ``IN``.
"""

from django.db.models import IntegerField, Lookup


@IntegerField.register_lookup
class Among(Lookup):
    lookup_name = "among"
    prepare_rhs = False

    def get_prep_lookup(self):
        return [int(value) for value in self.rhs]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if not self.rhs:
            return "1 = 0", []
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, self.rhs]
        marks = ", ".join(["%s"] * len(self.rhs))
        return f"{lhs} IN ({marks})", [*lhs_params, *self.rhs]
