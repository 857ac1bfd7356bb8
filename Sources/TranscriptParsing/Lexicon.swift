/// Word lists the heuristics lean on. Kept in one place so a reviewer can see every
/// judgement the parser makes about vocabulary; all lookups are on lowercased words.
enum Lexicon {
    /// Spoken languages, for "(Russian)", "(in Ukrainian)", "(Spanish, 18 sec)".
    static let languages: Set<String> = [
        "english", "chinese", "mandarin", "cantonese", "russian", "ukrainian", "spanish", "french",
        "german", "arabic", "hindi", "urdu", "japanese", "korean", "portuguese", "italian", "turkish",
        "persian", "farsi", "dari", "pashto", "hebrew", "greek", "polish", "dutch", "swedish",
        "norwegian", "danish", "finnish", "czech", "slovak", "hungarian", "romanian", "bulgarian",
        "serbian", "croatian", "bosnian", "albanian", "georgian", "armenian", "azeri", "azerbaijani",
        "kazakh", "uzbek", "kyrgyz", "tajik", "turkmen", "mongolian", "vietnamese", "thai", "khmer",
        "lao", "burmese", "malay", "indonesian", "tagalog", "filipino", "bengali", "tamil", "telugu",
        "punjabi", "nepali", "sinhala", "swahili", "amharic", "somali", "hausa", "yoruba", "igbo",
        "zulu", "afrikaans", "kurdish", "belarusian", "latvian", "lithuanian", "estonian", "catalan",
        "basque", "galician", "welsh", "irish", "icelandic", "maltese", "tibetan", "uyghur", "uighur",
        "quechua", "creole", "macedonian", "slovenian", "tigrinya", "oromo", "marathi", "gujarati",
        "kannada", "malayalam", "sindhi", "balochi", "hmong", "javanese", "sundanese", "lingala",
        "wolof", "kinyarwanda", "kirundi", "shona", "xhosa", "sotho", "tswana", "malagasy",
        "maori", "samoan", "tongan", "fijian", "inuktitut", "sami", "faroese", "luxembourgish",
        "romani", "yiddish", "aramaic", "berber", "tamazight", "twi", "akan", "ewe", "fula", "bambara",
    ]

    /// Words that mark a label part as a role or a description rather than a person's name.
    static let roleWords: Set<String> = [
        "president", "vice", "minister", "ministry", "director", "chairman", "chairwoman", "chair",
        "chairperson", "spokesman", "spokeswoman", "spokesperson", "spokesmen", "resident", "residents",
        "guard", "official", "officials", "editor", "editor-in-chief", "chief", "head", "secretary",
        "governor", "mayor", "senator", "attorney", "lawyer", "professor", "survivor", "candidate",
        "worker", "officer", "commander", "member", "leader", "manager", "ceo", "cfo", "founder",
        "analyst", "expert", "economist", "correspondent", "reporter", "witness", "student",
        "teacher", "doctor", "nurse", "farmer", "ambassador", "envoy", "police", "policeman",
        "soldier", "fighter", "academician", "researcher", "scientist", "engineer", "deputy",
        "general", "representative", "rep", "spokes", "owner", "shopkeeper", "vendor", "driver",
        "citizen", "villager", "volunteer", "activist", "protester", "protestor", "demonstrator",
        "supporter", "voter", "mother", "father", "son", "daughter", "wife", "husband", "brother",
        "sister", "relative", "friend", "neighbour", "neighbor", "victim", "patient", "tourist",
        "visitor", "passenger", "pilot", "journalist", "presenter", "anchor", "host", "narrator",
        "unidentified", "unnamed", "local", "man", "woman", "boy", "girl", "child", "people",
        "president-elect", "premier", "chancellor", "king", "queen", "prince", "princess",
        "counsel", "judge", "prosecutor", "defense", "defence", "coach", "player", "captain",
        "executive", "partner", "consultant", "adviser", "advisor", "coordinator", "administrator",
        "superintendent", "inspector", "sheriff", "chief-executive", "lecturer", "principal",
        "dean", "rector", "curator", "artist", "author", "writer", "poet", "musician", "singer",
        "actor", "actress", "producer", "historian", "physician", "surgeon", "toxicologist",
        "cardiologist", "specialist", "technician", "mechanic", "fisherman", "merchant",
        "businessman", "businesswoman", "entrepreneur", "investor", "trader", "banker",
        "mp", "mep", "lawmaker", "legislator", "congressman", "congresswoman", "delegate",
        "councillor", "councilor", "councilman", "councilwoman", "staff", "employee", "crew",
        "asst", "assistant", "associate", "senior", "junior", "former", "acting", "interim",
        "campaign", "opposition", "party", "rebels", "rebel", "separatist", "militant",
        "commissioner", "secretary-general", "undersecretary", "attache", "consul", "diplomat",
        "delegation", "mufti", "imam", "priest", "pastor", "bishop", "monk", "nun", "rabbi",
    ]

