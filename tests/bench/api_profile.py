"""CPU of one API list request in-process, as ``--only api`` asks it: the officer's enterprise
list with an API key, the bench's 5 URLs in turn, through the Django test client.

    BENCH_DATABASE_URL=… BENCH_CACHE_URL=redis://… python -m tests.bench.api_profile \
        [--requests 300] [--profile out.prof] [--bare]

Prints the median process CPU per request (``time.process_time``) of the API list and of the
bare view, one request of each in turn; ``--profile`` writes a cProfile (process time) of the
API side.
Reads the bench database, adds the bench officer if missing and one API key (revoked after).
"""

import argparse
import cProfile
import os
import statistics
import sys
import time
from urllib.parse import urlencode

from .environment import DEFAULT_DATABASE_URL, configure_environment


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", help="write a cProfile of the API requests here")
    args = parser.parse_args()
    configure_environment(os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL))
    import django

    django.setup()
    from django.test import Client

    from laichau_nsc.api.authentication import token_create, token_revoke

    from .api import API_PATH, _api_filters
    from .dataset import officer_session
    from .measures import Samples

    user, _cookie = officer_session()
    samples = Samples.pick()
    paths = [f"{API_PATH}?{urlencode(p)}" for p in _api_filters(samples)]
    bare = [f"/bench/bare/?tax_code={code}" for code in samples.tax_codes]
    token, key = token_create(user=user, name="bench-profile")
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    anonymous = Client()

    def timed(client, paths, n, profiler=None):
        times = []
        for i in range(n):
            path = paths[i % len(paths)]
            start = time.process_time()
            if profiler:
                profiler.enable()
            response = client.get(path)
            if profiler:
                profiler.disable()
            times.append(time.process_time() - start)
            assert response.status_code == 200, (path, response.status_code)
        return statistics.median(times) * 1000

    try:
        for path in paths:  # warm: catalogues, plans, compiled queries
            client.get(path)
        for round_ in range(args.rounds):
            # One request of each kind in turn: load on the machine hits both alike.
            api_times, bare_times = [], []
            for i in range(args.requests):
                api_times.append(timed(client, [paths[i % len(paths)]], 1))
                bare_times.append(timed(anonymous, [bare[i % len(bare)]], 1))
            api, floor = statistics.median(api_times), statistics.median(bare_times)
            print(
                f"round {round_ + 1}: API {api:.2f} ms, bare {floor:.2f} ms, "
                f"ratio {floor / api:.3f}×",
                flush=True,
            )
        if args.profile:
            profiler = cProfile.Profile(time.process_time)
            timed(client, paths, args.requests, profiler)
            profiler.dump_stats(args.profile)
            print(f"profile of {args.requests} API requests in {args.profile}")
    finally:
        token_revoke(token=token)
    return 0


if __name__ == "__main__":
    sys.exit(main())
