"""Trend judgement on the example config, measured as a buyer would before enabling cron.

A real refresh on loopback (tests/fakes/trend_site.py) serves the shared captures restamped
as fresh, plus the hand-made current-shape Google feed with tech, celebrity, sports and
politics headlines (tests/fixtures/trend-pages/google-trends-trending-rss-tech-HANDMADE.xml),
in two sets: the US Google feeds (legacy + tech) with trends24 worldwide, getdaytrends and
pytrends as captured; and the same feeds with trends24 Turkey and a getdaytrends page of the
names issue 10 item 4 saw posted (#CloudGPUPornography, #P0rnGPU, #PоrnHubPremium, #ISIS,
#Taliban) plus calendar filler. Then, per policy, picks and template previews are composed.

Prints: kept and dropped counts by reason; the live-trend share of picks and of composed
tweets under `relevant`; per policy, how many trends labelled unsafe by hand (below) or
filler/dated reach a pick (must be 0); the relevant trends with why; 10 tweets that ride one.
Run: python bench/trend_judgement.py [--previews 30]
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fakes.static_server import Route  # noqa: E402
from fakes.trend_site import NOW, PAGES, TrendSite, freshen, point_trends, trends_section  # noqa: E402

from botx_cli.posting.context import trend_picks  # noqa: E402
from botx_cli.posting.preview import run_preview  # noqa: E402
from botx_cli.sections import load_config  # noqa: E402
from botx_cli.store import open_store  # noqa: E402
from botx_cli.store.settings import StorageSettings  # noqa: E402
from botx_cli.trends.clean import to_hashtag  # noqa: E402
from botx_cli.trends.refresh import refresh  # noqa: E402

TECH = PAGES / "google-trends-trending-rss-tech-HANDMADE.xml"
LEGACY = PAGES / "google-trends-legacy-daily-rss-US-2024-06-20.xml"
HOSTILE = [
    "#CloudGPUPornography",
    "#P0rnGPU",
    "#P\u043ernHubPremium",
    "#ISIS",
    "#Taliban",
    "#TenCommandments",
    "#TuesdayThoughts",
    "#November2026",
    "#Winter2026",
    "#MondayMotivation",
    "Kubernetes",
]
# Labelled by hand from the pages and their headlines: what no policy may post.
UNSAFE = [
    "Travis Scott",
    "Robert Morris",
    "Stonehenge",
    "CDK cyberattack",
    "Ten Commandments",
    "Tropical Storm Alberto",
    "Chris Brown",
    "Virginia governor race",
    "Ozzy Osbourne",
    "Pope Leo",
    "Hurricane Melissa",
    "Gyanesh Kumar",
    "Bersuara Tanpa Provokasi",
    "Mansur Yavaş",
    "Özgür Çelik",
    "Binali Yıldırım",
    "Şara",
    "#AdaletinSesiKademe",
    "#iktidarEmekliyiEzdi",
    "#egitimdesiddetehayır",
    "CHP'li",
    "Yeni Partiye",
    "Menderes Belediyesi'ne",
    "ROKETSAN",
    "Maliye Bakanlığı",
    "Manisa Valiliği",
    "Bakan Çiftçi",
    "GAZZE'Yİ DUY",
    "İçişleri Bakanlığı",
    "Netanyahu",
    "Macron",
    "Cumhurbaşkanı Erdoğan",
    "Muhalif",
    *HOSTILE[:6],
]
FILLER_OR_DATED = [
    "Summer solstice 2024",
    "#TuesdayThoughts",
    "#November2026",
    "#Winter2026",
    "#MondayMotivation",
    "Monday & Motivation",
    "#çarşamba",
    "24 Eylül Perşembe",
]


def us_feeds() -> bytes:
    """The legacy US feed with the tech feed's items added (a parser reads both shapes)."""
    tech_items = re.findall(r"(?s)<item>.*?</item>", TECH.read_text(encoding="utf-8"))
    legacy = LEGACY.read_text(encoding="utf-8")
    return freshen(legacy.replace("</channel>", "\n".join(tech_items) + "\n</channel>")).encode()


def hostile_page() -> bytes:
    rows = "".join(
        f'<tr><th class="pos">{i}</th><td class="main"><a href="/trend/{i}/">{name}</a></td></tr>'
        for i, name in enumerate(HOSTILE, start=1)
    )
    return f'<html><body><table class="trends"><tbody>{rows}</tbody></table></body></html>'.encode()


def site_for(name: str) -> TrendSite:
    site = TrendSite()
    site.route("/rss", Route(body=us_feeds(), content_type="application/rss+xml; charset=utf-8"))
    if name == "turkey":
        page = freshen((PAGES / "trends24-turkey.html").read_text(encoding="utf-8"))
        site.route("/trends24/", Route(body=page.encode()))
        site.route("/getdaytrends/", Route(body=hostile_page()))
    return site


def folded(names: list[str]) -> set[str]:
    return {(to_hashtag(n) or n).casefold() for n in names}


