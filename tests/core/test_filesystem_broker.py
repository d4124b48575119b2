"""The embedded broker publishes each message whole (core/filesystem_broker.py): a worker that
looks at the queue while a message is being written finds nothing, never an empty message."""

from queue import Empty

import pytest
from kombu import Connection

from core.filesystem_broker import Channel, Transport, folder_options


@pytest.fixture
def channel(tmp_path):
    with Connection("filesystem://", transport_options=folder_options(tmp_path)) as connection:
        yield connection.default_channel


def test_filesystem_url_means_the_atomic_transport(channel):
    assert isinstance(channel, Channel)
    assert isinstance(channel.connection, Transport)


def test_a_worker_looking_during_the_write_finds_no_message(channel, monkeypatch):
    seen = []

    def write_while_a_worker_looks(self, path, data):
        with open(path, "wb") as f:  # the file exists, nothing written yet
            try:
                seen.append(self._get("celery"))
            except Empty:
                seen.append("empty queue")
            f.write(data)

    monkeypatch.setattr(Channel, "_write", write_while_a_worker_looks)
    channel._put("celery", {"body": "påminnelse"})
    assert seen == ["empty queue"]
    assert channel._get("celery") == {"body": "påminnelse"}
    with pytest.raises(Empty):
        channel._get("celery")


def test_no_partial_file_is_left_when_the_write_fails(channel, monkeypatch, tmp_path):
    from kombu.exceptions import ChannelError

    def fail(self, path, data):
        with open(path, "wb") as f:
            f.write(data[:3])
        raise OSError("disk full")

    monkeypatch.setattr(Channel, "_write", fail)
    with pytest.raises(ChannelError):
        channel._put("celery", {"body": "x"})
    assert list((tmp_path / "queue").iterdir()) == []
