"""The demo's world, planned in memory and deterministic by seed: people, a heavy-tailed follow graph, posts,
likes, comments, saves, stories and their views. No I/O: people are list indexes, times are offsets from `now`.

The graph follows preferential attachment: each person follows a log-normal number of accounts (median
~35), drawn without replacement with probability ∝ 1/(popularity rank + 3), so the few accounts at the top
collect followers from most of the network and the long tail a handful each.
"""

from __future__ import annotations

import dataclasses
import math
import random
from datetime import datetime, timedelta

import numpy as np

from casebook.apps.instagram import rules

SEED = 20_241_121
KNOWN = ("ada", "grace", "linus", "barbara", "ken")  # the shared demo people of every app; ada is index 0
PRIVATE_KNOWN = "linus"  # a private account with followers and pending requests
CELEBRITIES = ("travelwithmia", "chef.marco", "city.lights", "daily.dog", "astro.nina", "pixel.studio",
               "trail.runner", "bakery.bloom")
KNOWN_RANK = 30  # the known people sit just below the celebrities: a few hundred followers each
ZIPF_OFFSET = 3  # weight 1/(rank + 3): the top account gets ~11% of all follow draws
FOLLOWEES_MEDIAN = 35
FOLLOWEES_SIGMA = 0.9
FOLLOWEES_MIN, FOLLOWEES_MAX = 3, 600
ADA_FOLLOWEES = 400  # the benchmark reads the feed of an account following several hundred
PRIVATE_SHARE = 0.06
REQUEST_SHARE = 0.15  # of the would-be followers of a private account, this share is still pending
POST_WINDOW = timedelta(days=28)  # inside the feed's 30-day rebuild window
# Posters' older posts, a month to two years old: outside every timeline (rebuilds reach back 30 days), but a
# fan-out-on-read feed query has to sort through them, as it would through anyone's real history.
ARCHIVE_PER_POSTER = 150
ARCHIVE_SPAN = timedelta(days=730)
LIKE_RATE_MEDIAN = 0.06  # likes per follower of the author
COMMENTS_PER_LIKE = 0.08
SAVES_PER_LIKE = 0.04
REPLY_SHARE = 0.25
LIKES_PER_POST_MAX = 2_000
IMAGES_MAX = 200  # distinct photos rendered through the media pipeline; posts reuse their owner's

FIRST_NAMES = ("alex", "sam", "maya", "noah", "lena", "omar", "zoe", "ivan", "aiko", "luca", "nia", "raj", "emma",
               "hugo", "sara", "kofi", "mila", "theo", "yara", "jonas", "ines", "mateo", "priya", "felix", "ana",
               "leo", "chloe", "diego", "hana", "arjun", "lucy", "kai", "nora", "tariq", "elif", "finn")
LAST_NAMES = ("rivera", "chen", "novak", "okafor", "silva", "kim", "haddad", "larsen", "rossi", "tanaka", "moreau",
              "patel", "weber", "costa", "ali", "berg", "dubois", "sato", "ivanova", "nguyen", "fischer", "lopez")
HASHTAGS = ("travel", "sunset", "foodie", "photography", "nature", "coffee", "weekend", "art", "dogsofinstagram",
            "fitness", "city", "beach", "mountains", "friends", "love", "instagood", "streetphotography", "books",
            "music", "design", "summer", "autumn", "running", "baking", "vegan", "architecture", "nofilter",
            "catsofinstagram", "roadtrip", "goldenhour", "hiking", "brunch", "ootd", "skyline", "plants", "yoga")
PLACES = (("Eiffel Tower", 48.8584, 2.2945), ("Central Park", 40.7829, -73.9654), ("Shibuya Crossing", 35.6595,
          139.7005), ("Golden Gate Bridge", 37.8199, -122.4783), ("Colosseum", 41.8902, 12.4922),
          ("Sagrada Família", 41.4036, 2.1744), ("Table Mountain", -33.9628, 18.4098), ("Bondi Beach", -33.8915,
          151.2767), ("Brandenburg Gate", 52.5163, 13.3777), ("Tower Bridge", 51.5055, -0.0754),
          ("Santorini", 36.3932, 25.4615), ("Machu Picchu", -13.1631, -72.5450), ("Banff", 51.1784, -115.5708),
          ("Marina Bay Sands", 1.2834, 103.8607), ("Copacabana", -22.9711, -43.1822), ("Lake Bled", 46.3625,
          14.0938), ("Old Town Prague", 50.0875, 14.4213), ("Cappadocia", 38.6431, 34.8289),
          ("Times Square", 40.7580, -73.9855), ("Kyoto Gion", 35.0037, 135.7788))
