"""The routes beside the Streamlit app: sign in (password, then the one-time code or setting one up),
sign out, and redeeming a share (a link's token or a typed code). Each sets or clears the HttpOnly,
SameSite=Lax session cookie (Secure behind https); Streamlit itself cannot set cookies.

Slow or blocking work (argon2, the store) runs in the thread pool, never on the event loop.
"""

from __future__ import annotations

from urllib.parse import parse_qs

import segno
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from ditmap.accounts.shares import ShareError
from ditmap.accounts.signin import CODE, ENROL, SIGNED_IN
from ditmap.web import html
from ditmap.web.hosts import trusted_proxies
from ditmap.web.middleware import COOKIE, PENDING_COOKIE, _clinic

MAX_FORM = 8192
NO_STORE = {"cache-control": "no-store", "content-security-policy": html.PAGE_CSP}
SHARE_HEADERS = {**NO_STORE, "referrer-policy": "no-referrer"}


def _address(request: Request) -> str:
    return request.scope.get("state", {}).get("ditmap_address") or (request.client.host if request.client else "")


def _secure(request: Request) -> bool:
    import os

    if os.environ.get("DITMAP_SECURE_COOKIES") == "1" or request.url.scheme == "https":
        return True
    peer = request.client.host if request.client else ""
    return peer in trusted_proxies() and request.headers.get("x-forwarded-proto") == "https"


def _page(body: str, status: int = 200, headers: dict[str, str] | None = None) -> HTMLResponse:
    return HTMLResponse(body, status_code=status, headers=headers or NO_STORE)


def _set_cookie(response: Response, request: Request, name: str, token: str, *, max_age: int | None = None,
                path: str = "/") -> None:
    response.set_cookie(name, token, max_age=max_age, path=path, httponly=True, samesite="lax",
                        secure=_secure(request))


async def _form(request: Request) -> dict[str, str]:
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM:
            return {}
    parsed = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True, max_num_fields=10)
    return {k: v[0] for k, v in parsed.items()}


async def sign_in(request: Request) -> Response:
    clinic = _clinic()
    if clinic.accounts is None or clinic.mode() != "clinic":
        return RedirectResponse("/", status_code=303)
    if request.method == "GET":
        return _page(html.sign_in())
    form = await _form(request)
    name = form.get("name", "")
    step = await run_in_threadpool(clinic.accounts.sign_in, name, form.get("password", ""), _address(request))
    if step.stage == SIGNED_IN:
        response: Response = RedirectResponse("/", status_code=303)
        _set_cookie(response, request, COOKIE, step.token)
        return response
    if step.stage in (CODE, ENROL):
        response = RedirectResponse("/signin/code", status_code=303)
        _set_cookie(response, request, PENDING_COOKIE, step.token, max_age=300, path="/signin")
        return response
    return _page(html.sign_in(step.message, name[:64]), status=401)


async def second_step(request: Request) -> Response:
    clinic = _clinic()
    if clinic.accounts is None:
        return RedirectResponse("/", status_code=303)
    token = request.cookies.get(PENDING_COOKIE, "")
    if request.method == "GET":
        enrol = await run_in_threadpool(clinic.accounts.enrolment, token)
        if enrol is not None:
            secret, uri = enrol
            return _page(html.enrol_step(segno.make_qr(uri).svg_data_uri(scale=5), secret))
        record = await run_in_threadpool(clinic.records.session, _hash(token)) if token else None
        if record is None or record.stage != CODE:
            return RedirectResponse("/signin", status_code=303)
        return _page(html.code_step())
    form = await _form(request)
    step = await run_in_threadpool(clinic.accounts.second_step, token, form.get("code", ""), _address(request))
    if step.stage == SIGNED_IN:
        response: Response = (_page(html.recovery_codes(step.recovery_codes)) if step.recovery_codes
                              else RedirectResponse("/", status_code=303))
        _set_cookie(response, request, COOKIE, step.token)
        response.delete_cookie(PENDING_COOKIE, path="/signin")
        return response
    if step.stage == ENROL:
        enrol = await run_in_threadpool(clinic.accounts.enrolment, token)
        if enrol is not None:
            return _page(html.enrol_step(segno.make_qr(enrol[1]).svg_data_uri(scale=5), enrol[0], step.message),
                         status=401)
    if step.stage == CODE:
        return _page(html.code_step(step.message), status=401)
    return _page(html.sign_in(step.message), status=401)


def _hash(token: str) -> str:
    from ditmap.accounts.signin import token_hash

    return token_hash(token)


async def sign_out(request: Request) -> Response:
    clinic = _clinic()
    if clinic.accounts is not None:
        await run_in_threadpool(clinic.accounts.sign_out, request.cookies.get(COOKIE), address=_address(request))
    why = request.query_params.get("why")
    message = {"idle": "You were signed out after a while without activity.",
               "ended": "The shared session has ended. Thank you."}.get(why or "", "You are signed out.")
    response = _page(html.signed_out(message))
    response.delete_cookie(COOKIE, path="/")
    return response


async def redeem_link(request: Request) -> Response:
    return await _redeem(request, token=request.path_params.get("token", ""))


async def join(request: Request) -> Response:
    if request.method == "GET":  # the form: not no-referrer, or the browser posts it with `Origin: null`
        return _page(html.join())
    form = await _form(request)
    return await _redeem(request, code=form.get("code", ""))


async def _redeem(request: Request, *, token: str | None = None, code: str | None = None) -> Response:
    clinic = _clinic()
    if clinic.shares is None or clinic.mode() != "clinic":
        return _page(html.share_problem("Sharing needs clinic mode."), status=404, headers=SHARE_HEADERS)
    try:
        client_token, _share = await run_in_threadpool(clinic.shares.redeem, token=token, code=code,
                                                        address=_address(request))
    except ShareError as err:
        if code is not None:  # the form again, to try another code (it must post with its real Origin)
            return _page(html.join(str(err)), status=403)
        return _page(html.share_problem(str(err)), status=403, headers=SHARE_HEADERS)
    response = RedirectResponse("/", status_code=303, headers=SHARE_HEADERS)  # the address loses the token
    _set_cookie(response, request, COOKIE, client_token)
    return response


ROUTES = [
    Route("/signin", sign_in, methods=["GET", "POST"]),
    Route("/signin/code", second_step, methods=["GET", "POST"]),
    Route("/signout", sign_out, methods=["GET", "POST"]),
    Route("/join", join, methods=["GET", "POST"]),
    Route("/share/{token}", redeem_link, methods=["GET"]),
]
