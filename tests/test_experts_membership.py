"""Joining the Roster of Experts, and the expert's own profile: the CV, edits, withdrawal, and whose
profile each page acts on."""

from __future__ import annotations

import html as htmllib
import io
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, g
from flask_babel import gettext
from sqlalchemy import func, select, text

from oicvet.accounts.models import Account, Role
from oicvet.experts.models import Expert
from oicvet.extensions import db
from oicvet.partners.models import Status as PartnerStatus
from oicvet.profiles.status import Status
from oicvet.uploads import folder
from tests.conftest import PASSWORD, csrf_token, log_in, submit, unique_email
from tests.expert_helpers import (
    ENVIRONMENT,
    SAFETY,
    create_expert,
    cv_path,
    expert_of,
    join_data,
    large_pdf,
    pdf_bytes,
    unique,
    uploads,
)
from tests.panel_helpers import create_account, logged_in

JOIN = "/{lang}/experts/join"
PROFILE = "/en/experts/profile"
CV = "/en/experts/profile/cv"
WITHDRAW = "/en/experts/profile/withdraw"
MB = 1024 * 1024
#: A stored CV's name: random, and nothing of the name it was sent with.
RANDOM_NAME = re.compile(r"[0-9a-f]{32}\.pdf")
#: The fields of the form that are no part of the profile.
NOT_PROFILE = ("email", "password", "confirm", "cv", "consent")


def _join(client, lang: str = "en", **overrides: Any):
    """Open the joining page, and post a valid form with ``overrides``."""
    token = csrf_token(client.get(JOIN.format(lang=lang)).get_data(as_text=True))
    return client.post(JOIN.format(lang=lang), data=join_data(token, **overrides))


def _profile_data(token: str, **overrides: Any) -> dict[str, Any]:
    """The profile form's fields (those of the joining form that are the profile)."""
    data = join_data(token, **overrides)
    for name in NOT_PROFILE:
        data.pop(name)
    return data


def _account_join_data(token: str, **overrides: Any) -> dict[str, Any]:
    """The joining form of a logged-in account: the profile, the CV and the consent."""
    data = join_data(token, **overrides)
    for name in ("email", "password", "confirm"):
        data.pop(name)
    return data


def _expert(app: Flask, expert_id: int) -> Expert | None:
    with app.app_context():
        found = db.session.get(Expert, expert_id)
        if found is not None:
            _ = found.account.role_rows, found.roster_rows
            db.session.expunge_all()
        return found


def _experts_named(app: Flask, name: str) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Expert).where(Expert.name == name))


def _accounts_with(app: Flask, email: str) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Account).where(Account.email == email.lower()))


def _account(app: Flask, account_id: int) -> Account | None:
    with app.app_context():
        found = db.session.get(Account, account_id)
        if found is not None:
            _ = found.role_rows
            db.session.expunge_all()
        return found


def _translated(app: Flask, lang: str, message: str) -> str:
    """``message`` as the catalogs of ``lang`` give it (English until they translate it)."""
    with app.test_request_context(f"/{lang}/"):
        g.lang = lang
        return gettext(message)


def _text(html: str) -> str:
    """A page's words, without its markup."""
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _checked(html: str, name: str, value: str) -> bool:
    """Whether the box ``name`` of ``value`` is ticked (whatever the order of its attributes)."""
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag and f'value="{value}"' in tag:
            return re.search(r"\schecked[\s>]", tag) is not None
    return False


def _selected(html: str, select_name: str, value: str) -> bool:
    found = re.search(rf'<select[^>]*name="{select_name}"[^>]*>(.*?)</select>', html, re.S)
    return found is not None and f'<option value="{value}" selected>' in found.group(1)


# Joining, as a visitor


