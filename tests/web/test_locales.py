"""The web faces' texts: French and English in step, and a sentence for every error code the API can answer.

The faces say an API error with t("errors.<CODE>", error.details) (web/src/common/i18n.js). So the
codes are collected here STATICALLY, with regular expressions over the services' sources, and each
must have its sentence in web/src/common/locales/errors.{fr,en}.json. Where the codes come from:

- the ERRORS tables (services/*/src/*/entrypoints/api/errors.py): ``Exception: (status, "CODE")``;
  every entry of a table must be read, so an entry written another way fails the collection;
- ``ApiError(<status>, "<CODE>"`` and ``error_response(<status>, "<CODE>"`` anywhere in the services,
  libs and the gateway, the code a literal or a module constant (``REQUEST_IN_PROGRESS =
  "REQUEST_IN_PROGRESS"``); a call whose code is neither must be one of DYNAMIC_CODES below
  (where its codes come from is then collected another way), else the collection fails;
- svckit's codes by status alone (``_DEFAULT_CODES`` and its ``"ERROR"`` fallback);
- exceptions that carry their own code (their ``__init__`` takes ``code`` or ``error_code`` first:
  CampaignInvalid, RetryNotAllowed, TokenRejected, LearnerFileRejected...): the first argument of
  every call to them, a literal or a module constant (``EMPTY = "EMPTY"``); anything else fails,
  but for the few parameters that only pass a code on (PASSED_ON);
- the learner imports: the code constants of organizations/domain/learner_records.py, the codes the
  file readers and the import handler write (``LineError(...)``, ``error(...)``, ``error_code = "..."``);
  the reasons of an unreadable file (``invalid("REASON", ...)``) are ``errors.INVALID_FILE.<REASON>``;
- the rules a weak password breaks (identity's passwords.py, ``details.rules`` of PASSWORD_TOO_WEAK);
- ``errors.HTTP_<status>`` for each status above: api.js names an error whose body has no code so.
"""

from __future__ import annotations

import ast
import json
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web" / "src"
ERRORS_FILES = {locale: WEB / "common" / "locales" / f"errors.{locale}.json" for locale in ("fr", "en")}
ORGANIZATIONS = ROOT / "services" / "organizations" / "src" / "organizations"
LEARNER_RECORDS = ORGANIZATIONS / "domain" / "learner_records.py"
LEARNER_FILES = ORGANIZATIONS / "adapters" / "learner_files"
IMPORT_HANDLERS = ORGANIZATIONS / "service_layer" / "handlers.py"
PASSWORDS = ROOT / "services" / "identity" / "src" / "identity" / "domain" / "passwords.py"
SVCKIT_ERRORS = ROOT / "libs" / "svckit" / "src" / "svckit" / "errors.py"
I18N = WEB / "common" / "i18n.js"
CERTIFICATION_DOMAIN = ROOT / "services" / "certification" / "src" / "certification" / "domain"
CERTIF_FILES = {locale: WEB / "certif" / "locales" / f"{locale}.json" for locale in ("fr", "en")}

CODE = r'"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)"'
PLACEHOLDER = re.compile(r"\{(\w+)\}")

# ApiError / error_response calls whose code is computed, and where those codes are collected instead.
# Keyed by the call's first two arguments, whitespace removed.
DYNAMIC_CODES = {
    "error.status,error.code": "svckit re-raises an ApiError as it is",
    'status,getattr(error,"error_code",None)orcode': "an ERRORS table entry, or the exception's own code",
    'status,_DEFAULT_CODES.get(status,"ERROR")': "the codes by status alone",
    "401,error.code": "TokenRejected's codes (an exception that carries its code)",
    'status,record["error_code"]': "the learner import's codes",
}

# Parameters that only pass a code on (a reader's error(code, ...) helper); the code is collected where the
# caller writes it. Any other name as a code fails the collection.
PASSED_ON = {"code", "unique_code"}