def run(folder: Path, dataset: str, policy: str, previews: int) -> dict:
    folder.mkdir(parents=True)
    example = (ROOT / "botx_cli" / "example_config.toml").read_text(encoding="utf-8")
    (folder / "config.toml").write_text(example, encoding="utf-8")
    with site_for(dataset) as site:
        config = point_trends(folder / "config.toml", trends_section(site, policy=policy))
        cfg = load_config(str(config))
        store = open_store(cfg.settings(StorageSettings).path)
        try:
            report = refresh(cfg, store, NOW)
            picks = trend_picks(cfg, store, NOW)
            rejects = store.conn.execute(
                "SELECT name, reason FROM trend_rejects WHERE refresh_id = ?", (report.refresh_id,)
            ).fetchall()
            kept = store.conn.execute(
                "SELECT hashtag, display, reason, relevance FROM trends WHERE refresh_id = ? ORDER BY score DESC",
                (report.refresh_id,),
            ).fetchall()
            items = run_preview(cfg, store, ["A", "B"], previews, NOW) if previews else []
        finally:
            store.close()
    return {"picks": picks, "rejects": rejects, "kept": kept, "items": items}


def reason_kind(reason: str) -> str:
    """ "blacklist:crime (arrested, headline ...)" -> "blacklist:crime", "year:2024" -> "year"."""
    head = reason.split(" (")[0]
    return "year" if head.startswith("year:") else head


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--previews", type=int, default=30, help="template previews per account and dataset")
    args = parser.parse_args()
    os.environ["NO_PROXY"] = "127.0.0.1,localhost"
    unsafe, filler = folded(UNSAFE), folded(FILLER_OR_DATED)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for dataset in ("worldwide", "turkey"):
            for policy in ("relevant", "any", "off"):
                previews = args.previews if policy == "relevant" else 0
                results[dataset, policy] = run(Path(tmp) / f"{dataset}-{policy}", dataset, policy, previews)

    print(
        f"example config, {NOW.isoformat()}: two data sets (US feeds + trends24 worldwide; US feeds + trends24 "
        "Turkey + a hostile getdaytrends page), every date restamped fresh"
    )
    dropped = Counter(
        reason_kind(why) for d in ("worldwide", "turkey") for _n, why in results[d, "relevant"]["rejects"]
    )
    kept = Counter(
        "relevant" if why.startswith("relevant") else "not relevant"
        for d in ("worldwide", "turkey")
        for _t, _d, why, _r in results[d, "relevant"]["kept"]
    )
    print("\nkept after cleaning: " + ", ".join(f"{k} {v}" for k, v in kept.most_common()))
    print("dropped by reason:   " + ", ".join(f"{k} {v}" for k, v in dropped.most_common()))

    for dataset in ("worldwide", "turkey"):
        picks = results[dataset, "relevant"]["picks"]
        live = [p for p in picks if p.kind == "trend"]
        items = results[dataset, "relevant"]["items"]
        live_tags = {p.hashtag for p in live}
        riding = [i for i in items if i.trend in live_tags]
        occasion = [i for i in items if i.trend and i.trend not in live_tags]
        print(
            f"\n[{dataset}] policy relevant: {len(live)} live trends of {len(picks)} picks "
            f"({100 * len(live) / max(1, len(picks)):.0f} %); of {len(items)} composed tweets "
            f"{100 * len(riding) / max(1, len(items)):.0f} % ride a live trend, "
            f"{100 * len(occasion) / max(1, len(items)):.0f} % an occasion, "
            f"{100 * (len(items) - len(riding) - len(occasion)) / max(1, len(items)):.0f} % a domain tag only"
        )
        for tag, display, why, relevance in results[dataset, "relevant"]["kept"]:
            if why.startswith("relevant"):
                print(f"  {tag:<18} {display!r:<22} {relevance:.2f}  {why}")

    print("\nunsafe (labelled by hand) / filler or dated trends reaching a pick, per policy (must be 0):")
    for policy in ("relevant", "any", "off"):
        tags = {p.hashtag.casefold() for d in ("worldwide", "turkey") for p in results[d, policy]["picks"]}
        bad, dated = sorted(tags & unsafe), sorted(tags & filler)
        print(
            f"  {policy:<8} unsafe {len(bad)}  filler/dated {len(dated)}  "
            f"(picks: {len(tags)}){'  ' + ', '.join(bad + dated) if bad or dated else ''}"
        )

    print("\n10 tweets that ride a live trend (template wording, policy relevant):")
    shown = 0
    for dataset in ("worldwide", "turkey"):
        live = {p.hashtag for p in results[dataset, "relevant"]["picks"] if p.kind == "trend"}
        for item in results[dataset, "relevant"]["items"]:
            if item.trend in live and shown < 10:
                shown += 1
                print(f"--- {item.account} {item.slot} {item.trend}\n{item.text}")


if __name__ == "__main__":
    main()
