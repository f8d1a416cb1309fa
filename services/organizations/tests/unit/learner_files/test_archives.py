"""The byte limit on every read, and the upload read again from its start."""

import io

import pytest

from organizations.adapters.learner_files.archives import LimitedReader, upload_of
from organizations.domain.learner_records import LearnerFileRejected


def test_a_reader_gives_up_to_its_limit():
    reader = LimitedReader(io.BytesIO(b"x" * 10), 10)
    assert (reader.read(4), reader.read(), reader.count) == (b"xxxx", b"xxxxxx", 10)


def test_a_reader_refuses_the_first_byte_past_its_limit_whatever_was_declared():
    endless = io.BytesIO(b"x" * 1000)  # a zip member, say, that inflates more than its header said
    reader = LimitedReader(endless, 10)
    assert reader.read(10) == b"x" * 10
    with pytest.raises(LearnerFileRejected) as caught:
        reader.read(500)
    assert (caught.value.code, caught.value.details, endless.tell()) == ("FILE_TOO_LARGE", {"max_bytes": 10}, 11)


def test_reading_everything_stops_at_the_limit_too():
    with pytest.raises(LearnerFileRejected):
        LimitedReader(io.BytesIO(b"x" * 200_000), 100_000).read()


def test_an_upload_is_read_from_where_the_stream_was(unseekable):
    stream = io.BytesIO(b"junk" + b"data")
    stream.seek(4)
    with upload_of(stream, 10) as upload:
        assert (upload.size, upload.open().read(), upload.open().read(2)) == (4, b"data", b"da")


def test_an_upload_that_cannot_seek_is_spooled_and_read_again(unseekable):
    with upload_of(unseekable(b"abc", b"-", 100), 100) as upload:
        assert upload.size == 100
        assert upload.open().read(5) == upload.open().read(5) == b"abc--"


def test_an_upload_larger_than_the_limit_is_refused_on_its_size():
    with pytest.raises(LearnerFileRejected) as caught, upload_of(io.BytesIO(b"x" * 11), 10):
        pass
    assert caught.value.code == "FILE_TOO_LARGE"
