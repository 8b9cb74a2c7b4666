"""Realistic Swedish datasets for portal benchmarks: generated from a seed, created over the API, purged after.

Why a module of its own: the search benchmark (benchmarks/search.py) and the hostile-query benchmark
(benchmarks/search_fuzz.py) need the same kind of catalog, and both need to know exactly what they
created (the ground truth their correctness checks compare the portal's answers with).

The datasets look like the county's: a subject ("Badplatser", "Förskolor", ...) per dataset, the
publishing organization among the region and its twelve municipalities, Swedish notes, keywords, one
to three distributions in CSV, JSON and GeoJSON, and the extras the publisher writes
(docs/ckan-mapping.md). Every dataset carries the extra `kalmar_bench` = the run's token, so a check
can restrict itself to this run's datasets with `fq=kalmar_bench:<token>`.
"""

from __future__ import annotations

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import ckanapi

# The region and the twelve municipalities of Kalmar län (SCB codes, DESIGN.md section 4).
ORGANIZATIONS = [
    ("region-kalmar-lan", "Region Kalmar län", "08"),
    ("hogsby-kommun", "Högsby kommun", "0821"),
    ("torsas-kommun", "Torsås kommun", "0834"),
    ("morbylanga-kommun", "Mörbylånga kommun", "0840"),
    ("hultsfred-kommun", "Hultsfreds kommun", "0860"),
    ("monsteras-kommun", "Mönsterås kommun", "0861"),
    ("emmaboda-kommun", "Emmaboda kommun", "0862"),
    ("kalmar-kommun", "Kalmar kommun", "0880"),
    ("nybro-kommun", "Nybro kommun", "0881"),
    ("oskarshamn-kommun", "Oskarshamns kommun", "0882"),
    ("vastervik-kommun", "Västerviks kommun", "0883"),
    ("vimmerby-kommun", "Vimmerby kommun", "0884"),
    ("borgholm-kommun", "Borgholms kommun", "0885"),
]
# Place names for titles and keywords, by the same codes.
PLACES = {"08": "Kalmar län", "0821": "Högsby", "0834": "Torsås", "0840": "Mörbylånga", "0860": "Hultsfred",
          "0861": "Mönsterås", "0862": "Emmaboda", "0880": "Kalmar", "0881": "Nybro", "0882": "Oskarshamn",
          "0883": "Västervik", "0884": "Vimmerby", "0885": "Borgholm"}