CAPTIONS = ("Golden hour never gets old ✨", "Weekend mood", "Could stay here forever", "Little things 🌿",
            "New favourite spot", "Coffee first ☕", "Sunday reset", "Throwback to this view", "Made this today",
            "Not a bad office", "Chasing light", "Home is where this is", "Caught in the moment", "Into the blue 🌊",
            "Slow mornings", "Good food, good mood 🍝", "Exploring", "Shapes and colours", "Can't stop, won't stop",
            "Postcard from today")
COMMENTS = ("Wow 😍", "Love this!", "Stunning 🔥", "Where is this?", "So good", "Need to go there", "🙌🙌",
            "Amazing shot", "This made my day", "Colours!! 🎨", "Take me with you next time", "Beautiful ❤️",
            "Goals", "Incredible light", "Saving this one")
REPLIES = ("Thank you! 🙏", "Right?!", "Let's go together", "Haha yes", "It's even better in person", "❤️")


@dataclasses.dataclass(slots=True)
class Person:
    username: str
    full_name: str
    bio: str
    is_private: bool
    images: list[int] = dataclasses.field(default_factory=list)  # indexes into World.images


@dataclasses.dataclass(slots=True)
class Post:
    author: int
    created_at: datetime
    caption: str
    visibility: str
    place: int | None  # index into PLACES
    images: list[int]
    tags: list[tuple[int, int, float, float]]  # (media position, person, x, y)


@dataclasses.dataclass(slots=True)
class Comment:
    post: int
    author: int
    parent: int | None  # index of the comment replied to
    body: str
    created_at: datetime


@dataclasses.dataclass(slots=True)
class Story:
    author: int
    image: int
    audience: str
    created_at: datetime


@dataclasses.dataclass(slots=True)
class World:
    now: datetime
    people: list[Person]
    follows: list[tuple[int, int, datetime]]  # follower, followee
    requests: list[tuple[int, int, datetime]]  # requester, private target
    close_friends: list[tuple[int, int]]  # list owner, friend
    images: list[tuple[int, int, str]]  # owner, seed, label
    posts: list[Post]
    likes: list[tuple[int, int, datetime]]  # post, person
    comments: list[Comment]
    saves: list[tuple[int, int, datetime]]  # person, post
    stories: list[Story]
    story_views: list[tuple[int, int, datetime]]  # story, viewer


def plan(*, people_count: int, now: datetime, seed: int = SEED, archive_per_poster: int = ARCHIVE_PER_POSTER) -> World:
    """The whole demo for `people_count` people (at least 40), ada at index 0; every poster also has
    `archive_per_poster` older posts."""
    assert people_count >= 40, people_count
    chance = random.Random(seed)
    people = _people(chance, people_count)
    followees = _graph(np.random.default_rng(seed), people_count)
    world = World(now=now, people=people, follows=[], requests=[], close_friends=[], images=[], posts=[],
                  likes=[], comments=[], saves=[], stories=[], story_views=[])
    followers: list[list[int]] = [[] for _ in people]
    for follower, targets in enumerate(followees):
        for followee in targets:
            at = now - timedelta(days=60 + chance.random() * 300)
            if people[followee].is_private and chance.random() < REQUEST_SHARE and follower != 0:
                world.requests.append((follower, followee, now - timedelta(hours=chance.random() * 72)))
            else:
                world.follows.append((follower, followee, at))
                followers[followee].append(follower)
    _close_friends(chance, world, followers)
    _images_and_posts(chance, world, followers)
    _engagement(chance, world, followers)
    _archive(chance, world, followers, per_poster=archive_per_poster)
    _stories(chance, world, followers)
    return world


def _people(chance: random.Random, count: int) -> list[Person]:
    people = [Person(username=name, full_name=name.capitalize(), bio="Demo account · say hi 👋",
                     is_private=name == PRIVATE_KNOWN) for name in KNOWN]
    people += [Person(username=name, full_name=name.replace(".", " ").title(), bio="Daily photos · DMs open",
                      is_private=False) for name in CELEBRITIES]
    taken = {person.username for person in people}
    while len(people) < count:
        first, last = chance.choice(FIRST_NAMES), chance.choice(LAST_NAMES)
        username = f"{first}{chance.choice(('.', '_', ''))}{last}{chance.randint(1, 999)}"
        if username in taken or len(username) > rules.USERNAME_CHARS_MAX:
            continue
        taken.add(username)
        people.append(Person(username=username, full_name=f"{first.title()} {last.title()}",
                             bio=chance.choice(("", "", "📷 amateur", "coffee & film", "here for the dogs")),
                             is_private=chance.random() < PRIVATE_SHARE))
    return people


