"""The search page (检索): passages of every report the user may open. Thin: the form reads the
query string, a service catches up stale index entries, the selector searches and authorises."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from ..forms import SearchForm
from ..selectors import members as member_selectors
from ..selectors import search as search_selectors
from ..services import search as search_services
from .common import login_required


@require_GET
@login_required
@vary_on_headers("HX-Request")
def search(request: HttpRequest) -> HttpResponse:
    """Search by the query string (bookmarkable); an htmx request gets the results partial only."""
    membership = member_selectors.membership_for(request.user)
    form = SearchForm(request.GET, bureau=membership.bureau if membership else None)
    filters = form.filters()
    result = None
    if "q" in request.GET:
        search_services.search_catch_up()
        result = search_selectors.search(user=request.user, **filters)
    context = {"form": form, "result": result, "membership": membership}
    partial = request.htmx and not request.htmx.history_restore_request
    return render(
        request, "reports/search.html#search-results" if partial else "reports/search.html", context
    )