def test_a_visitor_joins_in_arabic_confirms_and_administrators_are_told(app, outbox):
    admin = create_account(app, Role.ADMINISTRATOR, language="fr")
    before = uploads(app)
    email = unique_email("expert-join")
    name = unique("أمينة التجريبية")
    sent = pdf_bytes(2)
    visitor = app.test_client()
    assert visitor.get(JOIN.format(lang="ar")).status_code == 200
    response = _join(
        visitor, "ar", email=email, cv=sent, cv_name="my-cv.pdf", name=name, nationality="JO",
        residence_country="EG", institution="جامعة القاهرة", position="Professor", phone="+20 2 000 0000",
        rosters=[ENVIRONMENT, SAFETY], expertise=[f"{ENVIRONMENT}.irrigation", f"{SAFETY}.inspection"],
        years_experience="17", degree="doctorate", work_countries=["EG", "JO", "TN"],
        profile="Irrigation engineer and labour inspector.",
        **{"languages-0-language": "ar", "languages-0-level": "native", "languages-1-language": "en",
           "languages-1-level": "working", "languages-2-language": "fr", "languages-2-level": "basic"},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/ar/experts/join/sent"
    assert visitor.get("/ar/experts/join/sent").status_code == 200

    expert = expert_of(app, email)
    assert expert is not None and expert.status == Status.UNCONFIRMED
    assert (expert.name, expert.nationality, expert.residence_country) == (name, "JO", "EG")
    assert (expert.institution, expert.position, expert.phone) == ("جامعة القاهرة", "Professor", "+20 2 000 0000")
    assert expert.rosters == [ENVIRONMENT, SAFETY]
    assert expert.expertise == [f"{ENVIRONMENT}.irrigation", f"{SAFETY}.inspection"]
    assert expert.languages == ["ar:native", "en:working", "fr:basic"]
    assert expert.work_countries == ["EG", "JO", "TN"]
    assert (expert.years_experience, expert.degree) == (17, "doctorate")
    assert expert.profile == "Irrigation engineer and labour inspector."
    account = expert.account
    assert account.name == name and account.language == "ar" and account.email_confirmed_at is None
    assert Role.EXPERT not in account.roles  # an expert once approved, not before

    # The CV is kept as sent, under a random name, outside the site's static files.
    assert RANDOM_NAME.fullmatch(expert.cv_name) and expert.cv_name not in ("cv.pdf", "my-cv.pdf")
    assert uploads(app) - before == {expert.cv_name}
    path = cv_path(app, expert)
    assert path.read_bytes() == sent and expert.cv_size == len(sent)
    static = Path(app.static_folder).resolve()
    assert static not in path.resolve().parents

    link = outbox.link(email)
    assert link.startswith("/ar/account/confirm/")
    assert outbox.messages(admin.email) == []  # nothing to review until the address is confirmed
    assert submit(visitor, link, {}).status_code == 302
    assert expert_of(app, email).status == Status.PENDING
    waiting = outbox.last(admin.email)
    assert waiting["Content-Language"] == "fr" and name in waiting["Subject"]
    assert outbox.link(admin.email) == f"/fr/admin/experts/{expert.id}/"


@pytest.mark.parametrize(("lang", "overrides", "field", "message"), [
    ("ar", {"profile": ""}, "profile", "Please describe your experience in a few lines."),
    ("fr", {"languages-0-language": "", "languages-0-level": "", "languages-1-language": "",
            "languages-1-level": ""}, "languages", "Please give at least one language and your level in it."),
    ("fr", {"residence_country": ""}, "residence_country", "Please choose your country of residence."),
    ("ar", {"years_experience": "many"}, "years_experience",
     "Please enter your years of experience, as a whole number."),
])
def test_bad_input_comes_back_translated_with_what_was_typed_and_nothing_kept(app, lang, overrides, field,
                                                                              message):
    before = uploads(app)
    email = unique_email("expert-bad")
    name = unique("Kept Name")
    response = _join(app.test_client(), lang, email=email, name=name, rosters=[ENVIRONMENT, SAFETY],
                     expertise=[f"{ENVIRONMENT}.wastewater", f"{SAFETY}.chemicals"], **overrides)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="{field}-error"' in page
    error = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', page, re.S).group(1)
    assert htmllib.unescape(error) == _translated(app, lang, message)
    assert _translated(app, lang, "Please choose your CV again: a file is not kept while the form has errors.") \
        in htmllib.unescape(page)
    # What was typed is kept, the CV excepted.
    assert f'value="{name}"' in page and f'value="{email}"' in page
    if field != "profile":
        assert "Water engineer with twelve years of work on wastewater." in page
    assert _checked(page, "rosters", ENVIRONMENT) and _checked(page, "rosters", SAFETY)
    assert _checked(page, "expertise", f"{ENVIRONMENT}.wastewater") and _checked(page, "expertise", f"{SAFETY}.chemicals")
    assert not _checked(page, "expertise", f"{ENVIRONMENT}.climate")
    if field != "languages":
        assert _selected(page, "languages-0-language", "fr") and _selected(page, "languages-0-level", "native")
        assert _selected(page, "languages-1-language", "en") and _selected(page, "languages-1-level", "fluent")
    # Nothing is stored.
    assert _accounts_with(app, email) == 0 and _experts_named(app, name) == 0
    assert uploads(app) == before


# The CV's checks


def _executable() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200 + b"This program cannot be run in DOS mode."


def _elf() -> bytes:
    return b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 300


REFUSED_FILES = {
    "windows executable": (_executable, "Choose a PDF document."),
    "elf executable": (_elf, "Choose a PDF document."),
    "html page": (lambda: b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
                  "Choose a PDF document."),
    "svg with a script": (lambda: b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
                                  b"<script>alert(1)</script></svg>", "Choose a PDF document."),
    "text posing as a pdf": (lambda: b"%PDF-1.7\nThis is only text that starts like a PDF.\n" * 20,
                             "Choose a PDF document."),
    "empty file": (lambda: b"", "The file is empty."),
    "over 5 MB": (lambda: large_pdf(5 * MB), "The file is larger than 5 MB."),
}


@pytest.mark.parametrize("kind", list(REFUSED_FILES))
def test_a_file_that_is_not_an_acceptable_pdf_is_refused_and_not_kept(app, kind):
    make, message = REFUSED_FILES[kind]
    content = make()
    before = uploads(app)
    email = unique_email("expert-file")
    name = unique("Refused File")
    response = _join(app.test_client(), email=email, name=name, cv=content, cv_name="cv.pdf")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(rf'<p class="error" id="cv-error">{re.escape(message)}</p>', page), page[:300]
    assert f'value="{name}"' in page  # the rest of the form is kept
    assert _accounts_with(app, email) == 0 and _experts_named(app, name) == 0
    assert uploads(app) == before


def test_a_pdf_of_a_few_megabytes_is_accepted(app):
    """A CV may be up to 5 MB: the site's smaller cap on request bodies must not refuse it first."""
    email = unique_email("expert-large")
    sent = large_pdf(3 * MB)
    response = _join(app.test_client(), email=email, cv=sent)
    assert response.status_code == 302, response.status_code
    expert = expert_of(app, email)
    assert cv_path(app, expert).read_bytes() == sent and expert.cv_size == len(sent)


@pytest.mark.parametrize("sent_name", ["../../etc/passwd.pdf", "<script>alert(1)</script>.pdf"])
def test_the_name_a_cv_is_sent_with_is_never_used(app, sent_name):
    admin = create_account(app, Role.ADMINISTRATOR)
    before = uploads(app)
    email = unique_email("expert-name")
    visitor = app.test_client()
    response = _join(visitor, email=email, cv_name=sent_name)
    assert response.status_code == 302 and response.headers["Location"] == "/en/experts/join/sent"
    expert = expert_of(app, email)
    assert RANDOM_NAME.fullmatch(expert.cv_name)
    assert uploads(app) - before == {expert.cv_name}

    stem = "passwd" if "passwd" in sent_name else "alert(1)"
    with app.app_context():
        row = db.session.execute(text("SELECT * FROM expert WHERE id = :id"), {"id": expert.id}).one()
        kept = folder()
    assert not any(stem in str(value) or "script" in str(value) for value in row)
    assert not any(stem in path.name for path in kept.parent.rglob("*"))
    assert not (kept / sent_name).resolve().exists()

    pages = [visitor.get("/en/experts/join/sent")]
    staff, _token = logged_in(app, admin)
    pages.append(staff.get(f"/en/admin/experts/{expert.id}/"))
    download = staff.get(f"/en/experts/{expert.id}/cv")
    assert download.status_code == 200
    for page in pages:
        html = htmllib.unescape(page.get_data(as_text=True))
        assert stem not in html and "<script>alert" not in html
    assert stem not in download.headers["Content-Disposition"]


# A known address, and a logged-in account


def test_a_known_address_gets_the_same_answer_and_its_owner_is_told_nothing_typed(app, outbox):
    known = create_account(app, language="fr", name="Known Owner")
    before = uploads(app)
    name = unique("Someone Typing")
    response = _join(app.test_client(), email=known.email, name=name, phone="+221 77 123 45 67",
                     profile="Typed words that must not be quoted.", institution="Typed Institution")
    assert response.status_code == 302 and response.headers["Location"] == "/en/experts/join/sent"
    assert _accounts_with(app, known.email) == 1 and expert_of(app, known.email) is None
    assert _experts_named(app, name) == 0
    assert uploads(app) == before  # the CV sent for a known address is not kept

    mail = outbox.last(known.email)
    assert mail["Content-Language"] == "fr"
    assert mail["Subject"] == _translated(app, "fr", "Your address is already registered with OIC-VET")
    body = outbox.body(mail)
    for typed in (name, "+221 77 123 45 67", "Typed words", "Typed Institution", "Water engineer"):
        assert typed not in body and typed not in mail["Subject"]
    assert "/fr/account/login" in body

    # A new address gets the very same answer.
    other = _join(app.test_client(), email=unique_email("expert-new"))
    assert (other.status_code, other.headers["Location"]) == (302, "/en/experts/join/sent")


def test_a_partner_joins_with_its_account_and_reviewers_are_told_at_once(app, make_partner, outbox):
    partner = make_partner(PartnerStatus.APPROVED)
    admin = create_account(app, Role.ADMINISTRATOR)
    environment_editor = create_account(app, Role.SECTOR_EDITOR, sectors=("agriculture",))
    other_editor = create_account(app, Role.SECTOR_EDITOR, sectors=("economy",))
    client = app.test_client()
    assert log_in(client, partner.email, PASSWORD).status_code == 302
    with app.app_context():
        accounts_before = db.session.scalar(select(func.count()).select_from(Account))

    form = client.get(JOIN.format(lang="en")).get_data(as_text=True)
    assert partner.email in form
    assert 'name="password"' not in form and 'name="email"' not in form and 'name="cv"' in form
    name = unique("Partner Expert")
    data = _account_join_data(csrf_token(form), name=name)
    response = client.post(JOIN.format(lang="en"), data=data)
    assert response.status_code == 302 and response.headers["Location"] == "/en/experts/profile"
    assert "waits for approval" in _text(client.get(PROFILE).get_data(as_text=True))

    expert = expert_of(app, partner.email)
    assert expert.status == Status.PENDING and expert.name == name
    assert expert.account.roles == {Role.PARTNER}  # the expert role comes with approval
    assert cv_path(app, expert).exists()
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Account)) == accounts_before
    assert name in outbox.last(admin.email)["Subject"]
    assert name in outbox.last(environment_editor.email)["Subject"]
    assert outbox.messages(other_editor.email) == []
    assert outbox.messages(partner.email) == []  # no confirmation needed: the address is confirmed

    # A second join makes no second profile, and keeps no file.
    again = client.get(JOIN.format(lang="en"))
    assert again.status_code == 302 and again.headers["Location"] == "/en/experts/profile"
    assert "You have joined the Roster of Experts already" in _text(client.get(PROFILE).get_data(as_text=True))
    before = uploads(app)
    second = client.post(JOIN.format(lang="en"), data=_account_join_data(csrf_token(form), name=unique("Twice")))
    assert second.status_code == 302 and second.headers["Location"] == "/en/experts/profile"
    assert expert_of(app, partner.email).name == name and uploads(app) == before


