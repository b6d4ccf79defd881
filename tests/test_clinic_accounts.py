"""Accounts and sign-in (clinic mode's core, no Streamlit): passwords, throttling, second factor, sessions."""

from __future__ import annotations

import pyotp
import pytest
from argon2 import PasswordHasher

from ditmap.accounts import passwords
from ditmap.accounts.model import ADMIN, SUPERVISOR, THERAPIST, AccountError
from ditmap.accounts.signin import CODE, ENROL, SIGNED_IN, WRONG, Accounts, token_hash
from tests.clinic_support import PASSWORD, World


@pytest.fixture
def w(store_db):
    return World(store_db)


def test_new_passwords_follow_the_rule():
    assert passwords.problem("short one") is not None
    assert passwords.problem("password1234") is not None  # common with digits
    assert passwords.problem("iloveyou1234567") is not None
    assert passwords.problem("aaaaaaaaaaaaaaaa") is not None
    assert passwords.problem("123456789012") is not None
    assert passwords.problem("qwertyuiopasdf") is not None
    assert passwords.problem("ann is great 2026", "ann") is not None
    assert passwords.problem(PASSWORD) is None
    assert len(passwords.common_passwords()) > 5000


def test_the_first_account_turns_clinic_mode_on_and_the_hash_is_argon2id(w):
    assert not w.records.has_accounts()
    w.accounts.add("ann", PASSWORD, {THERAPIST})
    assert w.records.has_accounts()
    stored = w.records.account("ANN")  # names compare without case
    assert stored.password_hash.startswith("$argon2id$") and PASSWORD not in stored.password_hash
    with pytest.raises(AccountError, match="already"):
        w.accounts.add("Ann", PASSWORD, {THERAPIST})
    with pytest.raises(AccountError, match="12 characters"):
        w.accounts.add("bob", "too short", {THERAPIST})


def test_sign_in_and_the_session_is_stored_as_a_hash(w):
    w.accounts.add("ann", PASSWORD, {THERAPIST})
    step = w.accounts.sign_in("ann", PASSWORD, "10.0.0.5")
    assert step.stage == SIGNED_IN and len(step.token) >= 40
    assert w.records.session(step.token) is None  # the token itself is not a key
    assert w.records.session(token_hash(step.token)) is not None
    live = w.accounts.live(step.token)
    assert live.identity.name == "ann" and THERAPIST in live.identity.roles


class CountingHasher(PasswordHasher):
    verified = 0

    def verify(self, hash, password):
        CountingHasher.verified += 1
        return super().verify(hash, password)


def test_unknown_names_get_the_same_answer_and_the_same_work(store_db):
    w = World(store_db)
    w.accounts = Accounts(w.records, policy=w.accounts.policy, hasher=CountingHasher(time_cost=1, memory_cost=1024,
                                                                                     parallelism=1), clock=w.clock)
    w.accounts.add("ann", PASSWORD, {THERAPIST})
    answers = []
    for name, pw in (("ann", "wrong password here"), ("nobody", "wrong password here"), ("bad name!", "x")):
        before = CountingHasher.verified
        answers.append(w.accounts.sign_in(name, pw))
        assert CountingHasher.verified == before + 1  # one argon2 verification, whatever the name
    assert {a.message for a in answers} == {WRONG} and {a.stage for a in answers} == {"refused"}


def test_five_failures_lock_the_account_even_for_the_right_password(w):
    w.accounts.add("ann", PASSWORD, {THERAPIST})
    for _ in range(5):
        assert w.accounts.sign_in("ann", "not the password!", "10.0.0.5").stage == "refused"
    locked = w.accounts.sign_in("ann", PASSWORD, "10.0.0.6")
    assert locked.stage == "refused" and locked.message == WRONG
    rows = w.records.audit_rows(actor="ann")
    assert [r.outcome for r in rows if r.action == "sign-in"][-1] == "locked"
    w.clock.advance(minutes=16)
    assert w.accounts.sign_in("ann", PASSWORD).stage == SIGNED_IN


def test_unknown_names_lock_too_and_are_not_recorded_by_name(w):
    for _ in range(6):
        w.accounts.sign_in("typo-or-a-password", "x" * 12, "10.0.0.9")
    assert all(r.actor == "(unknown name)" for r in w.records.audit_rows() if r.action == "sign-in")
    assert w.accounts.sign_in("typo-or-a-password", "x" * 12).message == WRONG


def test_an_address_is_throttled_across_names(w):
    w.accounts.add("ann", PASSWORD, {THERAPIST})
    for i in range(20):
        w.accounts.sign_in(f"guess{i}", "not the password!", "10.0.0.7")
    assert w.accounts.sign_in("ann", PASSWORD, "10.0.0.7").stage == "refused"
    assert w.accounts.sign_in("ann", PASSWORD, "10.0.0.8").stage == SIGNED_IN


