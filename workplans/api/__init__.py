"""The read-only JSON API, /api/v1/ (Django REST framework, schema by drf-spectacular)."""