# The details each code's sentence may name as {placeholder}, with where the API gives them.
# Line codes are rendered with the import's line error itself: their names are LineError's fields.
DETAILS = {
    "TOO_MANY_LOGIN_ATTEMPTS": {"retry_after"},  # identity TooManyAttempts.details
    "TOO_MANY_ATTEMPTS": {"retry_after"},  # certification Throttled.details
    "INVITATION_RESEND_THROTTLED": {"retry_after"},  # organizations ResendThrottled.details
    "TOO_MANY_RESET_REQUESTS": {"retry_after"},  # identity TooManyResetRequests.details
    "TOO_MANY_VERIFICATION_MAILS": {"retry_after"},  # identity TooManyVerificationMails.details
    "RECONCILIATION_THROTTLED": {"retry_after", "retry_after_minutes"},  # organizations ReconciliationThrottled
    "RETRY_TOO_SOON": {"available_at"},  # campaigns Participation.retry
    "INVALID_FILE.MALFORMED_CSV": {"line"},  # csv_common: invalid(..., line=...)
    "INVALID_FILE.NOT_WELL_FORMED": {"line", "column"},  # siecle_xml: invalid(..., line=, column=)
    "INVALID_FILE.NESTED_ARCHIVE": {"file"},  # archives: invalid(..., file=...)
    "INVALID_FILE.NOT_XML": {"file"},  # archives: invalid(..., file=...)
    # organizations AccountAlreadyExists.details (domain/sign_in_methods.py): the username or address, masked
    "ACCOUNT_WITH_EMAIL_ALREADY_EXIST_FOR_ANOTHER_ORGANIZATION": {"value"},
    "ACCOUNT_WITH_EMAIL_ALREADY_EXIST_FOR_THE_SAME_ORGANIZATION": {"value"},
    "ACCOUNT_WITH_USERNAME_ALREADY_EXIST_FOR_ANOTHER_ORGANIZATION": {"value"},
    "ACCOUNT_WITH_USERNAME_ALREADY_EXIST_FOR_THE_SAME_ORGANIZATION": {"value"},
}

