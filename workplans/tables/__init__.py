"""Tables (django-tables2), their filters (django-filter) and their exports."""


def remember_signatures() -> None:
    """django-tables2 reads the signature of a column's render method for every cell it draws
    (utils.signature, through inspect): on a page of 25 rows of 9 columns that was an eighth
    of the page's time. A function's signature does not change, so it is read once."""
    from django_tables2 import utils

    original = utils.signature
    if getattr(original, "remembers", False):
        return
    known: dict = {}

    def signature(fn):
        key = (getattr(fn, "__func__", fn), hasattr(fn, "__self__"))
        if key not in known:
            if len(known) > 1000:  # callables made on the fly: do not keep them all
                return original(fn)
            known[key] = original(fn)
        return known[key]

    signature.remembers = True  # type: ignore[attr-defined]
    utils.signature = signature
