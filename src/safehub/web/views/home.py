from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..home_content import home_for
from ..permissions import login_required_for_all


@login_required_for_all
def home(request: HttpRequest) -> HttpResponse:
    """Each role's starting point: a few task links (every role may see its own home page)."""
    return render(request, "web/home.html", home_for(request.user))
