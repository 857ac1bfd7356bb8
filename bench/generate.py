#!/usr/bin/env python3
"""Synthetic transcripts for the benchmark, in the bracketed page style.

Every story is a page: a duration line, a "Country: headline" title, page clutter, then
`Storyline <headline> [Voice_over] ... [Sound_bite] Name, Title, Organisation: "quote" ...
[Restrictions: ...]` and trailing clutter. Names, places, organisations and sentences are
invented here from syllables and word lists, and everything is drawn from one seeded random
generator, so the same --seed and index always give the same bytes (and the same database).

Each story has 3 to 6 sound bites from 2 to 4 speakers drawn from a shared pool, so speakers
recur across stories as they do in a real archive. Every story carries its own index in the
text, so no two transcripts are byte-identical (the service deduplicates identical bytes).

Usage:
  generate.py --count N --out DIR [--seed S] [--start I]   write DIR/<shard>/<index>.txt
  generate.py --count N --stdout [--seed S] [--start I]     write NUL-separated transcripts
  generate.py --words                                       print the search vocabulary
  generate.py --sample                                      print one transcript
"""

import argparse
import os
import random
import sys

# Words that appear in quotes, one or more per quote: the benchmark's `GET /quotes?q=` draws
# its search terms from this list, so every search finds something.
SEARCH_WORDS = [
    "harbour", "budget", "vaccine", "drought", "election", "bridge", "teachers", "rainfall",
    "exports", "festival", "railway", "hospital", "wildfire", "reservoir", "tariffs", "pensions",
    "satellite", "harvest", "ferry", "housing", "museum", "flooding", "refinery", "orchestra",
]

SYLLABLES = [
    "ka", "lo", "mi", "ren", "tas", "vol", "dri", "an", "bel", "cor", "den", "fa", "gu", "hal",
    "is", "jor", "kev", "lin", "mor", "nel", "os", "pra", "quin", "ros", "sel", "tor", "ul",
    "var", "wen", "yas", "zel", "bra", "che", "dun", "el", "fin", "gar", "hel", "ik", "jan",
]

COUNTRIES = [
    "Norvania", "Estrada", "Kallisto", "Marwen", "Oskaria", "Pelland", "Quarro", "Selvany",
    "Tarvos", "Ulmaria", "Veskia", "Zandor", "Aurelle", "Brevik", "Castellan", "Dunmore",
]

TOPICS = [
    ("opens its first {adj} {thing}", "The new {thing} was opened on {weekday} after {n} months of work."),
    ("votes on {adj} {thing} plan", "Councillors met on {weekday} to decide the future of the {thing}."),
    ("braces for {adj} season", "Forecasters expect a {adj} season, and the {thing} is already under strain."),
    ("celebrates {adj} {thing} anniversary", "Crowds gathered on {weekday} to mark {n} years of the {thing}."),
    ("reopens {adj} {thing} after repairs", "The {thing} had been closed for {n} weeks while crews replaced its supports."),
    ("debates cost of {adj} {thing}", "The estimated cost of the {thing} has risen by {n} percent since spring."),
]

ADJECTIVES = ["electric", "coastal", "northern", "historic", "regional", "floating", "solar",
              "underground", "record", "municipal", "cross-border", "restored"]