# subject title -> (keywords, EU theme, a sentence for the notes)
SUBJECTS = {
    "Badplatser": (["bad", "strand", "friluftsliv"], "HEAL", "Kommunala badplatser med badvattenprov och tillgänglighet."),
    "Förskolor": (["förskola", "barn", "utbildning"], "EDUC", "Förskolor med adress, huvudman och antal platser."),
    "Grundskolor": (["skola", "utbildning", "elever"], "EDUC", "Grundskolor med årskurser, huvudman och antal elever."),
    "Lekplatser": (["lekplats", "barn", "park"], "SOCI", "Lekplatser med utrustning och senaste besiktning."),
    "Laddstolpar": (["elbil", "laddning", "energi"], "ENER", "Publika laddpunkter för elbilar med effekt och kontakttyp."),
    "Cykelvägar": (["cykel", "trafik", "infrastruktur"], "TRAN", "Cykelvägnätet med belysning och beläggning."),
    "Hållplatser": (["kollektivtrafik", "buss", "trafik"], "TRAN", "Hållplatser för länstrafiken med läge och namn."),
    "Befolkning": (["statistik", "befolkning", "demografi"], "SOCI", "Folkmängd per ålder och kön, årsvis."),
    "Bostadsbyggande": (["bostäder", "bygglov", "statistik"], "ECON", "Påbörjade och färdigställda bostäder per år."),
    "Avfall": (["avfall", "återvinning", "miljö"], "ENVI", "Insamlat hushållsavfall per fraktion och år."),
    "Vattenkvalitet": (["vatten", "miljö", "provtagning"], "ENVI", "Provtagning av sjöar och vattendrag."),
    "Offentliga toaletter": (["toalett", "tillgänglighet", "service"], "SOCI", "Offentliga toaletter med öppettider."),
    "Utegym": (["utegym", "friluftsliv", "idrott"], "HEAL", "Utegym med redskap och belysning."),
    "Bibliotek": (["bibliotek", "kultur", "läsning"], "EDUC", "Folkbibliotek med öppettider och utlån."),
    "Trafikolyckor": (["trafik", "olyckor", "säkerhet"], "JUST", "Polisrapporterade trafikolyckor per år."),
    "Luftkvalitet": (["luft", "miljö", "mätningar"], "ENVI", "Halter av kvävedioxid och partiklar."),
    "Detaljplaner": (["planering", "bygglov", "geodata"], "REGI", "Gällande detaljplaner med planområden."),
    "Äldreboenden": (["äldreomsorg", "vård", "omsorg"], "HEAL", "Särskilda boenden för äldre med antal platser."),
    "Idrottsanläggningar": (["idrott", "sport", "fritid"], "EDUC", "Idrottshallar, planer och simhallar."),
    "Återvinningsstationer": (["återvinning", "avfall", "förpackningar"], "ENVI", "Återvinningsstationer med fraktioner."),
}
FORMATS = ("CSV", "JSON", "GeoJSON")
LICENSES = ("CC0-1.0", "CC-BY-4.0")
NOTES_TAIL = (
    "Uppgifterna uppdateras när verksamheten rapporterar ändringar.",
    "Datat kommer från kommunens verksamhetssystem och granskas före publicering.",
    "Koordinater anges i WGS 84.",
    "Se resursernas beskrivningar för kolumnernas betydelse.",
)


@dataclass
class BenchDataset:
    name: str
    title: str
    subject: str
    organization: str  # organization name in the portal
    tags: list[str]
    formats: list[str]
    license_id: str
    notes: str
    private: bool = False
    created_order: int = 0
    metadata_modified: str = ""


@dataclass
class BenchCatalog:
    token: str
    organizations: dict[str, str]  # org name in the portal -> title
    datasets: list[BenchDataset] = field(default_factory=list)

    def public(self) -> list[BenchDataset]:
        return [d for d in self.datasets if not d.private]


def generate(token: str, count: int, seed: int = 20240601, private_share: float = 0.02) -> BenchCatalog:
    """`count` datasets over the 13 organizations; the same seed always gives the same catalog."""
    rng = random.Random(seed)
    orgs = {f"{slug}-{token}": title for slug, title, _ in ORGANIZATIONS}
    org_codes = {f"{slug}-{token}": code for slug, _, code in ORGANIZATIONS}
    catalog = BenchCatalog(token, orgs)
    subjects = list(SUBJECTS)
    for i in range(count):
        org = rng.choice(list(orgs))
        subject = rng.choice(subjects)
        keywords, _, sentence = SUBJECTS[subject]
        place = PLACES[org_codes[org]]
        year = rng.randint(2015, 2025)
        title = f"{subject} i {place} {year}"
        tags = sorted(set(rng.sample(keywords, k=rng.randint(1, len(keywords))) + [place]))
        formats = rng.sample(FORMATS, k=rng.randint(1, 3))
        notes = f"{sentence} {orgs[org]} publicerar uppgifterna för {year}. {rng.choice(NOTES_TAIL)}"
        catalog.datasets.append(BenchDataset(
            name=f"{subject.lower().replace(' ', '-').replace('ä', 'a').replace('å', 'a').replace('ö', 'o')}"
                 f"-{i:05d}-{token}",
            title=title, subject=subject, organization=org, tags=tags, formats=formats,
            license_id=rng.choice(LICENSES), notes=notes, private=rng.random() < private_share,
        ))
    return catalog


