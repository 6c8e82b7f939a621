from django.core.management.base import BaseCommand, CommandError, CommandParser

from enterprises.synthetic.certificates import generate_certificates
from enterprises.synthetic.loader import generate_enterprises
from enterprises.synthetic.products import generate_products


class Command(BaseCommand):
    help = (
        "Add N synthetic Vietnamese enterprises (valid unique tax codes, realistic names, "
        "representatives, units, sectors) for load tests, fast and repeatable: COPY on "
        "PostgreSQL, batched inserts elsewhere. Runs after existing records, continuing the "
        "tax-code numbering. No history rows are written for synthetic records. On PostgreSQL a "
        "load larger than the table rebuilds its indexes (the table is locked meanwhile) and "
        "ends with VACUUM ANALYZE. --certificates N adds N certificates (with their validity "
        "periods, events and suspensions) and --products N adds N products (GTINs, public "
        "codes, 80 %% published, lots with stages, declarations) on the enterprises there, "
        "after any new enterprises."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enterprises", type=int, default=0, metavar="N")
        parser.add_argument("--certificates", type=int, default=0, metavar="N")
        parser.add_argument("--products", type=int, default=0, metavar="N")
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--batch", type=int, default=20_000, help="rows per COPY / insert")

    def handle(
        self,
        *args,
        enterprises: int,
        certificates: int,
        products: int,
        seed: int,
        batch: int,
        **options,
    ) -> None:
        if min(enterprises, certificates, products) < 0 or batch < 1:
            raise CommandError(
                "--enterprises, --certificates, --products and --batch must be positive."
            )
        if not (enterprises or certificates or products):
            raise CommandError("Give --enterprises N, --certificates N, --products N or several.")
        verbose = options["verbosity"] > 1

        def log(message: str) -> None:
            if verbose or not message.startswith("  "):
                self.stdout.write(message)

        if enterprises:
            result = generate_enterprises(count=enterprises, seed=seed, batch=batch, log=log)
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created {result.created:,} enterprises (ids from {result.first_id}) in "
                    f"{result.seconds:.1f} s: {result.rows_per_second:,.0f} rows/s."
                )
            )
        if certificates:
            try:
                made = generate_certificates(count=certificates, seed=seed, batch=batch, log=log)
            except ValueError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created {made.created:,} certificates (ids from {made.first_id}) with "
                    f"{made.periods:,} validity periods and {made.events:,} events in "
                    f"{made.seconds:.1f} s: {made.rows_per_second:,.0f} certificates/s."
                )
            )
        if products:
            try:
                made = generate_products(count=products, seed=seed, batch=batch, log=log)
            except ValueError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created {made.created:,} products with {made.lots:,} lots, "
                    f"{made.stages:,} stages and {made.declarations:,} declarations in "
                    f"{made.seconds:.1f} s: {made.rows_per_second:,.0f} products/s."
                )
            )