THINGS = ["ferry terminal", "railway line", "water reservoir", "concert hall", "bridge",
          "harbour wall", "housing estate", "seed bank", "wind farm", "museum wing",
          "hospital ward", "grain market"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

TITLES = ["Mayor", "Director", "Chief Engineer", "Spokesperson", "Minister of Transport",
          "Head of Research", "Resident", "Shop Owner", "Professor", "Chairwoman", "Deputy Mayor",
          "Project Manager", "Economist", "Nurse", "Teacher", "Fisherman"]
ORG_PATTERNS = ["{place} Municipality", "{place} Institute of Technology", "Ministry of {field}",
                "{place} Harbour Authority", "University of {place}", "{place} Chamber of Commerce",
                "{field} Research Council", "{place} Regional Hospital"]
FIELDS = ["Transport", "Energy", "Agriculture", "Culture", "Health", "Finance", "Housing", "Water"]

QUOTE_OPENERS = [
    "We waited a long time for this.",
    "Nobody here expected it to happen so quickly.",
    "This is what people asked us for.",
    "I have lived here all my life, and I have never seen anything like it.",
    "The numbers speak for themselves.",
    "It was not easy, and it is not finished.",
]
QUOTE_MIDDLES = [
    "The {word} question came up at every meeting we held.",
    "Without the {word} money, none of this would have been possible.",
    "People worry about the {word}, and they are right to.",
    "We spent {n} days talking about the {word} alone.",
    "The {word} figures for this year are better than last year's.",
    "Everyone in town has an opinion about the {word}.",
]
QUOTE_CLOSERS = [
    "Now we have to show that it works.",
    "We will be watching very closely.",
    "Ask me again in a year.",
    "That is the whole point.",
    "It is a good day for everyone here.",
    "There is still a lot of work ahead.",
]
NARRATION = [
    "Work began {n} months ago, and the site has been busy every day since.",
    "Local businesses say they have already noticed a difference.",
    "Not everyone is convinced, and a petition against the plan gathered {n} signatures.",
    "Engineers say the hardest part was keeping the old service running during the works.",
    "The regional government paid for most of the project.",
    "Visitors came from neighbouring towns to see it for themselves.",
]
RESTRICTIONS = ["None", "No access {country} broadcasters", "No resale", "Editorial use only"]

SPEAKER_POOL_SIZE = 3000


def invented_word(rng, syllables=2):
    return "".join(rng.choice(SYLLABLES) for _ in range(syllables)).capitalize()


def speaker_pool(seed):
    """The shared pool of invented people, the same for a given seed."""
    rng = random.Random(f"speakers-{seed}")
    pool, seen = [], set()
    while len(pool) < SPEAKER_POOL_SIZE:
        name = f"{invented_word(rng, rng.choice((2, 3)))} {invented_word(rng, rng.choice((2, 3)))}"
        if name in seen:
            continue
        seen.add(name)
        place = invented_word(rng, 3)
        org = rng.choice(ORG_PATTERNS).format(place=place, field=rng.choice(FIELDS))
        pool.append((name, rng.choice(TITLES), org))
    return pool


class Generator:
    def __init__(self, seed=1):
        self.seed = seed
        self.pool = speaker_pool(seed)

    def story(self, index):
        """Story `index` (any non-negative integer) as plain data: what the transcript says."""
        rng = random.Random(f"story-{self.seed}-{index}")
        country = rng.choice(COUNTRIES)
        town = invented_word(rng, 3)
        adj, thing, weekday = rng.choice(ADJECTIVES), rng.choice(THINGS), rng.choice(WEEKDAYS)
        headline_pattern, lead_pattern = rng.choice(TOPICS)
        fill = dict(adj=adj, thing=thing, weekday=weekday, n=rng.randint(2, 90))
        headline = f"{town} {headline_pattern.format(**fill)}"
        duration = rng.randint(0, 5) * 60 + rng.randint(0, 59)

        people = rng.sample(self.pool, rng.randint(2, 4))
        quote_count = rng.randint(3, 6)
        # segments: (kind, text, speaker index or None); quotes: (speaker index, text, segment index)
        segments = [("voice_over", f"{lead_pattern.format(**fill)} It is report number {index} from {town}.", None)]
        quotes, speakers = [], []
        for q in range(quote_count):
            person = people[q % len(people)]
            if person not in speakers:
                speakers.append(person)
            word = rng.choice(SEARCH_WORDS)
            text = " ".join([
                rng.choice(QUOTE_OPENERS),
                rng.choice(QUOTE_MIDDLES).format(word=word, n=rng.randint(2, 60)),
                rng.choice(QUOTE_CLOSERS),
            ])
            quotes.append((speakers.index(person), text, len(segments)))
            segments.append(("sound_bite", text, speakers.index(person)))
            if q < quote_count - 1 and rng.random() < 0.7:
                segments.append(("voice_over", rng.choice(NARRATION).format(n=rng.randint(2, 900)), None))
        return dict(
            index=index, title=f"{country}: {headline}", headline=headline, location=country,
            duration_seconds=duration, restrictions=[rng.choice(RESTRICTIONS).format(country=country)],
            speakers=speakers, segments=segments, quotes=quotes,
        )

    def transcript(self, index):
        """The transcript text of story `index`, in the bracketed page style."""
        return self.render(self.story(index))

    @staticmethod
    def render(story):
        """The transcript text of a story from `story()`."""
        parts = []
        for kind, text, speaker in story["segments"]:
            if kind == "sound_bite":
                name, title, org = story["speakers"][speaker]
                parts.append(f'[Sound_bite] {name}, {title}, {org}: "{text}"')
            else:
                parts.append(f"[Voice_over] {text}")
        parts.append(f"[Restrictions: {story['restrictions'][0]}]")
        minutes, seconds = divmod(story["duration_seconds"], 60)
        return (
            f"{minutes:02d}:{seconds:02d}\n\n"
            f"{story['title']}\n\n"
            "Content Partner Cover Image\nContent Partner Profile Image\nUploaded by a content partner\n\n"
            "Buy video\n\n"
            f"Storyline {story['headline']} " + " ".join(parts) + "\n\n"
            "Categories\n\nTags\n\nFrom the blog\n\n"
            "Five ways to tell a story with local footage\n\n"
            "A teaser paragraph about video that is not part of the story.\n\nView post\n"
        )


def shard_path(out, index):
    return os.path.join(out, f"{index // 1000:04d}", f"{index:07d}.txt")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=0)
    parser.add_argument("--start", type=int, default=0, help="first story index")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", help="directory to write one file per story into")
    parser.add_argument("--stdout", action="store_true", help="NUL-separated transcripts on stdout")
    parser.add_argument("--words", action="store_true", help="print the search vocabulary")
    parser.add_argument("--sample", action="store_true", help="print one transcript")
    args = parser.parse_args()

    if args.words:
        print("\n".join(SEARCH_WORDS))
        return
    generator = Generator(args.seed)
    if args.sample:
        sys.stdout.write(generator.transcript(args.start))
        return
    if args.out:
        made = set()
        for index in range(args.start, args.start + args.count):
            path = shard_path(args.out, index)
            directory = os.path.dirname(path)
            if directory not in made:
                os.makedirs(directory, exist_ok=True)
                made.add(directory)
            with open(path, "w", encoding="utf-8") as f:
                f.write(generator.transcript(index))
    elif args.stdout:
        out = sys.stdout.buffer
        for index in range(args.start, args.start + args.count):
            out.write(generator.transcript(index).encode())
            out.write(b"\0")
    else:
        parser.error("give --out DIR, --stdout, --words or --sample")


if __name__ == "__main__":
    main()
