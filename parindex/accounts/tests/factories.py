from __future__ import annotations

import factory

from parindex.accounts.models import Membership, User
from parindex.accounts.roles import Role


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    password = factory.PostGenerationMethodCall("set_password", "matkhau-Thu-123")

    @factory.post_generation
    def _save(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.OFFICER
    unit = None


def user_with_role(role: str, unit: object = None, **kwargs: object) -> User:
    """A user holding ``role`` in ``unit`` (admin: a membership without a unit)."""
    user = UserFactory(**kwargs)
    MembershipFactory(user=user, role=role, unit=unit)
    return user