# The profile


def test_a_pending_expert_edits_in_place(app):
    account, expert = create_expert(app, Status.PENDING)
    client, token = logged_in(app, account)
    page = client.get(PROFILE).get_data(as_text=True)
    assert f'value="{expert.name}"' in page and "Waiting for approval" in _text(page)
    renamed = unique("Corrected Expert")
    response = client.post(PROFILE, data=_profile_data(token, name=renamed, rosters=[SAFETY],
                                                       expertise=[f"{SAFETY}.ergonomics"], years_experience="20"))
    assert response.status_code == 302 and response.headers["Location"] == PROFILE
    saved = _expert(app, expert.id)
    assert (saved.name, saved.rosters, saved.years_experience, saved.status) == (renamed, [SAFETY], 20,
                                                                                 Status.PENDING)
    assert not saved.pending_changes


def test_an_approved_experts_edits_wait_and_the_public_page_shows_the_approved_version(app, outbox):
    admin = create_account(app, Role.ADMINISTRATOR)
    account, expert = create_expert(app, Status.APPROVED)
    client, token = logged_in(app, account)
    renamed = unique("Renamed Expert")
    response = client.post(PROFILE, data=_profile_data(token, name=renamed, profile="A new profile text."))
    assert response.status_code == 302 and response.headers["Location"] == PROFILE

    saved = _expert(app, expert.id)
    assert saved.name == expert.name and saved.status == Status.APPROVED
    assert saved.pending_changes and saved.pending_changes.get("name") == renamed
    own = client.get(PROFILE).get_data(as_text=True)
    assert f'value="{renamed}"' in own and "Your changes wait for approval" in _text(own)
    public = app.test_client().get(f"/en/experts/{expert.id}/").get_data(as_text=True)
    assert expert.name in public and renamed not in public and "A new profile text." not in public
    assert expert.name in outbox.last(admin.email)["Subject"]


