"""Default blacklist of trend terms, by category: topics a promotional account stays out of.

Kept apart from clean.py (the rules) so the lists read on their own. In config.toml,
`[trends.blacklist]` replaces a category's list and `[trends] blacklist_extra` adds terms.
"""

from __future__ import annotations


# Matched on whole words and CamelCase/digit pieces, never on substrings, so these
# stay short and unambiguous: "war" would hit #GodOfWar, "attack" #AttackOnTitan.
# Config may replace the whole mapping (CleanRules.blacklist) or add terms.
def terms(words: str, *phrases: str) -> tuple[str, ...]:
    return (*words.split(), *phrases)


DEFAULT_BLACKLIST: dict[str, tuple[str, ...]] = {
    "nsfw": terms(
        "porn porno pornhub xxx nsfw nude nudes naked sex sexy sexting onlyfans fansly hentai"
        " milf boobs tits titties dick cock pussy cum horny slut whore escort escorts camgirl"
        " fetish bdsm xvideos xhamster rule34 lewd erotic nipples blowjob handjob anal orgasm"
        " stripper fuck fucking shit bitch ass asshole",
        "sex tape", "leaked nudes",
    ),
    "political": terms(
        "election elections vote voting voter ballot trump biden harris obama vance maga"
        " democrat democrats republican republicans gop senate congress parliament"
        " impeachment president presidential minister government putin zelensky netanyahu"
        " erdogan modi macron starmer kremlin nato gaza israel palestine hamas hezbollah idf"
        " ukraine russia brexit abortion immigration deportation protest protests riot riots"
        " coup sanctions tariff tariffs referendum",
        "prime minister", "xi jinping", "left wing", "right wing",
    ),
    "tragedy": terms(
        "rip condolences funeral died dies killed murder murdered shooting shooter gunman"
        " massacre bombing terror terrorist terrorism suicide earthquake tsunami hurricane"
        " tornado wildfire wildfires flood floods flooding explosion victim victims tragedy"
        " hostage hostages stabbing genocide famine casualties mourning cyberattack",
        "rest in peace", "pray for", "plane crash", "car crash", "death toll", "amber alert",
        "tropical storm",
    ),
    "hate": terms(
        "nazi nazis kkk heil hitler racist racism antisemitic antisemitism islamophobia"
        " homophobic transphobic nigger nigga faggot fag retard retarded tranny kike spic"
        " chink wetback raghead towelhead gook coon dyke",
        "white power", "white supremacy", "neo nazi", "sieg heil",
    ),
}
