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

from duikou.core.scoping import check_writable, offered_choices, referable

from .exceptions import validation_error


def request_user(field_or_serializer):
    request = field_or_serializer.context.get("request")
    return getattr(request, "user", None)


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A reference by id, narrowed to the user's scope like the forms' choices (`core.forms.narrow_choices`).

    An id of a scoped model (a project, an entry) is accepted only when the user may see that row: another
    supporter's project is answered "does not exist", like a missing one. The choices a browsable form would
    list (`get_choices`) are those the user may write (`core.scoping.offered_choices`); any public
    reference is still accepted, and the scope's check refuses the write with its reason.
    """

    def get_queryset(self):
        queryset = super().get_queryset()
        user = request_user(self)
        return referable(queryset, user) if user is not None and queryset is not None else queryset

    def get_choices(self, cutoff=None):
        queryset, user = self.get_queryset(), request_user(self)
        if queryset is None:
            return {}
        model = getattr(getattr(self.root, "Meta", None), "model", None)
        if user is not None:
            queryset = offered_choices(model, self.source, queryset, user)
        if cutoff is not None:
            queryset = queryset[:cutoff]
        return {self.to_representation(item): self.display_value(item) for item in queryset}


class ModelSerializer(serializers.ModelSerializer):
    """Create and update through `full_clean()` then `save()`; nothing is written when a rule fails.

    References are `ScopedPrimaryKeyRelatedField`s, and the scope is checked before the model's rules
    (`core.scoping.check_writable`): a write out of the user's scope gets the scope's refusal alone, never a
    message of a later check that names another supporter's rows.
    """

    serializer_related_field = ScopedPrimaryKeyRelatedField

    def get_validators(self):
        return []  # unique_together and UniqueConstraints: full_clean() checks them with their messages

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            field.validators = [v for v in field.validators if not isinstance(v, UniqueValidator)]
        return fields

    def create(self, validated_data):
        instance = self.Meta.model(**validated_data)
        self.check_writable(instance)
        return self.clean_and_save(instance)

    def update(self, instance, validated_data):
        for name, value in validated_data.items():
            setattr(instance, name, value)
        self.check_writable(instance)
        return self.clean_and_save(instance)

    def check_writable(self, instance) -> None:
        try:
            check_writable(instance, request_user(self))
        except DjangoValidationError as error:
            raise validation_error(error) from error

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
