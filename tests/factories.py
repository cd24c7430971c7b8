"""factory_boy factories for every model the tests build. Synthetic data only."""

import factory
from django.utils.text import slugify

from joinedup.access.roles import Role
from joinedup.accounts.models import Membership, User
from joinedup.directory import models as d
from joinedup.directory.services import service_refresh_search_document

DEFAULT_PASSWORD = "correct-horse-battery-staple-42"


class LocalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = d.Locality
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Locality {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class TaxonomyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = d.Taxonomy
        django_get_or_create = ("slug",)

    name = "Mental health and wellbeing needs"
    slug = "joinedup-needs"


class TaxonomyTermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = d.TaxonomyTerm
        django_get_or_create = ("taxonomy", "code")

    taxonomy = factory.SubFactory(TaxonomyFactory)
    name = factory.Sequence(lambda n: f"Need {n}")
    code = factory.LazyAttribute(lambda o: slugify(o.name))


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = d.Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = d.OrganisationKind.VCSE
    description = "A partner organisation."


class NhsTrustFactory(OrganisationFactory):
    kind = d.OrganisationKind.NHS_TRUST
    ods_code = factory.Sequence(lambda n: f"R{n % 1000:03d}"[:6])


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = d.Service
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Service {n}")
    description = "Support for people in the community."

    @factory.post_generation
    def taxonomy_terms(self, create, extracted, **kwargs):
        if create and extracted:
            self.taxonomy_terms.set(extracted)

    @factory.post_generation
    def localities(self, create, extracted, **kwargs):
        if create and extracted:
            self.localities.set(extracted)

    @factory.post_generation
    def refresh_search(self, create, extracted, **kwargs):
        if create:
            service_refresh_search_document(service=self)


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = d.Location

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Community centre {n}")
    address_1 = "1 Example Street"
    city = "Leeds"
    postcode = "LS1 4AP"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Sam"
    last_name = factory.Sequence(lambda n: f"Tester{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.PRACTITIONER


def member(organisation, role: Role, username: str | None = None) -> User:
    """A user who works for `organisation` in `role` (and acts as that membership)."""
    membership = MembershipFactory(
        organisation=organisation,
        role=role,
        user=UserFactory(username=username or f"{role}.{organisation.slug}"),
    )
    user = membership.user
    user.acting_membership = membership
    return user
