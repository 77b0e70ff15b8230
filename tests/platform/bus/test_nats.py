"""How the NATS bus names things: its URL, subjects on the wire and durable consumer names."""

from __future__ import annotations

from casebook.platform.bus import Consumer
from casebook.platform.bus.nats import Durable, NatsTarget, durables_of


async def noop(uow, event) -> None:
    return None


def test_url_defaults_to_the_casebook_stream_without_prefix() -> None:
    target = NatsTarget.parse("nats://127.0.0.1:4222")
    assert target == NatsTarget(server="nats://127.0.0.1:4222", stream="CASEBOOK", subject_prefix="")
    assert target.stream_subject == "casebook.>"
    assert target.wire_subject("casebook.t.happened") == "casebook.t.happened"


def test_url_names_the_stream_and_the_subject_prefix() -> None:
    target = NatsTarget.parse("tls://user:pw@nats.internal:4443?stream=TEST_1&subject_prefix=t1")
    assert target == NatsTarget(
        server="tls://user:pw@nats.internal:4443", stream="TEST_1", subject_prefix="t1"
    )
    assert target.stream_subject == "t1.casebook.>"
    assert target.wire_subject("casebook.t.happened") == "t1.casebook.t.happened"


def test_one_durable_per_consumer_named_without_dots() -> None:
    target = NatsTarget.parse("nats://localhost:4222?subject_prefix=p")
    consumer = Consumer(name="instagram.fan out", subjects=("casebook.instagram.*",), handler=noop)
    assert durables_of(consumer, target) == [Durable("instagram_fan_out", "p.casebook.instagram.*")]


def test_a_consumer_of_several_subjects_gets_a_stable_durable_per_subject() -> None:
    target = NatsTarget.parse("nats://localhost:4222")
    consumer = Consumer(name="search.index", subjects=("casebook.a.>", "casebook.b.>"), handler=noop)
    durables = durables_of(consumer, target)
    assert [durable.filter_subject for durable in durables] == ["casebook.a.>", "casebook.b.>"]
    assert [durable.name.rsplit("-", 1)[0] for durable in durables] == ["search_index", "search_index"]
    assert len({durable.name for durable in durables}) == 2
    assert durables_of(consumer, target) == durables
