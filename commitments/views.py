from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import DetailView, ListView, TemplateView

from .models import (
    Announcement,
    Citation,
    Commitment,
    CommitmentLink,
    FundingLine,
    Status,
)


class HomeView(TemplateView):
    template_name = "commitments/home.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        commitments = Commitment.objects.published().as_of(today).filter(status__isnull=False)
        counts = dict(
            commitments.order_by()
            .values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
        by_status = [(status, counts.get(status.value, 0)) for status in Status]
        latest = (
            Announcement.objects.evidenced()
            .filter(commitment__in=Commitment.objects.published(), date__lte=today)
            .select_related("commitment")
            .order_by("-date", "-pk")[:10]
        )
        return super().get_context_data(
            today=today,
            by_status=by_status,
            total=sum(counts.values()),
            overdue=commitments.filter(is_overdue=True).order_by("deadline", "title"),
            latest=latest,
            **kwargs,
        )


class CommitmentListView(ListView):
    template_name = "commitments/commitment_list.html"
    context_object_name = "commitments"
    paginate_by = 50

    def get_queryset(self):
        self.today = timezone.localdate()
        return Commitment.objects.published().for_list(self.today).filter(status__isnull=False)

    def get_context_data(self, **kwargs):
        return super().get_context_data(today=self.today, **kwargs)


class CommitmentDetailView(DetailView):
    template_name = "commitments/commitment_detail.html"
    context_object_name = "commitment"

    def get_object(self, queryset=None):
        self.today = timezone.localdate()
        cited = Citation.objects.select_related("source")
        queryset = (
            Commitment.objects.published()
            .as_of(self.today)
            .select_related("parent")
            .prefetch_related(
                Prefetch(
                    "announcements",
                    queryset=Announcement.objects.evidenced()
                    .filter(date__lte=self.today)
                    .prefetch_related(Prefetch("citations", queryset=cited)),
                    to_attr="timeline",
                ),
                Prefetch(
                    "funding_lines",
                    queryset=FundingLine.objects.evidenced()
                    .with_flags()
                    .filter(Q(stated_on__lte=self.today) | Q(stated_on__isnull=True))
                    .prefetch_related(Prefetch("citations", queryset=cited)),
                    to_attr="cited_funding",
                ),
                Prefetch(
                    "citations",
                    queryset=cited.of_pledges(),
                    to_attr="pledge_quotes",
                ),
                Prefetch(
                    "children",
                    queryset=Commitment.objects.published().as_of(self.today),
                    to_attr="published_children",
                ),
                Prefetch(
                    "links_out",
                    queryset=CommitmentLink.objects.filter(
                        to_commitment__in=Commitment.objects.published()
                    ).select_related("to_commitment"),
                    to_attr="published_links_out",
                ),
                Prefetch(
                    "links_in",
                    queryset=CommitmentLink.objects.filter(
                        from_commitment__in=Commitment.objects.published()
                    ).select_related("from_commitment"),
                    to_attr="published_links_in",
                ),
            )
        )
        return get_object_or_404(queryset, slug=self.kwargs["slug"], status__isnull=False)

    def get_context_data(self, **kwargs):
        state = self.object.state
        return super().get_context_data(
            today=self.today,
            state=state,
            status_event=state.status_event(self.object.timeline),
            **kwargs,
        )
