"""Brand safety (botx_cli/trends/safety.py, blacklist.py): the unsafe terms are found however a
name hides them (look-alike letters, leetspeak, CamelCase, run-together, accents, eight
languages), ordinary words that merely contain them are not, and the false positives on the
real captures and on a list of ordinary tech and brand words are measured here."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from botx_cli.trends.blacklist import DEFAULT_ALLOW, DEFAULT_BLACKLIST
from botx_cli.trends.safety import SafetyMatcher
from botx_cli.trends.sources.getdaytrends import parse as parse_getdaytrends
from botx_cli.trends.sources.google_rss import parse as parse_google_rss
from botx_cli.trends.sources.trends24 import parse as parse_trends24
from botx_cli.trends.words import squash

PAGES = Path(__file__).parent / "fixtures" / "trend-pages"
MATCHER = SafetyMatcher(DEFAULT_BLACKLIST, (), DEFAULT_ALLOW)
ENTRIES = sorted(
    {(category, term) for category, terms in DEFAULT_BLACKLIST.items() for term in terms if not term.startswith("=")}
)  # "=" terms keep their accents: tested on their own
LATIN_TERMS = [(c, t) for c, t in ENTRIES if t.rstrip("*").replace(" ", "").isascii()]
RUN_TOGETHER = [(c, t.rstrip("*")) for c, t in LATIN_TERMS if t.endswith("*")]
SAFE_FILLERS = [
    "Cloud",
    "GPU",
    "Day",
    "Live",
    "Big",
    "Super",
    "Fan",
    "Tour",
    "Now",
    "Update",
    "Go",
    "Mega",
    "Tech",
    "Data",
    "Fast",
    "Launch",
    "Hub",
    "Club",
    "Team",
]
# Latin letters and the Cyrillic/Greek letters drawn like them
LOOKALIKE = {
    "a": "аα",
    "e": "еε",
    "o": "оο",
    "p": "рρ",
    "c": "с",
    "x": "хχ",
    "y": "у",
    "i": "іι",
    "k": "кκ",
    "h": "һ",
    "s": "ѕ",
    "t": "τ",
    "n": "η",
    "b": "в",
}
LEET = {"o": "0", "i": "1", "e": "3", "a": "4", "s": "5", "t": "7"}


def category_of(name: str) -> str | None:
    hit = MATCHER.check(name)
    return hit.category if hit else None


def camel(term: str) -> str:
    return "".join(word[:1].upper() + word[1:] for word in term.split())


# --- the issue's cases ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "category"),
    [
        ("#CloudGPUPornography", "nsfw"),
        ("#P0rnGPU", "nsfw"),
        ("#P\u043ernHubPremium", "nsfw"),  # Cyrillic о
        ("#ISIS", "war"),
        ("#Taliban", "war"),
        ("#TenCommandments", "religion"),
        ("#PrayForTexas", "tragedy"),
        ("#nudesleaked", "nsfw"),
        ("#bigpornday", "nsfw"),
        ("#HITLERdidnothingwrong", "hate"),
        ("#N4ZIparade", "hate"),
        ("\uff30\uff4f\uff52\uff4e", "nsfw"),  # fullwidth letters
        ("\U0001d429\U0001d428\U0001d42b\U0001d427", "nsfw"),  # mathematical bold letters
        ("P\u0336o\u0336r\u0336n\u0336", "nsfw"),  # combining strokes
        ("Po\u200brn", "nsfw"),  # a zero-width space
        ("Travis Scott arrested in Miami over intoxication and trespassing", "crime"),
        ("Elecciones en México", "political"),
        ("Élection présidentielle", "political"),
        ("Bundestagswahl", "political"),
        ("Eleições 2026", "political"),
        ("Elezioni politiche", "political"),
        ("Seçim sonuçları", "political"),
        ("Pemilu 2029", "political"),
        ("Guerra en Ucrania", "war"),
        ("Krieg in Europa", "war"),
        ("Terremoto en Chile", "tragedy"),
        ("Deprem oldu", "tragedy"),
        ("Gempa bumi", "tragedy"),
        ("Detenido el alcalde", "crime"),
        ("Tutuklandı", "crime"),
        ("Ditangkap polisi", "crime"),
        ("Iglesia católica", "religion"),
        ("Papst Leo", "religion"),
        ("Masjid raya", "religion"),
        ("Maliye Bakanlığı", "political"),
        ("ROKETSAN", "war"),
        ("GAZZE'Yİ DUY", "political"),
        ("Şara", "political"),
        ("#ŞARA", "political"),
        ("Mansur Yavaş", "political"),
        ("Gyanesh Kumar", "political"),
    ],
)
def test_the_issue_cases_are_unsafe(name: str, category: str) -> None:
    assert category_of(name) == category, MATCHER.check(name)


# Ordinary words and names that contain an unsafe term, or look like one: never unsafe. (Rare
# words that would shelter a glued term, Thorny, Nudeln, Snigger, are left unsafe: blacklist.py.)
# fmt: off
ORDINARY = (
    ["Nvidia", "AMD", "Intel", "Apple", "Microsoft", "Google", "Amazon", "Meta", "Netflix", "Spotify", "Adobe", "Oracle", "Salesforce", "IBM", "Cisco", "Dell", "Lenovo", "Asus", "Acer", "Samsung", "Sony", "Nintendo", "Tesla", "SpaceX", "Uber", "Airbnb", "Shopify", "Stripe", "PayPal", "Visa", "Mastercard", "Coinbase", "Robinhood", "Zoom", "Slack", "Discord", "Reddit", "Twitch", "YouTube", "TikTok", "Snapchat", "Pinterest", "LinkedIn", "GitHub", "GitLab", "Atlassian", "Figma", "Canva", "Notion", "Dropbox", "Twilio", "Datadog", "Snowflake", "Databricks", "Palantir", "Cloudflare", "Akamai", "Fastly", "DigitalOcean", "Hetzner", "Vercel", "Netlify", "Heroku", "Docker", "Kubernetes", "Terraform", "Ansible", "Jenkins", "Grafana", "Prometheus", "Elasticsearch", "MongoDB", "PostgreSQL", "MySQL", "Redis", "Kafka", "Spark", "Hadoop", "TensorFlow", "PyTorch", "Keras", "Jupyter", "Anaconda", "Python", "JavaScript", "TypeScript", "Rust", "Golang", "Kotlin", "Swift", "Java", "Scala", "Haskell", "Erlang", "Elixir", "Ruby", "Rails", "Django", "Flask", "FastAPI", "React", "Angular", "Vue", "Svelte", "NextJS", "NodeJS", "Deno", "WebAssembly", "Linux", "Ubuntu", "Debian", "Fedora", "Windows", "macOS", "iOS", "Android", "ChromeOS", "RaspberryPi", "Arduino", "ARM", "RISCV", "x86", "CUDA", "OpenCL", "Vulkan", "DirectX", "UnrealEngine", "Unity", "Blender", "Photoshop", "Premiere", "Xcode", "VSCode", "Vim", "Emacs", "H100", "A100", "RTX4090", "RTX2080", "GalaxyA55", "Pixel9", "iPhone17", "GPT5", "Llama3", "DeepSeek", "Anthropic", "OpenAI", "HuggingFace", "Cockpit", "Analytics", "Essex", "Sussex", "Middlesex", "Scunthorpe", "Therapist", "Classic", "AssassinsCreed", "Cocktail", "Hancock", "Peacock", "Hitchcock", "Dickinson", "Dickens", "Cumbria", "Document", "Circumstance", "Accumulate", "Cucumber", "Specialist", "Passover", "Bassist", "Grape", "Skyscraper", "Matsushita", "Mitsubishi", "Shiitake", "Pussycat", "Retardant", "Bombardier", "Nazionale", "Kanal", "Analog", "Analysis", "Title", "Titan", "Constitution", "Butterfly", "Sextant", "Sexton", "Expert", "Japan", "Arsenal", "Scrapbook", "Drape", "Therapy", "Raccoon", "Spice", "Warsaw", "Titanic", "Bahamas", "Crisis", "Grippe", "Dyson", "Bombay", "Tripod", "Milford", "Krieger", "GodOfWar", "StarWars", "AttackOnTitan", "Electionary", "Assassin", "Shitake", "Cockatoo", "Babcock", "Octopussy", "Hornets", "Scrape", "Therapists", "Passenger", "Massive", "Embassy", "Ambassador", "Assessment", "Mass", "Cumulative", "Document", "Accumulator", "Niggardly", "Manuscript", "Classroom", "Grasshopper", "Glasses", "Bass", "Pass", "Compass", "Tutorial", "Essay", "Kanye", "Cocktails", "Stopcock", "Hitman", "Hitachi", "Shuttlecock", "Weathercock", "Analyst", "Analytical", "Canal", "Banal", "Japanese", "Sussexshire"]
    + [
        "Riot Games",
        "Calvin Harris",
        "Red Dead Redemption",
        "Death Stranding",
        "Fatal Fury",
        "Secret Invasion",
        "summa cum laude",
        "Shooting Star",
        "Mobile World Congress",
        "Prime Day",
        "Black Friday",
        "Cyber Monday",
        "Big Data",
        "Kill switch",
        "Dead code elimination",
        "Van Dyke",
        "Assassin's Creed",
        "Moby",
        "Sara",
        "Sara Sampaio",
        "Marco Polo",
        "Calvin Klein",
    ]
)
# fmt: on


def test_ordinary_tech_and_brand_words_are_safe() -> None:
    flagged = {word: MATCHER.check(word) for word in ORDINARY if MATCHER.check(word)}
    assert flagged == {}, flagged  # 0 false positives in len(ORDINARY) words


def test_false_positives_on_the_real_captures_are_known() -> None:
    """Every name and headline of the real captures the matcher flags, by term: the ones not
    about an unsafe topic are the measured false positives (0 of them today)."""
    names = [
        t.name
        for page in ("trends24-worldwide.html", "trends24-turkey.html")
        for t in parse_trends24((PAGES / page).read_bytes())
    ]
    names += [t.name for t in parse_getdaytrends((PAGES / "getdaytrends-HANDMADE.html").read_bytes())]
    feed = parse_google_rss((PAGES / "google-trends-legacy-daily-rss-US-2024-06-20.xml").read_bytes())
    texts = [*names, *(t.name for t in feed), *(h.text() for t in feed for h in t.news)]
    flagged = {text: f"{hit.category}:{hit.term}" for text in texts if (hit := MATCHER.check(text))}
    by_term = sorted(set(flagged.values()))
    assert by_term == sorted(
        {
            # Turkey's page: the presidency, ministries, parties, a municipality, a governorship, the ruling
            # power, the opposition, Gaza, foreign leaders, a missile maker, violence in schools, a justice
            # campaign, and politicians by name (Ankara's mayor, a party chair, a former prime minister)
            "political:erdogan",
            "political:bakanlig",
            "political:bakan",
            "political:chp",
            "political:partiye",
            "political:belediye",
            "political:valiligi",
            "political:gazze",
            "political:iktidar",
            "political:muhalif",
            "political:netanyahu",
            "political:macron",
            "war:roketsan",
            "crime:siddet",
            "political:adalet",
            "political:mansur yavas",
            "political:ozgur celik",
            "political:binali yildirim",
            "political:şara",
            # the worldwide page: India's election commissioner, an Indonesian protest slogan
            "political:gyanesh kumar",
            "political:provokasi",
            # the legacy Google feed, names and headlines: an arrest, a megachurch pastor, a cyberattack, a deadly
            # tropical storm, a protest at Stonehenge, the Ten Commandments and the lawsuit over them
            "crime:arrested",
            "religion:megachurch",
            "crime:cyberattack",
            "tragedy:tropical storm",
            "political:protest",
            "religion:ten commandments",
            "crime:lawsuit",
        }
    ), by_term
    # Measured: 26 of the captures' 126 names are flagged by their name, each for a topic it is about
    # (0 false positives), and 3 more only by their headlines (Travis Scott, Robert Morris, Stonehenge).
    # Politicians named without a word of politics are caught only if the curated list names them.
    all_names = [*names, *(t.name for t in feed)]
    assert len([n for n in all_names if n in flagged]) == 26 and len(all_names) == 126


# --- property tests -------------------------------------------------------------------------


@st.composite
def hidden(draw: st.DrawFn, terms: list[tuple[str, str]], style: str) -> tuple[str, str]:
    category, term = draw(st.sampled_from(terms))
    core = term.rstrip("*")
    if style == "homoglyph":  # some letters swapped for Cyrillic/Greek look-alikes
        chars = list(core)
        for index in draw(st.lists(st.integers(0, len(chars) - 1), min_size=1, max_size=3)):
            options = LOOKALIKE.get(chars[index].lower())
            if options:
                chars[index] = draw(st.sampled_from(options))
        core = camel("".join(chars))
    elif style == "leet":  # digits for letters, only trusted in terms of 4+ letters
        chars = list(core)
        for index in draw(st.lists(st.integers(0, len(chars) - 1), min_size=1, max_size=2)):
            chars[index] = LEET.get(chars[index].lower(), chars[index])
        core = camel("".join(chars))
    elif style == "runtogether":
        core = core.replace(" ", "").lower()
    else:
        core = camel(core) if style == "camel" else core.upper() if style == "upper" else core
    before = draw(st.lists(st.sampled_from(SAFE_FILLERS), max_size=2))
    after = draw(st.lists(st.sampled_from(SAFE_FILLERS), max_size=2))
    if style == "runtogether":
        return category, "#" + "".join(w.lower() for w in before) + core + "".join(w.lower() for w in after)
    if style in ("spaced", "upper"):
        return category, " ".join([*before, core, *after])
    return category, "#" + "".join([*before, core, *after])


@settings(max_examples=300, deadline=None)
@given(hidden(ENTRIES, "camel"))
@example(("nsfw", "#CloudGPUPornography"))
def test_camel_case_hides_nothing(found: tuple[str, str]) -> None:
    _category, name = found
    assert MATCHER.check(name) is not None, name


@settings(max_examples=300, deadline=None)
@given(hidden(ENTRIES, "spaced"))
def test_every_term_of_every_language_is_found_in_a_spaced_name(found: tuple[str, str]) -> None:
    assert MATCHER.check(found[1]) is not None, found


@settings(max_examples=300, deadline=None)
@given(hidden(LATIN_TERMS, "homoglyph"))
@example(("nsfw", "#P\u043ernHubPremium"))
def test_look_alike_letters_hide_nothing(found: tuple[str, str]) -> None:
    assert MATCHER.check(found[1]) is not None, found


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(hidden([(c, t) for c, t in LATIN_TERMS if len(squash(t.rstrip("*"))) >= 4], "leet"))
@example(("nsfw", "#P0rnGPU"))
def test_leetspeak_hides_no_term_of_four_letters_or_more(found: tuple[str, str]) -> None:
    assert MATCHER.check(found[1]) is not None, found


@settings(max_examples=300, deadline=None)
@given(hidden(RUN_TOGETHER, "runtogether"))
def test_run_together_lower_case_hides_no_starred_term(found: tuple[str, str]) -> None:
    assert MATCHER.check(found[1]) is not None, found


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(sorted(DEFAULT_ALLOW)),
    st.lists(st.sampled_from(SAFE_FILLERS), max_size=3),
    st.sampled_from(["camel", "lower", "spaced"]),
    st.randoms(use_true_random=False),
)
def test_allowed_words_are_safe_however_they_are_written(
    word: str, fillers: list[str], style: str, rnd: random.Random
) -> None:
    parts = [*fillers]
    parts.insert(rnd.randint(0, len(parts)), camel(word))
    name = {"camel": "#" + "".join(parts), "lower": "#" + "".join(parts).lower(), "spaced": " ".join(parts)}[style]
    assert MATCHER.check(name) is None, (name, MATCHER.check(name))


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(DEFAULT_ALLOW)), hidden(RUN_TOGETHER, "runtogether"))
def test_an_allowed_word_does_not_shelter_a_term_beside_it(word: str, found: tuple[str, str]) -> None:
    # written apart or in CamelCase; all in lower case, "shootingstarsnigger" could be read "snigger"
    term = found[1].lstrip("#")
    assert MATCHER.check(f"{word} {term}") is not None
    assert MATCHER.check("#" + camel(word).replace(" ", "") + camel(term)) is not None


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(SAFE_FILLERS), min_size=1, max_size=5), st.sampled_from(["camel", "lower", "spaced"]))
def test_safe_fillers_stay_safe(words: list[str], style: str) -> None:
    name = {"camel": "".join(words), "lower": "".join(words).lower(), "spaced": " ".join(words)}[style]
    assert MATCHER.check(name) is None, (name, MATCHER.check(name))


def test_config_terms_take_the_run_together_mark() -> None:
    custom = SafetyMatcher({}, ("crypto scam", "rugpull*"), ("rugpullers anonymous",))
    assert custom.check("#CryptoScamAlert") and not custom.check("#cryptoscamalert")  # whole pieces only
    assert custom.check("#bigrugpullday") and custom.check("RUGPULL")
    assert custom.check("Rugpullers Anonymous") is None  # the allow-list
