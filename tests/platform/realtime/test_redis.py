"""What only the Redis adapter promises: all local subscribers share one Redis subscription."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from pathlib import Path

import redis.asyncio as redis

from casebook.platform.realtime.redis import RedisRealtime
from tests.backends import DISTRIBUTED, distributed_settings, reset_distributed
from tests.conftest import TEST_SECRET_KEY

if DISTRIBUTED:  # collected only where Redis is part of the run (CASEBOOK_TEST_BACKENDS=all)

    async def test_local_subscribers_share_one_redis_subscription(tmp_path: Path) -> None:
        settings = distributed_settings(tmp_path, secret_key=TEST_SECRET_KEY, run_id=uuid.uuid4().hex[:10])
        await reset_distributed(settings)
        realtime, probe = RedisRealtime(settings.realtime_url), redis.Redis.from_url(settings.realtime_url)
        channel = f"{realtime._prefix}account:1"
        try:
            async with contextlib.AsyncExitStack() as stack:
                subscriptions = [await stack.enter_async_context(realtime.subscribe("account:1"))
                                 for _ in range(50)]
                assert await probe.pubsub_numsub(channel) == [(channel.encode(), 1)]
                await realtime.publish("account:1", {"n": 1})
                received = await asyncio.gather(*(anext(aiter(s)) for s in subscriptions))
                assert received == [{"n": 1}] * 50
            await asyncio.gather(*realtime._background)  # the unsubscribe runs after the contexts close
            # UNSUBSCRIBE is sent on another connection than the probe's: let Redis read it first.
            for _ in range(200):
                if await probe.pubsub_numsub(channel) == [(channel.encode(), 0)]:
                    break
                await asyncio.sleep(0.01)
            assert await probe.pubsub_numsub(channel) == [(channel.encode(), 0)]
        finally:
            await realtime.close()
            await probe.aclose()
