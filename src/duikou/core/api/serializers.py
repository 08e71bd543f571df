"""The base serializer: input is checked by the model's own rules (STYLE.md 8).

Like NetBox's `netbox/api/serializers/base.py`, a write builds the instance and calls
`Model.full_clean()` — fields, `clean()` and the named constraints — so the API refuses exactly
what the web forms and the imports refuse, with the same messages. DRF's own uniqueness validators
are switched off: the model's constraints say it once, in the model's words.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from .exceptions import validation_error


class ModelSerializer(serializers.ModelSerializer):
    """Create and update through `full_clean()` then `save()`; nothing is written when a rule fails."""

    def get_validators(self):
        return []  # unique_together and UniqueConstraints: full_clean() checks them with their messages

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            field.validators = [v for v in field.validators if not isinstance(v, UniqueValidator)]
        return fields

    def create(self, validated_data):
        return self.clean_and_save(self.Meta.model(**validated_data))

    def update(self, instance, validated_data):
        for name, value in validated_data.items():
            setattr(instance, name, value)
        return self.clean_and_save(instance)

    def clean_and_save(self, instance):
        try:
            instance.full_clean()
        except DjangoValidationError as error:
            raise validation_error(error) from error
        instance.save()
        return instance


class ChoiceDisplayField(serializers.CharField):
    """The label of a choice in the request's language (`status_display`: "在建" or "Under construction")."""

    def __init__(self, field_name: str, **kwargs):
        super().__init__(source=f"get_{field_name}_display", read_only=True, **kwargs)
