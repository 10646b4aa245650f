from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from supportdesk.accounts.decorators import AgentRequest, agent_required
from supportdesk.search.selectors import agent_search


@agent_required
def search_page(request: AgentRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:300]
    kind = request.GET.get("kind", "ticket")
    try:
        page = max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        page = 1
    result = agent_search(user=request.user, query=query, kind=kind, page=page) if query else None
    return render(request, "search/search.html", {"query": query, "kind": kind, "result": result, "page": page})