# The CV, replaced


def test_a_new_cv_replaces_the_old_one_on_disk(app):
    account, expert = create_expert(app, Status.APPROVED)
    old = cv_path(app, expert)
    assert old.exists()
    client, token = logged_in(app, account)
    sent = pdf_bytes(3)
    response = client.post(CV, data={"csrf_token": token, "cv": (io.BytesIO(sent), "new-cv.pdf")})
    assert response.status_code == 302 and response.headers["Location"] == PROFILE
    saved = _expert(app, expert.id)
    assert saved.cv_name != expert.cv_name and RANDOM_NAME.fullmatch(saved.cv_name)
    assert not old.exists()
    assert cv_path(app, saved).read_bytes() == sent and saved.cv_size == len(sent)
    assert saved.status == Status.APPROVED and not saved.pending_changes  # a CV is not reviewed


def test_a_new_cv_of_a_few_megabytes_is_accepted(app):
    """Up to 5 MB, as when joining: the site's smaller cap on request bodies must not refuse it first."""
    account, expert = create_expert(app, Status.PENDING)
    client, token = logged_in(app, account)
    sent = large_pdf(2 * MB)
    response = client.post(CV, data={"csrf_token": token, "cv": (io.BytesIO(sent), "cv.pdf")})
    assert response.status_code == 302, response.status_code
    assert cv_path(app, _expert(app, expert.id)).read_bytes() == sent


