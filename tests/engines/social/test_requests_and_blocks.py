"""Follow requests to accounts that approve their followers, and blocks."""

from __future__ import annotations

import pytest

from casebook.engines import social
from casebook.platform.errors import NotFound
from tests.engines.social.factories import NETWORK, follow, graph_state, social_events


async def test_a_private_account_gets_a_request_not_a_follower(platform) -> None:
    result = await follow(platform, 1, 2, requires_approval=True)
    again = await follow(platform, 1, 2, requires_approval=True)

    assert result.state == "requested" and result.request_id is not None and result.is_changed
    assert again == social.FollowResult(state="requested", request_id=result.request_id, is_changed=False)
    async with platform.reader() as uow:
        page = await social.list_follow_requests(uow, network=NETWORK, target_id=2)
        counted = await social.counts(uow, network=NETWORK, account_ids=[2])
    assert [(request.id, request.requester_id, request.target_id) for request in page.items] == [
        (result.request_id, 1, 2)]
    assert counted == {2: social.Counts()}
    assert await social_events(platform) == [(social.FOLLOW_REQUESTED, {
        "network": NETWORK, "request_id": result.request_id, "requester_id": 1, "target_id": 2})]


async def test_approving_creates_the_follow(platform) -> None:
    request_id = (await follow(platform, 1, 2, requires_approval=True)).request_id

    async with platform.uow() as uow:
        requester_id = await social.approve_follow_request(uow, network=NETWORK, target_id=2, request_id=request_id)

    assert requester_id == 1
    async with platform.reader() as uow:
        assert await social.relationship(uow, network=NETWORK, viewer_id=1, other_id=2) == social.Relationship(
            is_following=True)
        assert (await social.list_follow_requests(uow, network=NETWORK, target_id=2)).items == []
        assert (await social.counts(uow, network=NETWORK, account_ids=[2]))[2].followers_count == 1
    assert [subject for subject, _ in await social_events(platform)] == [
        social.FOLLOW_REQUESTED, social.FOLLOWED, social.FOLLOW_APPROVED]


async def test_denying_deletes_the_request(platform) -> None:
    request_id = (await follow(platform, 1, 2, requires_approval=True)).request_id

    async with platform.uow() as uow:
        assert await social.deny_follow_request(uow, network=NETWORK, target_id=2, request_id=request_id) == 1

    async with platform.reader() as uow:
        assert await social.relationship(uow, network=NETWORK, viewer_id=1, other_id=2) == social.Relationship()


async def test_a_request_of_another_target_is_not_found_and_nothing_changes(platform) -> None:
    request_id = (await follow(platform, 1, 2, requires_approval=True)).request_id
    before = await graph_state(platform)

    for answer in (social.approve_follow_request, social.deny_follow_request):
        with pytest.raises(social.FollowRequestNotFound) as refused:
            async with platform.uow() as uow:
                await answer(uow, network=NETWORK, target_id=3, request_id=request_id)
        assert isinstance(refused.value, NotFound)

    assert await graph_state(platform) == before


async def test_unfollow_cancels_a_pending_request(platform) -> None:
    request_id = (await follow(platform, 1, 2, requires_approval=True)).request_id

    async with platform.uow() as uow:
        assert await social.unfollow(uow, network=NETWORK, follower_id=1, followee_id=2) is True

    async with platform.reader() as uow:
        assert (await social.list_follow_requests(uow, network=NETWORK, target_id=2)).items == []
    assert (await social_events(platform))[-1] == (social.FOLLOW_REQUEST_CANCELLED, {
        "network": NETWORK, "request_id": request_id, "requester_id": 1, "target_id": 2})


async def test_following_an_account_gone_public_answers_its_old_request(platform) -> None:
    await follow(platform, 1, 2, requires_approval=True)

    result = await follow(platform, 1, 2, requires_approval=False)

    assert result == social.FollowResult(state="following")
    async with platform.reader() as uow:
        assert (await social.list_follow_requests(uow, network=NETWORK, target_id=2)).items == []


