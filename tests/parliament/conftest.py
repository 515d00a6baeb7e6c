import pytest

from parliament.client import Client
from tests.parliament_server import ParliamentServer


@pytest.fixture
def server():
    """A local replay of Parliament's Written Questions and Bills APIs."""
    running = ParliamentServer().start()
    yield running
    running.stop()


@pytest.fixture
def client(server):
    """A client of both APIs at the local server, with short timeouts and no backoff."""
    return Client(server.url, bills_url=server.url, timeout=(1, 0.5), retries=2, backoff=0)
