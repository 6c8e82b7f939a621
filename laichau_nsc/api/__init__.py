"""The REST API v1 (``/api/v1/``): shared pieces every app's ``api.py`` builds on.

- ``authentication``: the project's hashed API tokens, and the portal's session with CSRF;
- ``permissions``: the roles a viewset admits for reading and for writing (the pages' rules);
- ``viewsets``: ``ScopedViewSet``, whose every queryset starts from ``for_user``;
- ``exceptions``: one error shape with Vietnamese messages;
- ``pagination``, ``throttling``, ``schema``; ``urls`` wires the router and the documentation.
"""