# At least these codes exist today (read by hand from the sources): the collection must find them all,
# which proves it reads each kind of source. A code removed from the API may be removed here.
KNOWN = {
    "ERRORS tables": """
        INVALID_ANSWER ASSESSMENT_NOT_FOUND ASSESSMENT_NOT_OWNED ASSESSMENT_COMPLETED NO_CURRENT_CHALLENGE
        WRONG_CHALLENGE CHALLENGE_ALREADY_ANSWERED CAMPAIGN_ARCHIVED CONTENT_NOT_RELEASED CONCURRENT_UPDATE
        CAMPAIGN_INVALID CAMPAIGN_NOT_FOUND NOT_A_MEMBER ORGA_TERMS_NOT_ACCEPTED ADMIN_OR_OWNER_REQUIRED
        TARGET_PROFILE_NOT_AVAILABLE TARGET_PROFILE_INVALID PLATFORM_ADMIN_REQUIRED ORGANIZATION_ARCHIVED
        CODE_UNAVAILABLE EXTERNAL_ID_INVALID LEARNER_NOT_MATCHED LEARNER_NO_LONGER_IN_ORGANIZATION
        ORGANIZATION_NOT_KNOWN_YET PARTICIPATION_NOT_FOUND NOT_THE_PARTICIPANT NOTHING_TO_SHARE_YET
        RETRY_NOT_ALLOWED INVALID_EMAIL INVALID_NAME TERMS_NOT_ACCEPTED PASSWORD_TOO_WEAK EMAIL_ALREADY_TAKEN
        USER_NOT_FOUND INVALID_CREDENTIALS TOO_MANY_LOGIN_ATTEMPTS INVALID_REFRESH_TOKEN UNKNOWN_ROLE
        TOO_MANY_RESET_REQUESTS TOO_MANY_VERIFICATION_MAILS INVALID_RESET_LINK INVALID_VERIFICATION_LINK
        EMAIL_ALREADY_VERIFIED EMAIL_NOT_VERIFIED
        INVALID_ORGANIZATION ORGANIZATION_ALREADY_EXISTS ORGANIZATION_NOT_FOUND ADMIN_ROLE_REQUIRED
        MEMBERSHIP_NOT_FOUND LAST_ADMIN INVALID_ROLE INVITATION_NOT_FOUND INVITATION_ALREADY_ACCEPTED
        INVITATION_CANCELLED INVITATION_EMAIL_MISMATCH INVITATION_RESEND_THROTTLED LEARNER_LIST_NOT_MANAGED
        LEARNER_NOT_FOUND NO_MATCHING_LEARNER SEVERAL_MATCHING_LEARNERS LEARNER_LINKED_TO_ANOTHER_ACCOUNT
        ACCOUNT_LINKED_TO_ANOTHER_LEARNER CAMPAIGNS_NOT_COMPARABLE""",
    "ApiError and error_response": """
        MISSING_TOKEN AUTH_KEYS_UNAVAILABLE FORBIDDEN INVALID_IDEMPOTENCY_KEY IDEMPOTENCY_KEY_REUSED
        REQUEST_IN_PROGRESS GATEWAY_TIMEOUT SERVICE_UNAVAILABLE BAD_GATEWAY METHOD_NOT_ALLOWED ROUTE_NOT_FOUND
        PAYLOAD_TOO_LARGE PLATFORM_ADMIN_REQUIRED FILE_TOO_LARGE TOO_MANY_REQUESTS VALIDATION_ERROR
        INTERNAL_ERROR""",
    "codes by status alone": """
        BAD_REQUEST UNAUTHENTICATED FORBIDDEN NOT_FOUND METHOD_NOT_ALLOWED CONFLICT PAYLOAD_TOO_LARGE
        UNSUPPORTED_MEDIA_TYPE UNPROCESSABLE TOO_MANY_REQUESTS INTERNAL_ERROR SERVICE_UNAVAILABLE
        GATEWAY_TIMEOUT ERROR""",
    "exceptions that carry their code": """
        CAMPAIGN_NAME_IS_REQUIRED CAMPAIGN_NAME_IS_TOO_LONG CAMPAIGN_TITLE_IS_TOO_LONG
        CUSTOM_LANDING_PAGE_TEXT_IS_TOO_LONG MULTIPLE_SENDINGS_NOT_ALLOWED_FOR_ASSESSMENT
        CAMPAIGN_PURPOSE_IS_REQUIRED CAMPAIGN_PURPOSE_IS_INVALID TARGET_PROFILE_IS_REQUIRED
        TARGET_PROFILE_NOT_ALLOWED_FOR_PROFILES_COLLECTION_CAMPAIGN
        TITLE_OF_PERSONALISED_TEST_IS_NOT_ALLOWED_FOR_PROFILES_COLLECTION_CAMPAIGN EXTERNAL_ID_TYPE_IS_REQUIRED
        EXTERNAL_ID_LABEL_IS_TOO_LONG EXTERNAL_ID_TYPE_IS_INVALID OWNER_IS_NOT_A_MEMBER
        MULTIPLE_SENDINGS_CANNOT_CHANGE_AFTER_JOINING TARGET_PROFILE_TUBES_REQUIRED TARGET_PROFILE_TUBE_UNKNOWN
        EXTERNAL_ID_REQUIRED EXTERNAL_ID_TOO_LONG EXTERNAL_ID_MUST_BE_AN_EMAIL IMPROVEMENT_NOT_ALLOWED
        RETRY_NOT_ALLOWED RETRY_NOT_ALLOWED_BEFORE_SHARING RETRY_TOO_SOON NOTHING_TO_IMPROVE INVALID_IMPORT_MODE
        INVALID_EMAIL ORGANIZATION_NAME_REQUIRED ORGANIZATION_NAME_TOO_LONG INVALID_ORGANIZATION_TYPE
        UAI_REQUIRED INVALID_UAI PRO_CANNOT_MANAGE_STUDENTS SAME_CAMPAIGN CAMPAIGNS_NOT_IN_SAME_ORGANIZATION
        CAMPAIGNS_NOT_ASSESSMENTS INVALID_TOKEN TOKEN_EXPIRED""",
    "learner imports": """
        EMPTY FILE_TOO_LARGE INVALID_FILE INVALID_FILE_EXTENSION UAI_MISMATCHED HEADER_DUPLICATED
        HEADER_REQUIRED HEADER_UNKNOWN INVALID_LEARNERS INE_REQUIRED INE_UNIQUE SEX_CODE_REQUIRED
        BIRTHDATE_REQUIRED INVALID_BIRTHDATE_FORMAT BIRTH_CITY_CODE_REQUIRED_FOR_FR_STUDENT LAST_NAME_REQUIRED
        FIRST_NAME_REQUIRED FIELD_REQUIRED FIELD_DATE_FORMAT FIELD_EMAIL_FORMAT FIELD_SEX_CODE_FORMAT
        FIELD_ENCODING BIRTH_CITY_REQUIRED_FOR_FR_STUDENT STUDENT_NUMBER_UNIQUE FIELD_TOO_LONG""",
    "password rules": """
        PASSWORD_TOO_SHORT PASSWORD_TOO_LONG PASSWORD_NEEDS_LOWERCASE PASSWORD_NEEDS_UPPERCASE
        PASSWORD_NEEDS_DIGIT PASSWORD_TOO_COMMON PASSWORD_CONTAINS_PERSONAL_DATA""",
    "unreadable file reasons": """
        CORRUPT_ARCHIVE NOT_A_ZIP ZIP_MEMBER_COUNT NESTED_ARCHIVE NOT_XML ENCRYPTED_ARCHIVE UNSUPPORTED_ENCODING
        NOT_CSV MALFORMED_CSV DTD_FORBIDDEN ENTITY_FORBIDDEN EXTERNAL_REFERENCE_FORBIDDEN NOT_WELL_FORMED
        NOT_SIECLE TOO_DEEP""",
    "statuses": "400 401 403 404 405 409 413 415 422 429 500 502 503 504",
}


