"""Putting a service's ValidationError onto the form that fed it, field by field."""

from django.core.exceptions import ValidationError


def add_service_errors(form, error: ValidationError) -> None:
    """Attach each message to its field when the form has that field, else to the form as a whole.

    Services validate with `Model.full_clean()`, whose errors are keyed by model
    field; the form shows them next to the inputs the user can correct.
    """
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)
