"""Hostile uploads are refused with the right code, quickly, and in bounded memory."""

import io
import socket
import time

import pytest

from organizations.domain.learner_records import LearnerFileRejected

MIB = 1024 * 1024
OPENING = (b'<?xml version="1.0" encoding="ISO-8859-15"?>\r\n<BEE_ELEVES VERSION="3.1"><PARAMETRES><UAJ>0751234A</UAJ>'
           b"</PARAMETRES><DONNEES><ELEVES>")


def refusal(read, filename, data, **options) -> LearnerFileRejected:
    with pytest.raises(LearnerFileRejected) as caught:
        read(filename, data, **options)
    return caught.value


def a_pupil_named(name: str) -> bytes:
    return (b'<ELEVE ELEVE_ID="1"><ID_NATIONAL>123456789AB</ID_NATIONAL><NOM_DE_FAMILLE>' + name.encode()
            + b"</NOM_DE_FAMILLE><PRENOM>Zoe</PRENOM><CODE_SEXE>2</CODE_SEXE><DATE_NAISS>01/02/2012</DATE_NAISS>"
            b"</ELEVE></ELEVES><STRUCTURES><STRUCTURES_ELEVE ELEVE_ID=\"1\"><STRUCTURE><CODE_STRUCTURE>6A"
            b"</CODE_STRUCTURE><TYPE_STRUCTURE>D</TYPE_STRUCTURE></STRUCTURE></STRUCTURES_ELEVE></STRUCTURES>"
            b"</DONNEES></BEE_ELEVES>")


def with_doctype(doctype: str, name: str) -> bytes:
    return OPENING.replace(b"\r\n", f"\r\n{doctype}\r\n".encode(), 1) + a_pupil_named(name)


# -- XML ---------------------------------------------------------------------------------------------


def test_an_external_entity_to_a_local_file_is_refused_unread(read):
    data = with_doctype('<!DOCTYPE BEE_ELEVES [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', "&xxe;")
    rejected = refusal(read, "ElevesSansAdresses.xml", data)
    assert (rejected.code, rejected.details["reason"]) == ("INVALID_FILE", "DTD_FORBIDDEN")
    assert "root:" not in str(rejected) + repr(rejected.details)


@pytest.mark.parametrize("doctype, name", [
    ('<!DOCTYPE BEE_ELEVES [<!ENTITY xxe SYSTEM "http://127.0.0.1:9/evil.txt">]>', "&xxe;"),
    ('<!DOCTYPE BEE_ELEVES [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>', "X"),
    ('<!DOCTYPE BEE_ELEVES SYSTEM "http://127.0.0.1:9/bee.dtd">', "X"),
])
def test_an_external_entity_over_http_is_refused_without_any_connection(read, monkeypatch, doctype, name):
    connections = []
    monkeypatch.setattr(socket.socket, "connect", lambda self, address: connections.append(address))
    monkeypatch.setattr(socket, "create_connection", lambda address, *args, **kwargs: connections.append(address))
    rejected = refusal(read, "ElevesSansAdresses.xml", with_doctype(doctype, name))
    assert (rejected.code, rejected.details["reason"], connections) == ("INVALID_FILE", "DTD_FORBIDDEN", [])


def test_a_billion_laughs_is_refused_at_once(read, peak_memory):
    entities = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">' for n in range(1, 10)]
    data = with_doctype("<!DOCTYPE BEE_ELEVES [" + "".join(entities) + "]>", "&lol9;")
    start = time.perf_counter()
    rejected, peak = peak_memory(lambda: read("ElevesSansAdresses.xml", data))
    assert isinstance(rejected, LearnerFileRejected) and rejected.details["reason"] == "DTD_FORBIDDEN"
    assert peak < 5 * MIB and time.perf_counter() - start < 1


def test_any_dtd_is_refused_even_a_harmless_one(read):
    rejected = refusal(read, "ElevesSansAdresses.xml", with_doctype("<!DOCTYPE BEE_ELEVES>", "MARTIN"))
    assert (rejected.code, rejected.details["reason"]) == ("INVALID_FILE", "DTD_FORBIDDEN")


def test_deep_nesting_is_refused_before_it_costs_memory(read, peak_memory):
    data = OPENING + b"<ELEVE>" + b"<X>" * 500_000
    rejected, peak = peak_memory(lambda: read("ElevesSansAdresses.xml", data))
    assert (rejected.code, rejected.details["reason"]) == ("INVALID_FILE", "TOO_DEEP")
    assert peak < 10 * MIB


def test_a_huge_text_is_not_kept_in_memory(read, peak_memory):
    data = OPENING + a_pupil_named("A" * (19 * MIB))
    parsed, peak = peak_memory(lambda: read("ElevesSansAdresses.xml", data))
    [error] = parsed.errors
    assert (error.code, error.field, error.value) == ("FIELD_TOO_LONG", "NOM_DE_FAMILLE", "A" * 100 + "…")
    assert peak < 10 * MIB


def test_megabytes_of_blanks_between_pupils_cost_no_memory(read, peak_memory):
    data = OPENING + b" " * (19 * MIB) + a_pupil_named("MARTIN")
    parsed, peak = peak_memory(lambda: read("ElevesSansAdresses.xml", data))
    assert [learner.last_name for learner in parsed.learners] == ["MARTIN"]
    assert peak < 10 * MIB


# -- size ----------------------------------------------------------------------------------------------