# -- reading the sources -------------------------------------------------------------------------------------


@cache
def python_sources() -> dict[Path, str]:
    """Every Python file that can answer a request: the services' packages, the libs, the gateway."""
    folders = [*ROOT.glob("services/*/src"), *ROOT.glob("libs/*/src"), ROOT / "gateway" / "src"]
    return {path: path.read_text(encoding="utf-8") for folder in folders for path in sorted(folder.rglob("*.py"))
            if "migrations" not in path.parts}


def table_codes(text: str) -> list[tuple[int, str]]:
    """(status, code) of each entry of an ERRORS table; an entry that does not read so is an error."""
    table = re.search(r"^ERRORS\s*=\s*\{(.*?)^\}", text, re.S | re.M)
    assert table, "no ERRORS = {...} table"
    entries = [line for line in table.group(1).splitlines() if line.strip() and not line.strip().startswith("#")]
    found = []
    for entry in entries:
        match = re.fullmatch(r"\s*[\w.]+\s*:\s*\(\s*(\d{3})\s*,\s*" + CODE + r"\s*\),?\s*(#.*)?", entry)
        assert match, f"an ERRORS entry this test cannot read: {entry.strip()}"
        found.append((int(match.group(1)), match.group(2)))
    return found


def raised_codes(text: str) -> tuple[list[tuple[int, str]], list[str]]:
    """(status, code) of ApiError(...) and error_response(...) calls with a literal code or a module constant
    holding one, and the first two arguments of the other calls (whitespace removed)."""
    literal, computed = [], []
    for call in re.finditer(r"(?<!def )(?<!class )\b(?:ApiError|error_response)\((.*)", text):
        rest = text[call.start(1):]
        match = re.match(r"\s*(\d{3})\s*,\s*" + CODE, rest)
        constant = re.match(r"\s*(\d{3})\s*,\s*([A-Z][A-Z0-9_]*)\s*[,)]", rest)
        if match:
            literal.append((int(match.group(1)), match.group(2)))
        elif constant and constant.group(2) in constants():
            literal.append((int(constant.group(1)), code_of_argument(constant.group(2), "an error answer")))
        else:
            computed.append(re.sub(r"\s+", "", _first_two_arguments(rest)))
    return literal, computed


def _first_two_arguments(text: str) -> str:
    depth, commas = 0, 0
    for index, char in enumerate(text):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            if depth == 0:
                return text[:index]
            depth -= 1
        elif char == "," and depth == 0:
            commas += 1
            if commas == 2:
                return text[:index]
    return text


def default_codes(text: str) -> tuple[dict[int, str], set[str]]:
    """svckit's code for each status, and the code of a status it does not list."""
    table = re.search(r"^_DEFAULT_CODES\s*=\s*\{(.*?)^\}", text, re.S | re.M)
    assert table, "no _DEFAULT_CODES table in svckit"
    by_status = {int(status): code for status, code in re.findall(r"(\d{3})\s*:\s*" + CODE, table.group(1))}
    fallback = set(re.findall(r"_DEFAULT_CODES\.get\(\s*\w+\s*,\s*" + CODE, text))
    return by_status, fallback


