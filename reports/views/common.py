"""Small request helpers shared by the views."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views import defaults

from ..errors import DomainError


def login_required(view):
    """Like Django's, but an htmx request from a signed-out user gets 401 instead of a redirect.

    htmx follows redirects, so an autosave after the session expired would swap the login page
    into the editor and look saved; a 401 makes the page keep the text and say why.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if getattr(request, "htmx", False):
            return HttpResponse(
                "登录已过期，请重新登录。", status=401, content_type="text/plain; charset=utf-8"
            )
        return redirect_to_login(request.get_full_path())

    return wrapped


def parse_int(value: str | None) -> int:
    """An id or number from a request parameter; -1 (matches nothing) when it is not an integer."""
    try:
        return int(value or "")
    except (TypeError, ValueError):
        return -1


def csrf_failure(request, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a short Chinese answer that also reads well inside an htmx fragment."""
    return HttpResponse(
        "页面已过期，请刷新页面后重试（您输入的内容已暂存在浏览器中，刷新后会自动恢复）。",
        status=403,
        content_type="text/plain; charset=utf-8",
    )


def redirect_to(request, url: str) -> HttpResponse:
    """Go to `url` after an action: a 302, or for htmx a 200 with HX-Redirect (htmx would follow a
    302 and swap the whole next page into the target)."""
    if getattr(request, "htmx", False):
        return HttpResponse(status=200, headers={"HX-Redirect": url})
    return HttpResponseRedirect(url)


def flash_error(request, message: str, *, status: int, report=None, links=()) -> HttpResponse:
    """An error answer for any htmx action: it goes to the page's message region (#flash).

    Whatever element the action targets, the answer is retargeted, so an error never replaces
    the element that the next click needs (a button, a comment list, a select). `links`: (text,
    URL) pairs listed under the message (the places a refused submission must fix).
    """
    context = {"error": message, "report": report, "links": links}
    response = render(request, "reports/_flash.html", context, status=status)
    response["HX-Retarget"] = "#flash"
    response["HX-Reswap"] = "outerHTML"
    return response


def domain_error_response(request, error: DomainError, *, report=None) -> HttpResponse:
    """The one answer to a refused action: the error's Chinese message with its status_code.

    htmx gets it in the page's message region (flash_error: whatever the action targeted survives);
    a plain request gets an error page with a way back to the report.
    """
    links = getattr(error, "links", ())
    if getattr(request, "htmx", False):
        return flash_error(request, str(error), status=error.status_code, report=report, links=links)
    context = {"error": str(error), "report": report, "links": links}
    return render(request, "reports/refused.html", context, status=error.status_code)


def bad_request(request, exception=None, template_name="400.html") -> HttpResponse:
    """handler400. A body over DATA_UPLOAD_MAX_MEMORY_SIZE (a huge paste) gets the same Chinese
    answer as an over-long field, as 413, which the page shows without retrying."""
    if isinstance(exception, RequestDataTooBig):
        from django.conf import settings

        from ..services import reports as report_services

        limit_mb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024
        return HttpResponse(
            f"内容过长（超过{limit_mb:g} MB），单项最多{report_services.MAX_TEXT}字，请分段。未保存，内容仍在本页。",
            status=413,
            content_type="text/plain; charset=utf-8",
        )
    return defaults.bad_request(request, exception, template_name=template_name)


def permission_denied(request, exception=None) -> HttpResponse:
    """handler403: the Chinese reason a view raised PermissionDenied with, on the app's 403 page.

    An htmx request gets the message in the page's message region, like every refused action.
    """
    if getattr(request, "htmx", False):
        message = str(exception or "") or "您没有权限执行此操作。如需权限，请联系本局管理员。"
        return flash_error(request, message, status=403)
    return render(request, "403.html", {"exception": str(exception or "")}, status=403)


def login_locked_out(request, original_response=None, credentials=None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the login page again, saying in Chinese why the login is refused.

    django-axes calls it for any login (ours or the admin's) once an account or an address has
    reached LOGIN_FAILURE_LIMIT failures; the right password is refused too until the cool-off ends.
    """
    from django.conf import settings

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {
        "locked_out": f"登录失败次数过多，该账号或本机地址已被暂时锁定。请 {minutes} 分钟后再试，或请管理员解除锁定。",
        "username": (credentials or {}).get("username", "") or request.POST.get("username", ""),
        "next": request.POST.get("next", ""),
    }
    return render(request, "registration/login.html", context, status=429)
