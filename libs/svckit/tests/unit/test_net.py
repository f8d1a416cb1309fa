from svckit.net import client_bucket


def test_an_ipv4_address_is_one_client():
    assert client_bucket("203.0.113.7") == "203.0.113.7"
    assert client_bucket("203.0.113.7") != client_bucket("203.0.113.8")


def test_every_address_of_an_ipv6_64_network_is_the_same_client():
    assert client_bucket("2001:db8:1:2:aaaa::1") == client_bucket("2001:db8:1:2:ffff:1234:5678:9abc") == "2001:db8:1:2::/64"
    assert client_bucket("2001:db8:1:3::1") != client_bucket("2001:db8:1:2::1")


def test_an_ipv4_mapped_ipv6_address_is_its_ipv4_address():
    assert client_bucket("::ffff:203.0.113.7") == "203.0.113.7"


def test_what_is_not_an_address_is_kept_as_it_is_and_nothing_is_unknown():
    assert client_bucket("localhost") == "localhost"
    assert client_bucket(None) == client_bucket("") == "unknown"