def test_a_25_mb_file_is_refused_before_it_is_read(read, unseekable):
    stream = io.BytesIO(OPENING + b" " * (25 * MIB))
    rejected = refusal(read, "ElevesSansAdresses.xml", stream)
    assert (rejected.code, rejected.details["max_bytes"], stream.tell()) == ("FILE_TOO_LARGE", 20 * MIB, 0)


@pytest.mark.parametrize("filename", ["ElevesSansAdresses.xml", "eleves.csv"])
def test_a_25_mb_stream_that_cannot_seek_is_refused_past_the_limit_in_bounded_memory(read, unseekable, peak_memory,
                                                                                    filename):
    stream = unseekable(OPENING, b" ", 25 * MIB)
    rejected, peak = peak_memory(lambda: read(filename, stream))
    assert rejected.code == "FILE_TOO_LARGE"
    assert stream.served == 20 * MIB + 1  # one byte past the limit, not one chunk more
    assert peak < 10 * MIB


def test_the_byte_limit_can_be_set(read, fixture_file):
    data = fixture_file("ElevesSansAdresses.xml")
    assert refusal(read, "ElevesSansAdresses.xml", data, max_bytes=len(data) - 1).code == "FILE_TOO_LARGE"
    assert read("ElevesSansAdresses.xml", data, max_bytes=len(data)).learners


# -- zips ------------------------------------------------------------------------------------------------


def test_a_zip_bomb_is_refused_on_its_declared_size_without_inflating(read, bomb_zip, peak_memory):
    bomb = bomb_zip()
    assert len(bomb) < 2 * MIB  # 1 GiB inflated
    start = time.perf_counter()
    rejected, peak = peak_memory(lambda: read("ElevesSansAdresses.zip", bomb))
    assert (rejected.code, rejected.details["declared_bytes"]) == ("FILE_TOO_LARGE", 1024 * MIB)
    assert peak < 5 * MIB and time.perf_counter() - start < 1


@pytest.mark.parametrize("declared", [2048, 19 * MIB])
def test_a_zip_bomb_that_lies_about_its_size_is_refused_in_bounded_memory(read, bomb_zip, peak_memory, declared):
    rejected, peak = peak_memory(lambda: read("ElevesSansAdresses.zip", bomb_zip(declared_size=declared)))
    assert (rejected.code, rejected.details["reason"]) == ("INVALID_FILE", "CORRUPT_ARCHIVE")
    assert peak < 5 * MIB


def test_a_zip_of_two_files_is_refused(read, zip_of, fixture_file):
    xml = fixture_file("ElevesSansAdresses.xml")
    rejected = refusal(read, "eleves.zip", zip_of({"ElevesSansAdresses.xml": xml, "ElevesAvecAdresses.xml": xml}))
    assert (rejected.code, rejected.details["reason"]) == ("INVALID_FILE", "ZIP_MEMBER_COUNT")


def test_a_zip_of_many_files_is_refused_before_its_directory_is_read(read, zip_of):
    rejected = refusal(read, "eleves.zip", zip_of({f"{n}.xml": b"" for n in range(11)}))
    assert (rejected.details["reason"], rejected.details["entries"]) == ("ZIP_MEMBER_COUNT", 11)


def test_an_empty_zip_is_refused(read, zip_of):
    assert refusal(read, "eleves.zip", zip_of({})).details["reason"] == "ZIP_MEMBER_COUNT"


@pytest.mark.parametrize("name", ["ElevesSansAdresses.zip", "ElevesSansAdresses.xml"])
def test_a_nested_archive_is_refused_whatever_its_name(read, zip_of, fixture_file, name):
    inner = fixture_file("ElevesSansAdresses.zip")
    rejected = refusal(read, "eleves.zip", zip_of({name: inner}))
    assert (rejected.code, rejected.details["reason"]) == ("INVALID_FILE", "NESTED_ARCHIVE")


def test_a_zip_of_something_else_than_xml_is_refused(read, zip_of):
    rejected = refusal(read, "eleves.zip", zip_of({"eleves.csv": b"a;b\r\n"}))
    assert (rejected.code, rejected.details["reason"]) == ("INVALID_FILE", "NOT_XML")


def test_what_macos_adds_to_a_zip_is_ignored(read, zip_of, fixture_file):
    data = zip_of({"export/": b"", "export/ElevesSansAdresses.xml": fixture_file("ElevesSansAdresses.xml"),
                   "__MACOSX/export/._ElevesSansAdresses.xml": b"\x00\x05\x16\x07", "export/.DS_Store": b"\x00"})
    assert len(read("eleves.zip", data).learners) == 4


def test_a_password_protected_zip_is_refused(read, handmade):
    data = handmade("ElevesSansAdresses.xml", b"\x03\x00", crc=0, size=0, declared_size=0, flags=0x1)
    assert refusal(read, "eleves.zip", data).details["reason"] == "ENCRYPTED_ARCHIVE"


@pytest.mark.parametrize("data", [b"PK\x03\x04 not really a zip", b"<?xml version='1.0'?><BEE_ELEVES/>", b"\x00" * 100])
def test_a_file_named_zip_that_is_not_one_is_refused(read, data):
    rejected = refusal(read, "ElevesSansAdresses.zip", data)
    assert (rejected.code, rejected.details["reason"]) == ("INVALID_FILE", "NOT_A_ZIP")


def test_a_damaged_zip_is_refused(read, fixture_file):
    data = bytearray(fixture_file("ElevesSansAdresses.zip"))
    data[200:260] = b"\xff" * 60  # inside the deflated data
    rejected = refusal(read, "ElevesSansAdresses.zip", bytes(data))
    assert (rejected.code, rejected.details["reason"]) == ("INVALID_FILE", "CORRUPT_ARCHIVE")