async def test_follow_requests_page_newest_first(platform) -> None:
    ids = [(await follow(platform, requester_id, 9, requires_approval=True)).request_id for requester_id in range(1, 6)]

    async with platform.reader() as uow:
        first = await social.list_follow_requests(uow, network=NETWORK, target_id=9, limit=3)
        second = await social.list_follow_requests(uow, network=NETWORK, target_id=9, cursor=first.next_cursor,
                                                   limit=3)

    assert [request.id for request in first.items + second.items] == ids[::-1]
    assert second.next_cursor is None


async def test_block_removes_follows_and_requests_both_ways(platform) -> None:
    await follow(platform, 1, 2)
    await follow(platform, 2, 1)
    await follow(platform, 3, 1)
    await follow(platform, 1, 4, requires_approval=True)
    await follow(platform, 4, 1, requires_approval=True)

    async with platform.uow() as uow:
        assert await social.block(uow, network=NETWORK, blocker_id=1, blocked_id=2) is True
    async with platform.uow() as uow:
        assert await social.block(uow, network=NETWORK, blocker_id=4, blocked_id=1) is True

    state = await graph_state(platform)
    assert state["follows"] == [(NETWORK, 3, 1)]
    assert state["requests"] == []
    assert state["blocks"] == [(NETWORK, 1, 2), (NETWORK, 4, 1)]
    async with platform.reader() as uow:
        assert await social.counts(uow, network=NETWORK, account_ids=[1, 2, 3]) == {
            1: social.Counts(followers_count=1), 2: social.Counts(), 3: social.Counts(following_count=1)}
        assert await social.is_blocked_either_way(uow, network=NETWORK, a=2, b=1) is True
        assert await social.is_blocked_either_way(uow, network=NETWORK, a=3, b=1) is False
        assert await social.blocked_either_way_ids(uow, network=NETWORK, account_id=1) == {2, 4}
    subjects = [subject for subject, _ in await social_events(platform)]
    assert subjects[-6:] == [social.UNFOLLOWED, social.UNFOLLOWED, social.BLOCKED,
                             social.FOLLOW_REQUEST_CANCELLED, social.FOLLOW_REQUEST_CANCELLED, social.BLOCKED]


async def test_blocking_again_changes_nothing(platform) -> None:
    async with platform.uow() as uow:
        await social.block(uow, network=NETWORK, blocker_id=1, blocked_id=2)
    before = await graph_state(platform)

    async with platform.uow() as uow:
        assert await social.block(uow, network=NETWORK, blocker_id=1, blocked_id=2) is False

    assert await graph_state(platform) == before


async def test_a_blocked_pair_cannot_follow_either_way_and_nothing_changes(platform) -> None:
    async with platform.uow() as uow:
        await social.block(uow, network=NETWORK, blocker_id=1, blocked_id=2)
    before = await graph_state(platform)

    for follower_id, followee_id in ((1, 2), (2, 1)):
        for requires_approval in (False, True):
            with pytest.raises(social.Blocked) as refused:
                await follow(platform, follower_id, followee_id, requires_approval=requires_approval)
            assert refused.value.code == "blocked"
            assert refused.value.status == 404

    assert await graph_state(platform) == before


async def test_refuses_to_block_oneself(platform) -> None:
    before = await graph_state(platform)

    with pytest.raises(social.SelfBlock):
        async with platform.uow() as uow:
            await social.block(uow, network=NETWORK, blocker_id=1, blocked_id=1)

    assert await graph_state(platform) == before


async def test_unblock_lets_them_follow_again(platform) -> None:
    async with platform.uow() as uow:
        await social.block(uow, network=NETWORK, blocker_id=1, blocked_id=2)
    async with platform.uow() as uow:
        assert await social.unblock(uow, network=NETWORK, blocker_id=1, blocked_id=2) is True
    async with platform.uow() as uow:
        assert await social.unblock(uow, network=NETWORK, blocker_id=1, blocked_id=2) is False

    assert await follow(platform, 2, 1) == social.FollowResult(state="following")
    assert (await social_events(platform))[1] == (social.UNBLOCKED, {"network": NETWORK, "blocker_id": 1,
                                                                      "blocked_id": 2})