    /// Words that make a phrase look like an organisation ("... of the Harbour Authority").
    static let organisationWords: Set<String> = [
        "academy", "agency", "association", "federation", "company", "corporation", "corp", "inc",
        "ltd", "llc", "group", "university", "college", "institute", "institution", "ministry",
        "commission", "council", "committee", "bank", "fund", "party", "news", "newspaper", "times",
        "post", "journal", "magazine", "radio", "television", "tv", "channel", "network", "hospital",
        "clinic", "center", "centre", "foundation", "office", "department", "union", "organisation",
        "organization", "society", "board", "authority", "bureau", "service", "services", "school",
        "club", "league", "army", "navy", "force", "forces", "police", "court", "parliament",
        "congress", "senate", "assembly", "government", "administration", "embassy", "consulate",
        "mission", "chamber", "firm", "enterprise", "enterprises", "industries", "holdings",
        "laboratory", "lab", "museum", "library", "files", "press", "media", "daily", "weekly",
        "gazette", "tribune", "herald", "observer", "review", "trust", "alliance", "coalition",
        "movement", "front", "network", "exchange", "bloc", "secretariat", "cabinet", "municipality",
        "province", "state", "city", "county", "district", "region", "unit", "division", "team",
        "cooperative", "co-operative", "collective", "factory", "farm", "workshop", "studio", "hotel",
        "restaurant", "airline", "airport", "port", "harbour", "harbor", "station", "church", "mosque",
        "temple", "zoo", "park", "reserve", "observatory", "brigade", "battalion", "regiment", "command",
    ]

    /// Lowercase words that may sit inside a personal name ("Ursula von der Leyen").
    static let nameParticles: Set<String> = [
        "de", "da", "di", "do", "dos", "das", "del", "della", "van", "von", "der", "den", "ter",
        "bin", "bint", "ibn", "abu", "al", "el", "la", "le", "du", "y", "e", "zu", "ben", "st",
    ]

    /// Function words that never appear in a personal name written in capitals.
    static let functionWords: Set<String> = [
        "of", "the", "at", "for", "and", "in", "on", "to", "with", "from", "by", "a", "an", "as",
        "is", "was", "are", "said", "says", "saying", "who", "which", "that", "this", "his", "her",
        "their", "our", "its", "not", "no",
    ]

    /// Honorifics and ranks that precede a name but are not part of it.
    static let honorifics: Set<String> = [
        "dr", "dr.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.", "miss", "mx", "prof", "prof.",
        "sir", "dame", "lord", "lady", "gen", "gen.", "col", "col.", "lt", "lt.", "capt", "capt.",
        "cpt", "maj", "maj.", "sgt", "sgt.", "cpl", "cpl.", "pvt", "pvt.", "adm", "adm.", "cmdr",
        "cmdr.", "rev", "rev.", "fr", "fr.", "hon", "hon.", "h.e.", "sen.", "rep.", "gov.",
        "insp.", "supt.", "det.", "dir.",
    ]

    /// Interview-transcript labels that are roles, not people: their lines are not quotes.
    static let nonPersonSpeakerLabels: Set<String> = [
        "reporter", "interviewer", "question", "q", "a", "answer", "anchor", "host", "narrator",
        "presenter", "voice", "voiceover", "announcer", "moderator", "audience", "crowd",
        "unidentified", "unidentified man", "unidentified woman", "unidentified speaker",
        "correspondent", "journalist",
    ]
}