@cache
def constants() -> dict[str, set[str]]:
    """Module constants holding a code (``EMPTY = "EMPTY"``), by name, over every source."""
    found: dict[str, set[str]] = {}
    for text in python_sources().values():
        for name, value in re.findall(r"^([A-Z][A-Z0-9_]*)\s*=\s*" + CODE + r"\s*(?:#.*)?$", text, re.M):
            found.setdefault(name, set()).add(value)
    return found


def code_of_argument(argument: str, where: str) -> str | None:
    """A code written as a literal or as a constant; None for a parameter passed on (PASSED_ON)."""
    argument = argument.strip()
    literal = re.fullmatch(CODE, argument)
    if literal:
        return literal.group(1)
    if argument in PASSED_ON:
        return None
    values = constants().get(argument, set())
    assert len(values) == 1, f"{where}: cannot tell which code {argument} is"
    return next(iter(values))


def carrying_classes(text: str) -> set[str]:
    """Exceptions whose constructor takes their code first: ``def __init__(self, code: str, ...)``, and the
    subclasses of the same module that keep that constructor (certification's Invalid, NotFound...)."""
    classes, inheriting = set(), {}
    for block in re.split(r"(?=^class )", text, flags=re.M):
        header = re.match(r"class (\w+)(?:\((\w+)\))?", block)
        if not header:
            continue
        if re.search(r"def __init__\(self,\s*(?:error_)?code\s*:", block):
            classes.add(header.group(1))
        elif header.group(2) and "def __init__(" not in block:
            inheriting[header.group(1)] = header.group(2)
    return classes | {name for name, base in inheriting.items() if base in classes}


def calls(text: str, names: set[str]) -> list[tuple[str, str]]:
    """(name, first argument) of each call to one of names (``e.Name(...)`` too; not its definition)."""
    if not names:
        return []
    pattern = re.compile(r"(?<!class )(?<!def )(?<![\w.])(?:\w+\.)*(" + "|".join(sorted(names))
                         + r")\(\s*([^,()]*?)\s*[,)]")
    return [(match.group(1), match.group(2)) for match in pattern.finditer(text)]


def exception_codes() -> set[str]:
    sources = python_sources()
    classes = set().union(*(carrying_classes(text) for text in sources.values()))
    found = set()
    for path, text in sources.items():
        for name, argument in calls(text, classes):
            code = code_of_argument(argument, f"{path.relative_to(ROOT)}: {name}(...)")
            if code is not None:
                found.add(code)
    return found