def package_dict(ds: BenchDataset, token: str) -> dict:
    _, theme, _ = SUBJECTS[ds.subject]
    resources = [
        {"url": f"https://data.example.org/{ds.name}/data.{fmt.lower()}", "format": fmt,
         "name": f"{ds.subject} ({fmt})", "description": f"{ds.subject} som {fmt}-fil."}
        for fmt in ds.formats
    ]
    extras = {
        "theme": f'["http://publications.europa.eu/resource/authority/data-theme/{theme}"]',
        "frequency": "http://publications.europa.eu/resource/authority/frequency/ANNUAL",
        "access_rights": "http://publications.europa.eu/resource/authority/access-right/PUBLIC",
        "spatial_uri": "http://data.europa.eu/nuts/code/SE213",
        "contact_email": "oppnadata@example.org",
        "contact_name": "Öppna data",
        "kalmar_bench": token,
    }
    return {
        "name": ds.name, "title": ds.title, "notes": ds.notes, "owner_org": ds.organization,
        "license_id": ds.license_id, "private": ds.private, "tags": [{"name": t} for t in ds.tags],
        "resources": resources, "extras": [{"key": k, "value": v} for k, v in sorted(extras.items())],
    }


def create(url: str, token: str, catalog: BenchCatalog, threads: int = 4, progress: bool = True,
           resume: bool = False) -> float:
    """Create the organizations and datasets (on `threads` connections); returns the seconds it took.

    resume: continue a creation that stopped half-way (what exists already is read back, not created).
    """
    admin = ckanapi.RemoteCKAN(url, apikey=token)
    for slug, _, code in ORGANIZATIONS:
        name = f"{slug}-{catalog.token}"
        try:
            admin.action.organization_create(name=name, title=catalog.organizations[name],
                                             extras=[{"key": "code", "value": code}])
        except ckanapi.ValidationError:
            if not resume:
                raise
    local = threading.local()
    done = [0]
    lock = threading.Lock()
    existing = existing_datasets(admin, catalog.token) if resume else {}
    for ds in catalog.datasets:
        ds.metadata_modified = existing.get(ds.name, "")

    def one(ds: BenchDataset) -> None:
        if ds.name in existing:
            return
        if not hasattr(local, "api"):
            local.api = ckanapi.RemoteCKAN(url, apikey=token)
        created = local.api.action.package_create(**package_dict(ds, catalog.token))
        ds.metadata_modified = created["metadata_modified"]
        with lock:
            done[0] += 1
            if progress and done[0] % 500 == 0:
                print(f"  created {done[0]}/{len(catalog.datasets)}", flush=True)

    t = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(one, catalog.datasets))
    ordered = sorted(catalog.datasets, key=lambda d: (d.metadata_modified, d.name))
    for i, ds in enumerate(ordered):
        ds.created_order = i
    return time.perf_counter() - t


def existing_datasets(admin: ckanapi.RemoteCKAN, run_token: str) -> dict[str, str]:
    """name -> metadata_modified of what a run already created (read back in pages of 1,000)."""
    found, start = {}, 0
    while True:
        page = admin.action.package_search(fq=f"kalmar_bench:{run_token}", fl="name,metadata_modified",
                                           rows=1000, start=start, include_private=True)
        found.update((r["name"], r["metadata_modified"]) for r in page["results"])
        start += 1000
        if start >= page["count"]:
            return found


def purge(url: str, token: str, catalog: BenchCatalog, threads: int = 4) -> None:
    """Purge every dataset and organization of the run (also those a failed run left half-made)."""
    admin = ckanapi.RemoteCKAN(url, apikey=token)
    local = threading.local()

    def one(name: str) -> None:
        if not hasattr(local, "api"):
            local.api = ckanapi.RemoteCKAN(url, apikey=token)
        try:
            local.api.action.dataset_purge(id=name)
        except ckanapi.NotFound:
            pass

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(one, [d.name for d in catalog.datasets]))
    for name in catalog.organizations:
        try:
            admin.action.organization_purge(id=name)
        except ckanapi.NotFound:
            pass
