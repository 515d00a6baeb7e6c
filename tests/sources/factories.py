import factory

from sources.models import Provenance, SourceDocument, SourceKind


class SourceDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SourceDocument

    kind = SourceKind.WRITTEN_ANSWER
    title = factory.Sequence(lambda n: f"Offences against Children ({n})")
    url = factory.Sequence(lambda n: f"https://parallelparliament.co.uk/question/{10000 + n}/x")
    publisher = "Parallel Parliament"
    department = "Home Office"
    provenance = Provenance.PRIMARY_MIRROR
    published_on = factory.Faker("date_between", start_date="-2y", end_date="today")
    text = factory.Sequence(
        lambda n: (
            f"Document {n}. The Government will deliver the commitment on time. "
            "It said: \u201cwe will act\u201d \u2013 and it did."
        )
    )
