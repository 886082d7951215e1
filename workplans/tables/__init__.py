"""Tables (django-tables2), their filters (django-filter) and their exports."""