def line_codes() -> set[str]:
    """The codes of one line's errors (``LineError(...)``, a reader's ``error(...)``, ``unique_code=``)."""
    found = set()
    for path in sorted(LEARNER_FILES.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        for _, argument in calls(text, {"LineError", "error"}):
            code = code_of_argument(argument, f"{path.name}: a line error")
            if code is not None:
                found.add(code)
        for argument in re.findall(r"\bunique_code\s*=\s*([A-Z_\"]+)", text):
            found.add(code_of_argument(argument, f"{path.name}: unique_code"))
    return found


def import_codes() -> set[str]:
    """The learner import's codes: why the file was refused, and each line's errors."""
    records = LEARNER_RECORDS.read_text(encoding="utf-8")
    found = {value for name, value in re.findall(r"^([A-Z][A-Z0-9_]*)\s*=\s*" + CODE + r"\s*$", records, re.M)
             if name == value}
    handlers = IMPORT_HANDLERS.read_text(encoding="utf-8")
    found |= set(re.findall(r"\berror_code\s*=\s*" + CODE, handlers))
    found |= set(re.findall(r'"code"\s*:\s*' + CODE, handlers))
    return found | line_codes()


def invalid_file_reasons() -> set[str]:
    found = set()
    for path in sorted(LEARNER_FILES.glob("*.py")):
        for _, argument in calls(path.read_text(encoding="utf-8"), {"invalid"}):
            reason = re.fullmatch(CODE, argument)
            assert reason, f"{path.name}: invalid({argument}, ...) gives a reason this test cannot read"
            found.add(reason.group(1))
    return found


def password_rules() -> set[str]:
    return set(re.findall(r"\.append\(\s*" + CODE + r"\s*\)", PASSWORDS.read_text(encoding="utf-8")))


@cache
def collected() -> dict[str, set]:
    """Every error code the API can answer, by where it was found; and the statuses it answers with."""
    tables, raised, statuses = set(), set(), set()
    for path in sorted(ROOT.glob("services/*/src/*/entrypoints/api/errors.py")):
        for status, code in table_codes(path.read_text(encoding="utf-8")):
            tables.add(code)
            statuses.add(status)
    for path, text in python_sources().items():
        literal, computed = raised_codes(text)
        for status, code in literal:
            raised.add(code)
            statuses.add(status)
        for arguments in computed:
            assert arguments in DYNAMIC_CODES, (
                f"{path.relative_to(ROOT)}: an error answer with a computed code ({arguments}); "
                "say in DYNAMIC_CODES where its codes are collected")
    by_status, fallback = default_codes(SVCKIT_ERRORS.read_text(encoding="utf-8"))
    statuses |= set(by_status)
    return {
        "ERRORS tables": tables,
        "ApiError and error_response": raised,
        "codes by status alone": set(by_status.values()) | fallback,
        "exceptions that carry their code": exception_codes(),
        "learner imports": import_codes(),
        "password rules": password_rules(),
        "unreadable file reasons": invalid_file_reasons(),
        "statuses": statuses,
    }


def required_keys() -> set[str]:
    found = collected()
    codes = set().union(*(found[kind] for kind in found if kind not in ("unreadable file reasons", "statuses")))
    return ({f"errors.{code}" for code in codes}
            | {f"errors.INVALID_FILE.{reason}" for reason in found["unreadable file reasons"]}
            | {f"errors.HTTP_{status}" for status in found["statuses"]})


# -- reading the locale files ---------------------------------------------------------------------------------


def load(path: Path) -> dict[str, str]:
    return json.loads(path.read_text(encoding="utf-8"))


def french_files() -> list[Path]:
    """web/src/**/locales/fr.json and web/src/**/locales/<name>.fr.json."""
    return sorted(path for path in WEB.rglob("*.json") if path.parent.name == "locales"
                  and "node_modules" not in path.parts and (path.name == "fr.json" or path.name.endswith(".fr.json")))


def english_twin(french: Path) -> Path:
    return french.with_name(french.name[: -len("fr.json")] + "en.json")


def pairs() -> list:
    return [pytest.param(french, english_twin(french), id=str(french.relative_to(WEB))) for french in french_files()]


def words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]{2,}", PLACEHOLDER.sub(" ", text))


def missing_messages(messages: dict[str, str]) -> set[str]:
    return required_keys() - set(messages)


# -- the locale files ---------------------------------------------------------------------------------------------


def test_the_faces_have_locale_files_to_check():
    assert WEB / "common" / "locales" / "fr.json" in french_files()
    assert ERRORS_FILES["fr"] in french_files()


@pytest.mark.parametrize(("french", "english"), pairs())
def test_every_french_file_has_an_english_twin_with_the_same_keys(french, english):
    assert english.is_file(), f"{english.relative_to(ROOT)} is missing"
    fr, en = load(french), load(english)
    assert sorted(set(fr) - set(en)) == [], "keys only in French"
    assert sorted(set(en) - set(fr)) == [], "keys only in English"


@pytest.mark.parametrize(("french", "english"), pairs())
def test_french_and_english_fill_the_same_placeholders(french, english):
    fr, en = load(french), load(english)
    differing = {key: (fr[key], en[key]) for key in set(fr) & set(en)
                 if set(PLACEHOLDER.findall(fr[key])) != set(PLACEHOLDER.findall(en[key]))}
    assert differing == {}


@pytest.mark.parametrize(("french", "english"), pairs())
def test_no_text_is_empty(french, english):
    for path in (french, english):
        empty = [key for key, value in load(path).items() if not isinstance(value, str) or not value.strip()]
        assert empty == [], f"{path.relative_to(ROOT)}: empty or not a text"


