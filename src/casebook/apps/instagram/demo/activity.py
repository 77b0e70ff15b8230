"""The demo's live activity: a few likes, comments, follows, follow requests and conversations made through the
app's own services after the bulk load, so ada (and linus) find real notifications and DMs when they sign in."""

from __future__ import annotations

from casebook.apps.instagram import rules
from casebook.apps.instagram.demo.world import KNOWN, PRIVATE_KNOWN, World
from casebook.apps.instagram.inbox import direct
from casebook.apps.instagram.posts import comments, engagement
from casebook.engines import social
from casebook.platform.bootstrap import Platform

NEW_LIKES = 12  # enough to group: "x and 11 others liked your post"
NEW_COMMENTS = ("This is gorgeous 😍", "Where was this taken?", "Take me with you next time!")
ADA_REPLY = "Thank you! It's near the old harbour ⚓"
NEW_FOLLOWERS = 4
NEW_REQUESTS = 2
DIRECT = (("ada", "Are we still on for Saturday?"), ("grace", "Yes! 10am at the market?"),
          ("ada", "Perfect, I'll bring coffee ☕"), ("grace", "You're the best"))
GROUP_TITLE = "Weekend trip 🏕️"
GROUP = (("ada", "Who's driving?"), ("ken", "I can, the car fits four"), ("barbara", "I'll do snacks 🍪"),
         ("grace", "Playlist is on me"))
STRANGER_MESSAGE = "Hi! Loved your photo from the harbour, which camera do you use?"


async def make_activity(platform: Platform, world: World, account_ids: list[int], post_ids: list[int]) -> None:
    index_of = {person.username: index for index, person in enumerate(world.people)}
    ada = index_of["ada"]
    followers = {followee: set() for followee in range(len(world.people))}
    for follower, followee, _at in world.follows:
        followers[followee].add(follower)
    ada_posts = [index for index, post in enumerate(world.posts) if post.author == ada and post.visibility == "public"]
    newest = max(ada_posts, key=lambda index: world.posts[index].created_at)
    liked = {person for post, person, _at in world.likes if post == newest}
    # Followers first, then anyone (ada is public): a small demo has few followers to spare
    fans = [person for person in [*sorted(followers[ada]), *range(len(world.people))]
            if person not in liked and person >= len(KNOWN)]
    fans = list(dict.fromkeys(fans))
    for fan in fans[:NEW_LIKES]:
        async with platform.uow() as uow:
            await engagement.like_post(uow, account_id=account_ids[fan], post_id=post_ids[newest])
    first_comment = None
    for fan, body in zip(fans[NEW_LIKES:], NEW_COMMENTS):
        async with platform.uow() as uow:
            comment = await comments.add_comment(uow, author_id=account_ids[fan], post_id=post_ids[newest], body=body)
            first_comment = first_comment or comment.id
    if first_comment is not None:
        async with platform.uow() as uow:
            await comments.add_comment(uow, author_id=account_ids[ada], post_id=post_ids[newest], body=ADA_REPLY,
                                       parent_id=first_comment)
    await _follows(platform, world, account_ids, followers, index_of)
    await _conversations(platform, world, account_ids, index_of)


async def _follows(platform: Platform, world: World, account_ids: list[int], followers: dict[int, set[int]],
                   index_of: dict[str, int]) -> None:
    ada, linus = index_of["ada"], index_of[PRIVATE_KNOWN]
    requested = {requester for requester, target, _at in world.requests if target == linus}
    strangers = [person for person in range(len(KNOWN), len(world.people))
                 if person not in followers[ada] and not world.people[person].is_private]
    for person in strangers[:NEW_FOLLOWERS]:
        async with platform.uow() as uow:
            await social.follow(uow, network=rules.NETWORK, follower_id=account_ids[person],
                                followee_id=account_ids[ada], requires_approval=False)
    hopefuls = [person for person in strangers[NEW_FOLLOWERS:] if person not in followers[linus]
                and person not in requested]
    for person in hopefuls[:NEW_REQUESTS]:
        async with platform.uow() as uow:
            await social.follow(uow, network=rules.NETWORK, follower_id=account_ids[person],
                                followee_id=account_ids[linus], requires_approval=True)


async def _conversations(platform: Platform, world: World, account_ids: list[int], index_of: dict[str, int]) -> None:
    def account(username: str) -> int:
        return account_ids[index_of[username]]

    async with platform.uow() as uow:
        thread = await direct.start_conversation(uow, sender_id=account("ada"), usernames=["grace"])
    for sender, text in DIRECT:
        async with platform.uow() as uow:
            await direct.send_message(uow, sender_id=account(sender), conversation_id=thread.id, text=text)
    async with platform.uow() as uow:
        group = await direct.start_conversation(uow, sender_id=account("ada"), usernames=["grace", "barbara", "ken"],
                                                title=GROUP_TITLE)
    for sender, text in GROUP:
        async with platform.uow() as uow:
            await direct.send_message(uow, sender_id=account(sender), conversation_id=group.id, text=text)
    # A stranger ada does not follow: the message waits in her requests folder.
    ada = index_of["ada"]
    following = {followee for follower, followee, _at in world.follows if follower == ada}
    stranger = next(person for person in range(len(KNOWN), len(world.people))
                    if person not in following and not world.people[person].is_private)
    async with platform.uow() as uow:
        request = await direct.start_conversation(uow, sender_id=account_ids[stranger], usernames=["ada"])
        await direct.send_message(uow, sender_id=account_ids[stranger], conversation_id=request.id,
                                  text=STRANGER_MESSAGE)