def test_an_invalid_new_cv_leaves_the_old_one(app):
    account, expert = create_expert(app, Status.APPROVED)
    old = cv_path(app, expert)
    before = uploads(app)
    client, token = logged_in(app, account)
    response = client.post(CV, data={"csrf_token": token, "cv": (io.BytesIO(b"<html>not a cv</html>"), "cv.pdf")})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<p class="error" id="cv-error">Choose a PDF document.</p>' in page
    assert "Your CV was not replaced." in page
    assert old.exists() and _expert(app, expert.id).cv_name == expert.cv_name
    assert uploads(app) == before


# Leaving


def test_withdrawing_deletes_the_profile_and_the_cv_and_keeps_the_account(app):
    account, expert = create_expert(app, Status.APPROVED, roles=(Role.PARTNER,))
    assert _account(app, account.id).roles == {Role.PARTNER, Role.EXPERT}
    path = cv_path(app, expert)
    client, token = logged_in(app, account)
    assert client.get(f"/en/experts/{expert.id}/").status_code == 200
    page = client.get(WITHDRAW)
    assert page.status_code == 200 and 'name="confirm"' in page.get_data(as_text=True)

    unticked = client.post(WITHDRAW, data={"csrf_token": token})
    assert unticked.status_code == 200 and 'id="confirm-error"' in unticked.get_data(as_text=True)
    assert _expert(app, expert.id) is not None and path.exists()

    response = client.post(WITHDRAW, data={"csrf_token": token, "confirm": "y"})
    assert response.status_code == 302 and response.headers["Location"] == "/en/account/"
    assert _expert(app, expert.id) is None and not path.exists()
    kept = _account(app, account.id)
    assert kept is not None and kept.roles == {Role.PARTNER}
    assert client.get(f"/en/experts/{expert.id}/").status_code == 404
    assert app.test_client().get(f"/en/experts/{expert.id}/").status_code == 404
    assert client.get(PROFILE).status_code == 404