@pytest.mark.parametrize(("french", "english"), pairs())
def test_french_sentences_are_translated_not_copied(french, english):
    """A short word may be the same in both ("Orga", "OK", a name); a text of three words or more may not."""
    fr, en = load(french), load(english)
    copied = [key for key in set(fr) & set(en) if fr[key] == en[key] and len(words(fr[key])) >= 3]
    assert sorted(copied) == []


# -- the error codes ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(KNOWN))
def test_the_collection_finds_every_code_known_of_each_kind(kind):
    known = {int(item) if item.isdigit() else item for item in KNOWN[kind].split()}
    assert sorted(known - collected()[kind], key=str) == []


def test_the_collection_finds_codes_written_in_each_way():
    keys = required_keys()
    for code in ("CAMPAIGN_NOT_FOUND", "TOO_MANY_REQUESTS", "EXTERNAL_ID_REQUIRED", "RETRY_TOO_SOON", "INE_UNIQUE",
                 "ROUTE_NOT_FOUND", "VALIDATION_ERROR", "TOKEN_EXPIRED", "INVALID_LEARNERS", "HTTP_422",
                 "INVALID_FILE.NOT_A_ZIP", "PASSWORD_TOO_SHORT"):
        assert f"errors.{code}" in keys, code


@pytest.mark.parametrize("locale", sorted(ERRORS_FILES))
def test_every_error_code_the_api_can_answer_has_a_message(locale):
    assert sorted(missing_messages(load(ERRORS_FILES[locale]))) == []


def test_a_code_without_a_message_is_reported_missing():
    messages = load(ERRORS_FILES["fr"])
    del messages["errors.CAMPAIGN_NOT_FOUND"]
    assert "errors.CAMPAIGN_NOT_FOUND" in missing_messages(messages)


def test_an_error_table_entry_the_collection_cannot_read_fails_it():
    with pytest.raises(AssertionError, match="cannot read"):
        table_codes('ERRORS = {\n    e.Nope: (404, NOT_A_LITERAL),\n}\n')


def test_an_error_answer_with_an_unexplained_computed_code_is_noticed():
    literal, computed = raised_codes('raise ApiError(\n    418, "I_AM_A_TEAPOT", "no")\nraise ApiError(400, kind, "?")')
    assert literal == [(418, "I_AM_A_TEAPOT")]
    assert computed == ["400,kind"] and computed[0] not in DYNAMIC_CODES
    # a module constant holding the code (svckit.idempotency's REQUEST_IN_PROGRESS) is read as its code
    assert raised_codes('raise ApiError(409, REQUEST_IN_PROGRESS, "running")') == ([(409, "REQUEST_IN_PROGRESS")], [])


def test_codes_carried_by_exceptions_are_read_from_literals_and_constants():
    source = 'class Refused(Exception):\n    def __init__(self, code: str, message: str):\n        pass\n'
    assert carrying_classes(source) == {"Refused"}
    assert calls('raise e.Refused("TOO_LATE", "x")\nraise Refused(EMPTY, "y")', {"Refused"}) == [
        ("Refused", '"TOO_LATE"'), ("Refused", "EMPTY")]
    assert code_of_argument("EMPTY", "test") == "EMPTY"


def test_the_keys_the_i18n_helper_names_exist():
    named = set(re.findall(r'\bt\(\s*"(errors\.[\w.]+)"', I18N.read_text(encoding="utf-8")))
    assert named >= {"errors.NETWORK_ERROR", "errors.server", "errors.unknown"}
    for locale, path in ERRORS_FILES.items():
        assert sorted(named - set(load(path))) == [], locale
        assert "errors.INVALID_CREDENTIALS" in load(path), locale


@pytest.mark.parametrize("locale", sorted(ERRORS_FILES))
def test_error_messages_only_name_details_the_api_gives(locale):
    line_fields = set(re.findall(r"^    (\w+):", re.search(r"class LineError:(.*?)\n\n", LEARNER_RECORDS.read_text(
        encoding="utf-8"), re.S).group(1), re.M))
    assert {"position", "field", "value", "first_position"} <= line_fields
    line_keys = {f"errors.{code}" for code in line_codes()}
    unknown = {}
    for key, text in load(ERRORS_FILES[locale]).items():
        allowed = line_fields if key in line_keys else DETAILS.get(key.removeprefix("errors."), set())
        names = set(PLACEHOLDER.findall(text)) - allowed
        if names:
            unknown[key] = sorted(names)
    assert unknown == {}