def test_admins_set_up_a_second_factor_then_must_use_it(w):
    w.accounts.add("root", PASSWORD, {ADMIN})
    first = w.accounts.sign_in("root", PASSWORD)
    assert first.stage == ENROL and w.accounts.live(first.token) is None  # not signed in yet
    secret, uri = w.accounts.enrolment(first.token)
    assert uri.startswith("otpauth://totp/") and "root" in uri
    assert w.accounts.second_step(first.token, "000000").stage == ENROL  # wrong code: try again
    done = w.accounts.second_step(first.token, pyotp.TOTP(secret).at(w.clock.now))
    assert done.stage == SIGNED_IN and len(done.recovery_codes) == 10
    assert w.accounts.live(done.token).identity.name == "root"
    w.clock.advance(seconds=40)
    again = w.accounts.sign_in("root", PASSWORD)
    assert again.stage == CODE
    code = w.code("root")
    assert w.accounts.second_step(again.token, code).stage == SIGNED_IN
    replay = w.accounts.sign_in("root", PASSWORD)
    assert w.accounts.second_step(replay.token, code).stage == CODE  # a code works once
    rec = done.recovery_codes[0]
    assert w.accounts.second_step(replay.token, rec).stage == SIGNED_IN
    third = w.accounts.sign_in("root", PASSWORD)
    assert w.accounts.second_step(third.token, rec).stage == CODE  # a recovery code works once
    stored = w.records.account("root")
    assert all(c.replace("-", "") not in str(stored) for c in done.recovery_codes)


def test_supervisors_need_a_second_factor_therapists_may_skip_it(w):
    w.accounts.add("sue", PASSWORD, {SUPERVISOR})
    w.accounts.add("ann", PASSWORD, {THERAPIST})
    assert w.accounts.sign_in("sue", PASSWORD).stage == ENROL
    assert w.accounts.sign_in("ann", PASSWORD).stage == SIGNED_IN


def test_idle_and_absolute_limits_and_activity(w):
    w.accounts.add("ann", PASSWORD, {THERAPIST})
    token = w.accounts.sign_in("ann", PASSWORD).token
    for _ in range(31):  # 11 h 53 min of activity every 23 minutes keeps it alive …
        w.clock.advance(minutes=23)
        live = w.accounts.live(token)
        assert live is not None
        w.accounts.touch(live)
    w.clock.advance(minutes=8)
    assert w.accounts.live(token) is None  # … but never beyond 12 hours
    token = w.accounts.sign_in("ann", PASSWORD).token
    w.clock.advance(minutes=29)
    assert w.accounts.live(token) is not None  # reading is not activity
    w.clock.advance(minutes=2)
    assert w.accounts.live(token) is None
    assert w.records.audit_rows(actor="ann")[-1].action == "timeout"


def test_sign_out_ends_the_session_everywhere_and_a_password_change_ends_the_others(w):
    w.accounts.add("ann", PASSWORD, {THERAPIST})
    a = w.accounts.sign_in("ann", PASSWORD).token
    b = w.accounts.sign_in("ann", PASSWORD).token
    c = w.accounts.sign_in("ann", PASSWORD).token
    w.accounts.sign_out(a)
    assert w.accounts.live(a) is None and w.accounts.live(b) is not None
    w.accounts.change_own_password(w.accounts.live(b), PASSWORD, "another long sentence 7")
    assert w.accounts.live(b) is not None and w.accounts.live(c) is None
    with pytest.raises(AccountError):
        w.accounts.change_own_password(w.accounts.live(b), "wrong old one!", "yet another sentence 8")


def test_disable_ends_sessions_and_refuses_sign_in(w):
    w.accounts.add("ann", PASSWORD, {THERAPIST})
    token = w.accounts.sign_in("ann", PASSWORD).token
    w.accounts.set_disabled("ann", True)
    assert w.accounts.live(token) is None
    assert w.accounts.sign_in("ann", PASSWORD).message == WRONG
    w.accounts.set_disabled("ann", False)
    assert w.accounts.sign_in("ann", PASSWORD).stage == SIGNED_IN


def test_reset_second_factor_makes_the_next_sign_in_set_it_up_again(w):
    w.accounts.add("root", PASSWORD, {ADMIN})
    first = w.accounts.sign_in("root", PASSWORD)
    secret, _ = w.accounts.enrolment(first.token)
    w.accounts.second_step(first.token, pyotp.TOTP(secret).at(w.clock.now))
    w.accounts.reset_second_factor("root")
    assert w.records.account("root").totp_secret is None
    assert w.accounts.sign_in("root", PASSWORD).stage == ENROL


def test_a_therapist_may_turn_one_time_codes_on(w):
    w.accounts.add("ann", PASSWORD, {THERAPIST})
    secret = pyotp.random_base32()
    with pytest.raises(AccountError, match="did not work"):
        w.accounts.add_second_factor("ann", secret, "123456")
    codes = w.accounts.add_second_factor("ann", secret, pyotp.TOTP(secret).at(w.clock.now))
    assert len(codes) == 10
    w.clock.advance(seconds=40)
    assert w.accounts.sign_in("ann", PASSWORD).stage == CODE  # from now on, a code after the password


def test_names_compare_without_regard_to_case_on_every_back_end(w):
    w.accounts.add("Ann", PASSWORD, {THERAPIST})
    w.accounts.add("Sue", PASSWORD, {SUPERVISOR})
    assert w.records.account("ANN").name == "Ann"
    with pytest.raises(AccountError, match="already an account"):
        w.accounts.add("ann", PASSWORD, {THERAPIST})
    assert [a.name for a in w.records.accounts()] == ["Ann", "Sue"]
    w.records.assign("sue", "ANN")
    w.records.assign("SUE", "ann")  # the same assignment: not a second row
    assert w.records.assignments() == [("sue", "ANN")] and w.records.supervises("Sue", "Ann")
    w.records.set_owner("m-1", "ann")
    assert w.records.owner("m-1").lower() == "ann"
