"""Read API: ``GET /don-vi/api/`` lists the units the caller may see (same scope as the pages)."""

from __future__ import annotations

from typing import Any

from rest_framework import generics, serializers

from .models import Unit, UnitQuerySet
from .permissions import units_visible_to


class UnitSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)
    organiser = serializers.SlugRelatedField(slug_field="code", read_only=True)
    successors = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    valid_from = serializers.DateField(format="%Y-%m-%d", read_only=True)
    valid_to = serializers.DateField(format="%Y-%m-%d", read_only=True)

    class Meta:
        model = Unit
        fields = (
            "code",
            "name",
            "short_name",
            "kind",
            "kind_label",
            "parent",
            "organiser",
            "is_organiser",
            "valid_from",
            "valid_to",
            "successors",
            "address",
        )
        read_only_fields = fields


class UnitListAPIView(generics.ListAPIView):
    """Units visible to the caller, ordered by code. ``?q=`` searches without diacritics."""

    serializer_class = UnitSerializer
    filterset_fields = ("kind", "is_organiser")

    def get_queryset(self) -> UnitQuerySet:
        qs: Any = units_visible_to(self.request.user).search(self.request.query_params.get("q", ""))
        return (
            qs.select_related("parent", "organiser").prefetch_related("successors").order_by("code")
        )