def test_the_details_named_in_messages_are_given_by_the_sources():
    text = "\n".join(python_sources().values())
    for code, names in DETAILS.items():
        for name in names:
            assert re.search(rf'(["\']{name}["\']\s*:|\b{name}=)', text), f"{code}: no detail {name} in the sources"


def test_the_password_lengths_in_messages_follow_the_policy():
    policy = PASSWORDS.read_text(encoding="utf-8")
    shortest = re.search(r"^MIN_LENGTH = (\d+)", policy, re.M).group(1)
    longest = re.search(r"^MAX_LENGTH = (\d+)", policy, re.M).group(1)
    for locale, path in ERRORS_FILES.items():
        messages = load(path)
        assert shortest in messages["errors.PASSWORD_TOO_SHORT"], locale
        assert longest in messages["errors.PASSWORD_TOO_LONG"], locale


# -- the Certif face's own words for what the certification API answers ---------------------------------------
# Not errors, but values the face shows translated: why a pupil is not enrolled (certif.reason.*), a session's
# status (certif.status.*), a centre's type (certif.center_type.*). Read from certification's domain, so a new
# value without its words fails here.


def domain_strings(path: Path) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    """A module's string constants (``A, B = "A", "B"`` too) and its tuples of them (``TYPES = (SCO, PRO)``),
    and, for each constant, the names assigned with it in one statement (its group)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    strings: dict[str, str] = {}
    groups: dict[str, tuple[str, ...]] = {}
    for node in tree.body:
        if not isinstance(node, ast.Assign) or len(node.targets) != 1:
            continue
        target, value = node.targets[0], node.value
        if isinstance(target, ast.Name) and isinstance(value, ast.Constant) and isinstance(value.value, str):
            strings[target.id] = value.value
        elif isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple):
            names = tuple(item.id for item in target.elts if isinstance(item, ast.Name))
            for name, item in zip(names, value.elts, strict=True):
                if isinstance(item, ast.Constant) and isinstance(item.value, str):
                    strings[name] = item.value
                    groups[name] = names
        elif isinstance(target, ast.Name) and isinstance(value, ast.Tuple):
            groups[target.id] = tuple(item.id for item in value.elts if isinstance(item, ast.Name))
    return strings, groups


def certif_values() -> dict[str, set[str]]:
    candidates, candidate_groups = domain_strings(CERTIFICATION_DOMAIN / "candidates.py")
    sessions, session_groups = domain_strings(CERTIFICATION_DOMAIN / "sessions.py")
    centers, center_groups = domain_strings(CERTIFICATION_DOMAIN / "centers.py")
    return {
        "certif.reason": {candidates[name] for name in candidate_groups["ALREADY_ENROLLED"]},
        "certif.status": {sessions[name] for name in session_groups["STATUSES"]},
        "certif.center_type": {centers[name] for name in center_groups["TYPES"]},
    }


def test_the_certif_values_are_read_from_the_domain():
    values = certif_values()
    assert values["certif.reason"] == {"NO_ACCOUNT", "NO_PROFILE", "NOT_ENOUGH_COMPETENCES", "ALREADY_ENROLLED"}
    assert {"CREATED", "FINALIZED", "IN_PROCESS", "PUBLISHED"} <= values["certif.status"]
    assert values["certif.center_type"] == {"SCO", "PRO", "SUP"}


def missing_certif_words(messages: dict[str, str]) -> list[str]:
    return sorted(f"{prefix}.{value}" for prefix, values in certif_values().items() for value in values
                  if f"{prefix}.{value}" not in messages)


@pytest.mark.parametrize("locale", sorted(CERTIF_FILES))
def test_the_certif_face_has_words_for_every_reason_status_and_type(locale):
    assert missing_certif_words(load(CERTIF_FILES[locale])) == []


def test_a_value_without_its_words_is_reported():
    messages = load(CERTIF_FILES["fr"])
    del messages["certif.reason.NO_PROFILE"], messages["certif.status.PUBLISHED"]
    assert missing_certif_words(messages) == ["certif.reason.NO_PROFILE", "certif.status.PUBLISHED"]