def test_deleting_the_account_deletes_the_expert_and_the_cv(app):
    account, expert = create_expert(app, Status.APPROVED)
    path = cv_path(app, expert)
    client, _token = logged_in(app, account)
    assert submit(client, "/en/account/delete", {"password": PASSWORD}).status_code == 302
    assert _account(app, account.id) is None and _expert(app, expert.id) is None
    assert not path.exists()


# Whose profile


def test_the_profile_pages_act_on_the_logged_in_accounts_own_expert(app):
    mine_account, mine = create_expert(app, Status.PENDING)
    _other_account, other = create_expert(app, Status.PENDING)
    client, token = logged_in(app, mine_account)
    page = client.get(PROFILE).get_data(as_text=True)
    assert f'value="{mine.name}"' in page and other.name not in page

    renamed = unique("Own Renamed")
    assert client.post(PROFILE, data=_profile_data(token, name=renamed)).status_code == 302
    assert _expert(app, mine.id).name == renamed and _expert(app, other.id).name == other.name

    other_path = cv_path(app, other)
    sent = pdf_bytes()
    assert client.post(CV, data={"csrf_token": token, "cv": (io.BytesIO(sent), "cv.pdf")}).status_code == 302
    assert _expert(app, other.id).cv_name == other.cv_name and other_path.exists()
    assert cv_path(app, _expert(app, mine.id)).read_bytes() == sent

    assert client.post(WITHDRAW, data={"csrf_token": token, "confirm": "y"}).status_code == 302
    assert _expert(app, mine.id) is None
    assert _expert(app, other.id) is not None and other_path.exists()


@pytest.mark.parametrize("roles", [(), (Role.PARTNER,), (Role.ADMINISTRATOR,)])
def test_an_account_without_an_expert_profile_gets_404(app, roles):
    _owner, expert = create_expert(app, Status.APPROVED)
    client, token = logged_in(app, create_account(app, *roles))
    assert client.get(PROFILE).status_code == 404
    assert client.post(PROFILE, data=_profile_data(token, name="Not Mine")).status_code == 404
    assert client.post(CV, data={"csrf_token": token, "cv": (io.BytesIO(pdf_bytes()), "cv.pdf")}).status_code == 404
    assert client.get(WITHDRAW).status_code == 404
    assert client.post(WITHDRAW, data={"csrf_token": token, "confirm": "y"}).status_code == 404
    still = _expert(app, expert.id)
    assert still is not None and still.name == expert.name and still.cv_name == expert.cv_name


def test_anonymous_visitors_are_sent_to_the_login_page(app):
    _owner, expert = create_expert(app, Status.APPROVED)
    visitor = app.test_client()
    token = csrf_token(visitor.get("/en/account/login").get_data(as_text=True))
    responses = [
        visitor.get(PROFILE), visitor.post(PROFILE, data=_profile_data(token)),
        visitor.post(CV, data={"csrf_token": token, "cv": (io.BytesIO(pdf_bytes()), "cv.pdf")}),
        visitor.get(WITHDRAW), visitor.post(WITHDRAW, data={"csrf_token": token, "confirm": "y"}),
    ]
    for response in responses:
        assert response.status_code == 302 and "/en/account/login" in response.headers["Location"]
    assert _expert(app, expert.id) is not None and cv_path(app, expert).exists()
