"""The few server-rendered pages (sign-in, one-time code, share, signed out, personal-mode notice).

Plain HTML forms, no script; every value that comes from a person or the store is escaped. They are
sent with their own strict Content-Security-Policy (`PAGE_CSP`).
"""

from __future__ import annotations

from html import escape

PAGE_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; "
            "frame-ancestors 'none'; base-uri 'none'")

_STYLE = """
body { font-family: system-ui, sans-serif; background: #fbfaf7; color: #1f2a2e; margin: 0; }
main { max-width: 26rem; margin: 8vh auto; padding: 2rem; background: #fff; border: 1px solid #dfe5e2;
       border-radius: 0.75rem; }
h1 { font-weight: 500; font-size: 1.6rem; margin-top: 0; }
label { display: block; margin: 1rem 0 0.3rem; }
input { width: 100%; box-sizing: border-box; font-size: 1.1rem; padding: 0.55rem; border: 1px solid #9fb1ac;
        border-radius: 0.4rem; }
button, .button { margin-top: 1.4rem; font-size: 1.05rem; padding: 0.6rem 1.2rem; border: 0; border-radius: 0.4rem;
         background: #2f6f73; color: #fff; cursor: pointer; text-decoration: none; display: inline-block; }
.problem { background: #fdecea; color: #7a1f14; padding: 0.7rem; border-radius: 0.4rem; }
.note { color: #51615c; font-size: 0.95rem; }
code, .codes { font-family: ui-monospace, monospace; font-size: 1.05rem; }
.codes { columns: 2; padding-left: 1.2rem; }
img.qr { width: 220px; height: 220px; image-rendering: pixelated; }
"""


def page(title: str, body: str) -> str:
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" '
            f'content="width=device-width, initial-scale=1"><title>{escape(title)} · ditmap</title>'
            f"<style>{_STYLE}</style></head><body><main>{body}</main></body></html>")


def _problem(message: str) -> str:
    return f'<p class="problem" role="alert">{escape(message)}</p>' if message else ""


def sign_in(message: str = "", name: str = "", *, note: str = "") -> str:
    return page("Sign in", f"""<h1>Sign in to ditmap</h1>{_problem(message)}
{f'<p class="note">{escape(note)}</p>' if note else ''}
<form method="post" action="/signin">
<label for="name">Name</label>
<input id="name" name="name" autocomplete="username" required autofocus value="{escape(name)}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button></form>
<p class="note">Joining a session as a client? Use the link or the code from your therapist:
<a href="/join">join here</a>.</p>""")


def code_step(message: str = "") -> str:
    return page("One-time code", f"""<h1>One-time code</h1>{_problem(message)}
<form method="post" action="/signin/code">
<label for="code">The 6-digit code from your authenticator app (or a recovery code)</label>
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required autofocus>
<button type="submit">Continue</button></form>""")


def enrol_step(qr_data_uri: str, secret: str, message: str = "") -> str:
    grouped = " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
    return page("Set up one-time codes", f"""<h1>Set up one-time codes</h1>{_problem(message)}
<p>Your account needs a second step when signing in. Scan this with an authenticator app on your phone,
or type the key into it, then enter the code it shows.</p>
<img class="qr" alt="QR code for your authenticator app" src="{escape(qr_data_uri)}">
<p class="note">Key: <code>{escape(grouped)}</code></p>
<form method="post" action="/signin/code">
<label for="code">The 6-digit code the app shows now</label>
<input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required autofocus>
<button type="submit">Confirm</button></form>""")


def recovery_codes(codes: tuple[str, ...]) -> str:
    items = "".join(f"<li>{escape(c)}</li>" for c in codes)
    return page("Recovery codes", f"""<h1>Keep these recovery codes</h1>
<p>Each one works once, instead of a code from your phone, if you lose it. Store them in a password manager
or print them; they are not shown again.</p><ol class="codes">{items}</ol>
<a class="button" href="/">Continue to ditmap</a>""")


def signed_out(message: str = "You are signed out.") -> str:
    return page("Signed out", f"""<h1>{escape(message)}</h1>
<p>Nothing you did was lost: every change was saved as you made it.</p>
<a class="button" href="/signin">Sign in again</a>""")


def join(message: str = "") -> str:
    return page("Join", f"""<h1>Join your session</h1>{_problem(message)}
<form method="post" action="/join">
<label for="code">The code your therapist gave you</label>
<input id="code" name="code" autocomplete="off" autocapitalize="characters" required autofocus
 placeholder="ABCD-EFGH">
<button type="submit">Join</button></form>""")


def share_problem(message: str) -> str:
    return page("Link not valid", f"<h1>This link cannot be used</h1>{_problem(message)}"
                                  '<a class="button" href="/join">Type a code instead</a>')


def personal_mode_elsewhere() -> str:
    return page("Set up accounts first", """<h1>ditmap is in personal mode</h1>
<p>This server has no accounts yet, so it shows maps only on the computer it runs on
(<code>http://localhost:8501</code>).</p>
<p>To let other devices use it (a client's tablet, a supervisor), the person running it sets up clinic mode:</p>
<ol><li><code>ditmap user add --admin NAME</code> (an administrator)</li>
<li><code>ditmap user add THERAPIST --owns-existing-maps</code></li>
<li>put it behind the HTTPS proxy in <code>deploy/</code> and list its name in <code>DITMAP_HOSTS</code></li></ol>
<p class="note">See docs/clinic.md.</p>""")


def foreign_host() -> str:
    return "This server does not answer to that name.\n"