def _popularity_ranks(count: int, rng: np.random.Generator) -> np.ndarray:
    """rank[i] of person i: celebrities first, then the rest shuffled, the known people at KNOWN_RANK."""
    known, celebrities = len(KNOWN), len(CELEBRITIES)
    others = rng.permutation(np.arange(known + celebrities, count))
    order = [*range(known, known + celebrities), *others.tolist()]
    slot = min(KNOWN_RANK, len(order))
    order[slot:slot] = list(range(known))
    ranks = np.empty(count, dtype=np.int64)
    ranks[np.array(order)] = np.arange(count)
    return ranks


def _graph(rng: np.random.Generator, count: int) -> list[list[int]]:
    ranks = _popularity_ranks(count, rng)
    weights = 1.0 / (ranks + ZIPF_OFFSET)
    median = min(FOLLOWEES_MEDIAN, count // 15)  # a small demo keeps its tail: nobody follows half of it
    sizes = np.clip(rng.lognormal(math.log(median), FOLLOWEES_SIGMA, count).astype(int),
                    FOLLOWEES_MIN, min(FOLLOWEES_MAX, count // 2))
    sizes[0] = min(ADA_FOLLOWEES, count // 2)
    known = list(range(len(KNOWN)))
    followees: list[list[int]] = []
    for person in range(count):
        p = weights.copy()
        p[person] = 0.0
        p /= p.sum()
        picked = set(rng.choice(count, size=int(sizes[person]), replace=False, p=p).tolist())
        if person in known:  # the demo friends follow each other, and ada follows every celebrity
            picked |= {other for other in known if other != person}
            if person == 0:
                picked |= set(range(len(KNOWN), len(KNOWN) + len(CELEBRITIES)))
        followees.append(sorted(picked))
    return followees


def _close_friends(chance: random.Random, world: World, followers: list[list[int]]) -> None:
    for owner in range(len(world.people)):
        if owner < len(KNOWN) or chance.random() < 0.05:
            pool = [friend for friend in followers[owner] if friend != owner]
            chosen = set(chance.sample(pool, min(len(pool), chance.randint(3, 12))))
            if owner == 0:
                chosen |= set(range(1, len(KNOWN)))
            world.close_friends.extend((owner, friend) for friend in sorted(chosen))


def _images_and_posts(chance: random.Random, world: World, followers: list[list[int]]) -> None:
    """Posters own 1-6 images (a few hundred in all) and reuse them across their posts."""
    count = len(world.people)
    by_reach = sorted(range(count), key=lambda person: -len(followers[person]))
    image_budget = max(24, min(IMAGES_MAX, count // 10))
    has_list = {owner for owner, _ in world.close_friends}
    for person in [*range(len(KNOWN)), *(p for p in by_reach if p >= len(KNOWN))]:
        if len(world.images) >= image_budget:
            break
        is_big = person < len(KNOWN) + len(CELEBRITIES)
        for _ in range(4 if is_big else chance.randint(1, 2)):
            world.people[person].images.append(len(world.images))
            world.images.append((person, chance.randrange(1 << 30), chance.choice(HASHTAGS)))
        posts = chance.randint(40, 60) if is_big else chance.randint(3, 20)  # up to ~2 a day
        for _ in range(posts):
            world.posts.append(_post(chance, world, person, followers, has_list=person in has_list))


def _post(chance: random.Random, world: World, author: int, followers: list[list[int]], *, has_list: bool) -> Post:
    person = world.people[author]
    images = chance.sample(person.images, min(len(person.images), 1 if chance.random() < 0.8 else 3))
    tags = [chance.choice(HASHTAGS) for _ in range(chance.choice((0, 1, 2, 2, 3, 4)))]
    caption = chance.choice(CAPTIONS)
    friends = followers[author]
    if friends and chance.random() < 0.15:
        caption += f" with @{world.people[chance.choice(friends)].username}"
    if tags:
        caption += " " + " ".join(f"#{tag}" for tag in dict.fromkeys(tags))
    visibility = "public"
    roll = chance.random()
    if roll < 0.03 and has_list:
        visibility = "close_friends"
    elif roll < 0.10:
        visibility = "followers"
    tagged = [(0, chance.choice(friends), round(chance.uniform(0.1, 0.9), 3), round(chance.uniform(0.1, 0.9), 3))]\
        if friends and chance.random() < 0.10 else []
    # Skewed to the recent past, as feeds are: half the posts are from the last week.
    age = POST_WINDOW * (chance.random() ** 2)
    return Post(author=author, created_at=world.now - age - timedelta(minutes=1), caption=caption,
                visibility=visibility, place=chance.randrange(len(PLACES)) if chance.random() < 0.4 else None,
                images=images, tags=tagged)


def _archive(chance: random.Random, world: World, followers: list[list[int]], *, per_poster: int) -> None:
    """Older posts of everyone who posts, planned after the engagement: the archive gets no likes or comments
    (the demo's engagement is about the last month), only its rows, hashtags, places and mentions."""
    posters = list(dict.fromkeys(post.author for post in world.posts))
    has_list = {owner for owner, _ in world.close_friends}
    for person in posters:
        for _ in range(per_poster):
            post = _post(chance, world, person, followers, has_list=person in has_list)
            post.created_at = world.now - POST_WINDOW - timedelta(days=2) - ARCHIVE_SPAN * chance.random()
            world.posts.append(post)


def _audience(world: World, post: Post, followers: list[list[int]], cf: dict[int, list[int]]) -> list[int]:
    """Who may see and so engage with the post: the author's followers, or their close-friends list."""
    if post.visibility == "close_friends":
        return cf.get(post.author, [])
    return followers[post.author]


def _engagement(chance: random.Random, world: World, followers: list[list[int]]) -> None:
    cf: dict[int, list[int]] = {}
    followed_by = [set(group) for group in followers]
    for owner, friend in world.close_friends:
        if friend in followed_by[owner]:  # a private author's listed non-follower could not see the post
            cf.setdefault(owner, []).append(friend)
    for index, post in enumerate(world.posts):
        audience = _audience(world, post, followers, cf)
        if not audience:
            continue
        rate = LIKE_RATE_MEDIAN * math.exp(chance.gauss(0.0, 0.9))
        like_count = min(len(audience), LIKES_PER_POST_MAX, round(len(audience) * rate))
        likers = chance.sample(audience, like_count)
        age_s = (world.now - post.created_at).total_seconds()
        world.likes.extend((index, liker, post.created_at + timedelta(seconds=chance.random() * age_s))
                           for liker in likers)
        savers = chance.sample(likers, min(len(likers), round(like_count * SAVES_PER_LIKE)))
        world.saves.extend((saver, index, post.created_at + timedelta(seconds=chance.random() * age_s))
                           for saver in savers)
        comment_count = round(like_count * COMMENTS_PER_LIKE) + (1 if chance.random() < 0.3 else 0)
        for _ in range(comment_count):
            at = post.created_at + timedelta(seconds=chance.random() * age_s * 0.8)
            world.comments.append(Comment(post=index, author=chance.choice(audience), parent=None,
                                          body=chance.choice(COMMENTS), created_at=at))
            if chance.random() < REPLY_SHARE:
                parent = len(world.comments) - 1
                for _ in range(chance.randint(1, 3)):
                    replier = post.author if chance.random() < 0.5 else chance.choice(audience)
                    at = at + timedelta(seconds=chance.random() * max(age_s * 0.1, 60))
                    world.comments.append(Comment(post=index, author=replier, parent=parent,
                                                  body=chance.choice(REPLIES), created_at=min(at, world.now)))


def _stories(chance: random.Random, world: World, followers: list[list[int]]) -> None:
    """40% of posters have 1-3 stories; 70% of those are live (posted in the last 20 h), the rest expired."""
    has_list = {owner for owner, _ in world.close_friends}
    for author, person in enumerate(world.people):
        if not person.images or (author != 0 and chance.random() > 0.4):
            continue
        is_live = author == 0 or chance.random() < 0.7
        for _ in range(chance.randint(1, 3)):
            age = timedelta(hours=chance.uniform(0.2, 20) if is_live else chance.uniform(26, 40))
            audience = "close_friends" if author in has_list and chance.random() < 0.1 else "everyone"
            world.stories.append(Story(author=author, image=chance.choice(person.images), audience=audience,
                                       created_at=world.now - age))
            if not is_live or audience == "close_friends":
                continue
            viewers = chance.sample(followers[author], min(200, len(followers[author]) // 5))
            story_index = len(world.stories) - 1
            world.story_views.extend((story_index, viewer, world.now - age * chance.random()) for viewer in viewers)
