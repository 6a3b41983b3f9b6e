"""Small, fixed word lists the zero-config generators pick from with the seeded ``Random``.

Picking from a tuple costs a fraction of a microsecond, against ~100 µs for a Faker call, and
needs no Faker locale at import time. Everything here is plain ASCII with no digits, so a
number appended to any of it stays recognisable (see ``unique.py``), and values compare the
same under MariaDB's case- and accent-insensitive collations.
"""

from __future__ import annotations

__all__ = [
    "CITIES",
    "COUNTRIES",
    "COUNTRY_CODES",
    "DOMAINS",
    "FIRST_NAMES",
    "LAST_NAMES",
    "STREET_SUFFIXES",
    "WORDS",
]

FIRST_NAMES: tuple[str, ...] = (
    "Ada", "Alan", "Alice", "Amara", "Anna", "Ben", "Carla", "Chen", "Chloe", "Daniel",
    "David", "Elena", "Emma", "Ethan", "Fatima", "Felix", "Grace", "Hana", "Hugo", "Ines",
    "Isaac", "Ivan", "Jack", "James", "Julia", "Kai", "Karen", "Leo", "Liam", "Lina",
    "Lucas", "Maria", "Marta", "Maya", "Mia", "Nadia", "Noah", "Nora", "Olivia", "Omar",
    "Oscar", "Paul", "Priya", "Rosa", "Ruby", "Sam", "Sara", "Sofia", "Tom", "Yara",
)

LAST_NAMES: tuple[str, ...] = (
    "Adams", "Baker", "Brown", "Castro", "Chen", "Clark", "Cohen", "Costa", "Davis", "Diaz",
    "Evans", "Fischer", "Garcia", "Green", "Hall", "Hansen", "Hill", "Ito", "Jones", "Kim",
    "King", "Kowalski", "Lee", "Lopez", "Martin", "Meyer", "Miller", "Moore", "Nakamura", "Nguyen",
    "Novak", "Okafor", "Olsen", "Patel", "Perez", "Reed", "Rossi", "Santos", "Schmidt", "Scott",
    "Silva", "Singh", "Smith", "Taylor", "Walker", "Wang", "Weber", "White", "Wilson", "Young",
)

CITIES: tuple[str, ...] = (
    "Amsterdam", "Athens", "Austin", "Barcelona", "Berlin", "Boston", "Cairo", "Chicago",
    "Dublin", "Edinburgh", "Geneva", "Hamburg", "Helsinki", "Istanbul", "Kyoto", "Lagos",
    "Lima", "Lisbon", "London", "Lyon", "Madrid", "Melbourne", "Milan", "Montreal", "Mumbai",
    "Munich", "Nairobi", "Oslo", "Paris", "Porto", "Prague", "Rome", "Seattle", "Seoul",
    "Stockholm", "Sydney", "Tokyo", "Toronto", "Vienna", "Warsaw",
)

COUNTRIES: tuple[str, ...] = (
    "Argentina", "Australia", "Austria", "Belgium", "Brazil", "Canada", "Chile", "China",
    "Denmark", "Egypt", "Finland", "France", "Germany", "Greece", "India", "Ireland", "Italy",
    "Japan", "Kenya", "Mexico", "Morocco", "Netherlands", "New Zealand", "Nigeria", "Norway",
    "Peru", "Poland", "Portugal", "Singapore", "South Korea", "Spain", "Sweden", "Switzerland",
    "Turkey", "United Kingdom", "United States", "Uruguay", "Vietnam",
)

COUNTRY_CODES: tuple[str, ...] = (
    "AR", "AT", "AU", "BE", "BR", "CA", "CH", "CL", "CN", "DE", "DK", "EG", "ES", "FI", "FR",
    "GB", "GR", "IE", "IN", "IT", "JP", "KE", "KR", "MA", "MX", "NG", "NL", "NO", "NZ", "PE",
    "PL", "PT", "SE", "SG", "TR", "US", "UY", "VN",
)

#: Reserved for documentation (RFC 2606): mail sent to them goes nowhere.
DOMAINS: tuple[str, ...] = ("example.com", "example.org", "example.net")

STREET_SUFFIXES: tuple[str, ...] = ("Street", "Avenue", "Road", "Lane", "Way", "Place", "Drive")

WORDS: tuple[str, ...] = (
    "able", "account", "active", "amber", "anchor", "apple", "arrow", "autumn", "balance", "basket",
    "beacon", "berry", "blue", "bold", "bridge", "bright", "brook", "calm", "canvas", "cedar",
    "center", "chapter", "circle", "clear", "cloud", "coast", "copper", "coral", "crisp", "crystal",
    "daily", "dawn", "delta", "desert", "early", "echo", "field", "final", "forest", "fresh",
    "frost", "garden", "gentle", "global", "golden", "grand", "green", "harbor", "harvest", "hidden",
    "honest", "island", "ivory", "jade", "journal", "keen", "lake", "lantern", "leaf", "light",
    "linen", "local", "lunar", "maple", "market", "meadow", "metal", "mint", "modern", "morning",
    "mountain", "native", "noble", "north", "ocean", "olive", "open", "orbit", "paper", "pearl",
    "pine", "planet", "plain", "prime", "quiet", "rapid", "river", "robust", "royal", "rustic",
    "sage", "salt", "silver", "simple", "smart", "solar", "spring", "steady", "stone", "summer",
    "sunny", "swift", "timber", "tower", "travel", "true", "urban", "valley", "velvet", "vivid",
    "water", "west", "wild", "willow", "winter", "wise", "yellow", "young", "zenith", "zephyr",
)
