"""The hand-written raw material of the synthetic partnership.

Everything here is fictional: the city of Brackenford, its neighbourhoods, its
organisations and their services. Postcodes use the outward areas CX, GX and JX, which
have the shape of a UK postcode but belong to no real post town. Phone numbers come from
Ofcom's ranges reserved for drama, so none of them rings anyone.

The generator (`benchmarks.generator`) combines these templates with a seeded random
number generator; a referrer reading the result should find it plausible.
"""

from dataclasses import dataclass

CITY = "Brackenford"
COUNTY = "West Calder"
POSTCODE_AREAS = ("CX", "GX", "JX")
# Inward codes never use C, I, K, M, O or V (Royal Mail's rule, and the validator's).
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
# Ofcom drama ranges: "0113 496 0000" to "0113 496 0999" and the like.
DRAMA_PHONE_PREFIXES = (
    "0113 496 0",
    "020 7946 0",
    "0161 496 0",
    "0117 496 0",
    "0121 496 0",
    "0114 496 0",
    "0118 496 0",
    "0191 498 0",
)
LOCAL_PHONE_PREFIX = "0113 496 0"
FREEPHONE_PREFIX = "0808 157 0"


@dataclass(frozen=True)
class LocalitySpec:
    name: str
    slug: str
    neighbourhoods: tuple[str, ...]
    description: str
    postcode_district: str


LOCALITIES = (
    LocalitySpec(
        "North",
        "north",
        ("Highfield", "Moorside", "Stonegate", "Northgate"),
        "Highfield, Moorside, Stonegate and Northgate: the estates and moorland villages "
        "north of the ring road, served by the Northern Moors primary care network. "
        "Older than the city average, with long bus journeys to the centre.",
        "CX1",
    ),
    LocalitySpec(
        "South",
        "south",
        ("Southbank", "Lowfields", "Mill Quarter", "Riverside"),
        "Southbank, Lowfields, the Mill Quarter and Riverside: terraced streets and new "
        "flats along the river, served by the Riverside primary care network. Young, "
        "busy and changing fast; many people rent privately.",
        "CX2",
    ),
    LocalitySpec(
        "East",
        "east",
        ("Eastgate", "Thornbury", "Crossways", "Orchard"),
        "Eastgate, Thornbury, Crossways and Orchard: the most diverse part of the city, "
        "with many languages spoken, served by the Eastgate and Thornbury primary care "
        "network. Some of the most deprived neighbourhoods in the county.",
        "CX3",
    ),
    LocalitySpec(
        "West",
        "west",
        ("Westwood", "Fairholme", "Kestrel Hill", "Canal Side"),
        "Westwood, Fairholme, Kestrel Hill and Canal Side: suburbs and former mill "
        "villages along the canal, served by the Westwood primary care network. Good "
        "green space, thin public transport in the evenings.",
        "CX4",
    ),
)

# Neighbourhood and place names for the larger sizes: combinations of these.
PLACE_PREFIXES = (
    "Ash", "Bank", "Beck", "Birch", "Black", "Brook", "Calder", "Church", "Clay", "Cold",
    "Crag", "Dale", "Deep", "Elm", "Fair", "Fern", "Fox", "Glen", "Green", "Hall", "Hare",
    "Hazel", "Heath", "High", "Holm", "Holly", "Ivy", "Kirk", "Lark", "Lea", "Long", "Low",
    "Marsh", "Mere", "Mill", "Moor", "Nether", "Oak", "Over", "Pen", "Pine", "Red",
    "Rook", "Rose", "Rush", "Sand", "Shaw", "Stone", "Thorn", "Well", "White", "Wild",
    "Willow", "Wind", "Wood", "Wren", "Yew",
)  # fmt: skip
PLACE_SUFFIXES = (
    "bank", "bridge", "brook", "by", "croft", "dale", "field", "ford", "gate", "ham",
    "hill", "holme", "hurst", "ley", "lands", "mead", "moor", "ridge", "side", "stead",
    "thorpe", "ton", "well", "wick", "wood", "worth",
)  # fmt: skip
STREETS = (
    "Albert Road", "Beech Grove", "Bridge Street", "Canal Walk", "Chapel Lane",
    "Church Street", "Commercial Street", "Cross Street", "Dale View", "Elm Terrace",
    "Garden Street", "George Street", "Hall Lane", "High Street", "Hillside Road",
    "Kings Road", "Market Place", "Mill Lane", "Moor Road", "New Street", "Northgate",
    "Oak Avenue", "Park Road", "Queen Street", "Railway Terrace", "Station Road",
    "Victoria Road", "Water Lane", "Well Street", "Westfield Road",
)  # fmt: skip
VENUE_KINDS = (
    "Community Centre", "Methodist Hall", "Library", "Resource Centre", "Neighbourhood Hub",
    "Friends Meeting House", "Youth and Community Centre", "Village Hall",
)  # fmt: skip
FIRST_NAMES = (
    "Aisha", "Alex", "Amir", "Amy", "Beth", "Bilal", "Callum", "Chloe", "Dan", "Deepa",
    "Ellie", "Emeka", "Fatima", "Gareth", "Grace", "Hannah", "Harpreet", "Imran", "Jade",
    "Jamie", "Joanne", "Kamal", "Karen", "Kerry", "Liam", "Lucy", "Marek", "Maria",
    "Mohammed", "Nadia", "Niamh", "Olu", "Pat", "Priya", "Rachel", "Ravi", "Rosa", "Sam",
    "Sarah", "Shaun", "Siobhan", "Tariq", "Tom", "Wendy", "Yusuf", "Zofia",
)  # fmt: skip
LAST_NAMES = (
    "Ahmed", "Akhtar", "Appleby", "Begum", "Brennan", "Clarke", "Dawson", "Demir",
    "Ellison", "Farrow", "Gill", "Greenwood", "Hartley", "Hussain", "Iqbal", "Jackson",
    "Kaur", "Kowalski", "Lindqvist", "Lister", "Mahmood", "Mensah", "Naylor", "Novak",
    "Okafor", "Patel", "Pickersgill", "Quinn", "Rahman", "Riley", "Shah", "Sutcliffe",
    "Thornton", "Varga", "Walsh", "Whiteley", "Wood", "Yilmaz",
)  # fmt: skip
CONTACT_TITLES = (
    "Service lead", "Duty worker", "Volunteer coordinator", "Referrals coordinator",
    "Team manager", "Project worker", "Community development worker", "Administrator",
)  # fmt: skip
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


@dataclass(frozen=True)
class Audience:
    minimum_age: int | None
    maximum_age: int | None
    criteria: str


AUDIENCES = {
    "everyone": Audience(None, None, "Open to anyone who lives, works or studies in {city}."),
    "adults": Audience(18, None, "For adults aged 18 and over."),
    "older": Audience(65, None, "For people aged 65 and over."),
    "young": Audience(16, 25, "For young people aged 16 to 25."),
    "eip": Audience(14, 65, "For people aged 14 to 65."),
    "perinatal": Audience(16, None, "For people aged 16 and over."),
    "children": Audience(8, 18, "For children and young people aged 8 to 18."),
    "health-check": Audience(40, 74, "For people aged 40 to 74."),
}


@dataclass(frozen=True)
class ServiceType:
    """One kind of service, written as templates: {place}, {locality}, {org}, {city},
    {day}, {venue} are filled in by the generator."""

    key: str
    names: tuple[str, ...]
    intros: tuple[str, ...]
    details: tuple[str, ...]
    needs: tuple[str, ...]
    ways: tuple[str, ...] = ()
    audience: str = "adults"
    criteria: str = ""
    self_referral: float = 0.5
    professional: float = 1.0
    waiting: tuple[int, int] | None = (0, 21)
    hours: tuple[str, ...] = ("office",)
    fees: tuple[str, ...] = ("",)
    located: bool = True


def _t(key, names, intros, details, needs, **kwargs) -> ServiceType:
    return ServiceType(key, tuple(names), tuple(intros), tuple(details), tuple(needs), **kwargs)


SERVICE_TYPES: dict[str, ServiceType] = {
    t.key: t
    for t in (
        # --- NHS mental health trust ---------------------------------------------------
        _t(
            "cmht",
            ["{locality} Community Mental Health Team"],
            [
                "The community mental health team for {locality} {city}: nurses, social "
                "workers, occupational therapists, psychologists and psychiatrists working "
                "with GPs and voluntary sector partners in the locality.",
                "Assessment, treatment and care coordination for adults in {locality} "
                "{city} whose mental health needs are too complex for primary care alone.",
            ],
            [
                "After an assessment you agree a care plan with a named worker, and the "
                "team brings in the partners you need, from housing support to peer groups.",
                "The team meets weekly with voluntary sector partners in the locality to "
                "agree offers of care together, so nobody is bounced between services.",
                "Treatment can include medication reviews, psychological therapies, "
                "support with work and housing, and help for carers.",
            ],
            ["community-mental-health", "severe-mental-illness"],
            audience="adults",
            criteria="For people with severe or complex mental health needs registered with "
            "a GP in the locality.",
            self_referral=0.0,
            waiting=(10, 42),
        ),
        _t(
            "older-cmht",
            ["Older People's Community Mental Health Team"],
            [
                "Assessment and treatment at home for older people with mental health "
                "problems, including memory problems and dementia.",
            ],
            [
                "The team works closely with GPs, adult social care and carers, and can "
                "visit people in care homes.",
                "Memory assessments lead to a diagnosis, advice and a plan that includes "
                "support for carers.",
            ],
            ["community-mental-health"],
            audience="older",
            self_referral=0.0,
            waiting=(14, 56),
        ),
        _t(
            "crisis-team",
            ["Crisis Resolution and Home Treatment Team"],
            [
                "Urgent assessment and intensive support at home for adults in a mental "
                "health crisis, as an alternative to a hospital admission.",
            ],
            [
                "The team visits within four hours of an urgent referral and can see people "
                "several times a day while the crisis lasts.",
                "Support continues for up to six weeks, then the team hands over to the "
                "community mental health team or the GP.",
            ],
            ["crisis", "severe-mental-illness"],
            audience="adults",
            self_referral=0.0,
            waiting=(0, 0),
            hours=("24-7",),
            located=False,
        ),
        _t(
            "crisis-line",
            ["24-hour Mental Health Crisis Line", "Mental Health Helpline (24 hours)"],
            [
                "A free phone line, open day and night, for anyone in {city} worried about "
                "their own mental health or someone else's.",
            ],
            [
                "Trained mental health workers listen, help you make a plan to stay safe, "
                "and arrange an urgent assessment if you need one.",
                "You can call for yourself, for a relative or friend, or as a professional "
                "looking for advice.",
            ],
            ["crisis", "suicide-prevention"],
            audience="everyone",
            self_referral=1.0,
            waiting=(0, 0),
            hours=("24-7",),
            located=False,
        ),
        _t(
            "liaison",
            ["Mental Health Liaison Team (A&E)", "Hospital Liaison Psychiatry Service"],
            [
                "Mental health assessment for people who come to the Emergency Department "
                "at {city} General Infirmary, or who are on its wards.",
            ],
            [
                "The team aims to see people in the Emergency Department within one hour "
                "of a referral from the hospital staff.",
                "Follow-up is arranged with the crisis team, the community mental health "
                "team or voluntary sector partners before the person leaves.",
            ],
            ["liaison", "crisis"],
            audience="everyone",
            criteria="For patients of the Emergency Department and wards of the hospital.",
            self_referral=0.0,
            waiting=(0, 0),
            hours=("24-7",),
        ),
        _t(
            "eip",
            ["Early Intervention in Psychosis Service", "Early Intervention in Psychosis Team"],
            [
                "Support for people who have had a first episode of psychosis, or who may be "
                "developing it, and for their families.",
            ],
            [
                "A care coordinator works with you for up to three years, with "
                "psychological therapy, family work, medication and help with work or study.",
                "Peer support workers with lived experience of psychosis are part of the team.",
            ],
            ["early-intervention-psychosis", "severe-mental-illness"],
            ways=("connect", "keep-learning"),
            audience="eip",
            self_referral=0.5,
            waiting=(7, 14),
        ),
        _t(
            "eating-disorders",
            ["Community Eating Disorders Service"],
            [
                "Assessment and treatment for adults with anorexia, bulimia, binge eating "
                "disorder and related conditions.",
            ],
            [
                "Treatment includes psychological therapy, dietetic support and physical "
                "health monitoring with the GP.",
            ],
            ["eating-disorders"],
            audience="adults",
            self_referral=0.0,
            waiting=(21, 90),
        ),
        _t(
            "perinatal",
            ["Perinatal Mental Health Service"],
            [
                "Specialist care for people with moderate to severe mental health problems "
                "during pregnancy and in the first two years after birth.",
            ],
            [
                "The team works with midwives, health visitors and GPs, and offers "
                "parent-infant work as well as treatment.",
            ],
            ["community-mental-health"],
            audience="perinatal",
            criteria="For people who are pregnant or who have had a baby in the last two years.",
            self_referral=0.0,
            waiting=(7, 28),
        ),
        _t(
            "talking-therapies",
            ["NHS Talking Therapies {city}", "Talking Therapies for Anxiety and Depression"],
            [
                "Free psychological therapies for adults with anxiety, depression, panic, "
                "phobias, OCD and post-traumatic stress.",
            ],
            [
                "Therapies include guided self-help, cognitive behavioural therapy, "
                "counselling for depression and EMDR, in person, by phone or online.",
                "You can refer yourself online or by phone; you do not need to see your GP.",
            ],
            ["talking-therapies"],
            ways=("take-notice",),
            audience="adults",
            self_referral=1.0,
            waiting=(14, 70),
            hours=("extended",),
        ),
        _t(
            "ips",
            ["Individual Placement and Support (IPS) Employment Service"],
            [
                "Employment specialists who help people using secondary mental health "
                "services to find and keep paid work.",
            ],
            [
                "The specialist is part of your care team, looks for jobs that suit you and "
                "supports you and your employer once you start.",
            ],
            ["employment", "severe-mental-illness"],
            ways=("keep-learning",),
            audience="adults",
            criteria="For people on the caseload of a community mental health team.",
            self_referral=0.0,
            waiting=(7, 35),
        ),
        _t(
            "smi-health-checks",
            ["Physical Health Checks for People with Severe Mental Illness"],
            [
                "An annual physical health check for people living with schizophrenia, "
                "bipolar disorder or another psychosis.",
            ],
            [
                "The check covers weight, blood pressure, blood tests, smoking and alcohol, "
                "with follow-up support agreed there and then.",
            ],
            ["smi-health-checks", "severe-mental-illness"],
            ways=("be-active",),
            audience="adults",
            self_referral=0.2,
            waiting=(7, 28),
        ),
        # --- GP practices ---------------------------------------------------------------
        _t(
            "gp-mh-practitioner",
            ["Mental Health Practitioner Clinic at {org}"],
            [
                "Appointments with the practice's mental health practitioner, part of the "
                "community mental health team but based in the surgery.",
            ],
            [
                "The practitioner can assess, offer brief support, and refer on to talking "
                "therapies, the community mental health team or voluntary sector partners.",
            ],
            ["community-mental-health"],
            audience="adults",
            criteria="For patients registered with the practice.",
            self_referral=0.3,
            waiting=(3, 21),
        ),
        _t(
            "gp-social-prescribing",
            ["Social Prescribing at {org}", "Social Prescribing Link Worker – {org}"],
            [
                "A link worker who spends time finding out what matters to you and "
                "connects you with local groups and services.",
            ],
            [
                "People see the link worker about loneliness, money worries, housing, "
                "caring or simply wanting to get out more.",
                "The link worker knows the local voluntary sector well and can come with "
                "you to a first session.",
            ],
            ["loneliness", "groups-activities"],
            ways=("connect",),
            audience="adults",
            criteria="For patients registered with the practice.",
            self_referral=0.3,
            waiting=(3, 21),
        ),
        _t(
            "gp-smi-review",
            ["Severe Mental Illness Annual Review at {org}"],
            [
                "A yearly review with the practice nurse for patients on the practice's "
                "severe mental illness register.",
            ],
            ["The review includes a physical health check and a medication review."],
            ["smi-health-checks"],
            audience="adults",
            criteria="For patients registered with the practice.",
            self_referral=0.2,
            waiting=(7, 28),
        ),
        # --- local authority --------------------------------------------------------------
        _t(
            "care-act-assessment",
            ["Adult Social Care Front Door (Care Act Assessments)"],
            [
                "Information, advice and Care Act assessments for adults who need care and "
                "support, and for their carers.",
            ],
            [
                "An assessment looks at what you want to achieve and what support would "
                "help, and whether the council can pay for it.",
            ],
            ["care-act-assessment"],
            audience="adults",
            self_referral=0.5,
            waiting=(7, 42),
        ),
        _t(
            "reablement",
            ["Reablement Service"],
            [
                "Up to six weeks of short-term support at home to regain skills and "
                "confidence after illness, a hospital stay or a crisis.",
            ],
            ["The service is free and ends with a plan for any longer-term support."],
            ["reablement"],
            ways=("be-active",),
            audience="adults",
            self_referral=0.0,
            waiting=(1, 10),
        ),
        _t(
            "mh-social-work",
            ["Mental Health Social Work Team"],
            [
                "Social workers who support adults with mental health needs to live the "
                "lives they want, with care and support planning and safeguarding.",
            ],
            [
                "The team works alongside the community mental health teams in each "
                "locality and with the voluntary sector.",
            ],
            ["care-act-assessment", "community-mental-health"],
            audience="adults",
            self_referral=0.1,
            waiting=(7, 35),
        ),
        _t(
            "amhp",
            ["Approved Mental Health Professional Service"],
            [
                "Approved mental health professionals coordinate assessments under the "
                "Mental Health Act and look for alternatives to admission.",
            ],
            ["Referrals come from doctors, the police and the nearest relative."],
            ["crisis", "social-care"],
            audience="adults",
            self_referral=0.0,
            waiting=(0, 0),
            hours=("24-7",),
            located=False,
        ),
        _t(
            "carers-assessment",
            ["Carers' Assessment"],
            [
                "An assessment of the support an unpaid carer needs, separate from the "
                "assessment of the person they care for.",
            ],
            [
                "It can lead to a carer's personal budget, a break from caring and help in "
                "a crisis.",
            ],
            ["carers-support", "care-act-assessment"],
            audience="adults",
            self_referral=0.6,
            waiting=(7, 35),
        ),
        _t(
            "shared-lives",
            ["Shared Lives"],
            [
                "Support and accommodation with an approved Shared Lives carer in their own "
                "home, for adults who want a family setting.",
            ],
            ["Arrangements range from day support to long-term living together."],
            ["social-care", "housing"],
            ways=("connect",),
            audience="adults",
            self_referral=0.0,
            waiting=(28, 120),
        ),
        # --- public health --------------------------------------------------------------
        _t(
            "nhs-health-check",
            ["NHS Health Check"],
            [
                "A free check of your heart, kidney and diabetes risk, offered every five "
                "years to adults aged 40 to 74.",
            ],
            ["Checks take place in GP practices, pharmacies and community venues."],
            ["physical-health", "long-term-conditions"],
            ways=("be-active",),
            audience="health-check",
            self_referral=0.6,
            waiting=(7, 28),
        ),
        _t(
            "suicide-prevention-training",
            ["Suicide Prevention Training", "Zero Suicide Awareness Sessions"],
            [
                "Free training for anyone in {city} who wants to know how to talk to "
                "someone who may be thinking of suicide.",
            ],
            [
                "Sessions last two hours and are run monthly in community venues and online.",
            ],
            ["suicide-prevention"],
            ways=("keep-learning", "give"),
            audience="adults",
            self_referral=0.8,
            waiting=(0, 28),
            hours=("weekly",),
        ),
        _t(
            "wellbeing-campaign",
            ["Five Ways to Wellbeing in {city}", "Be Well {city}"],
            [
                "The city's wellbeing campaign: ideas, events and small grants based on the "
                "Five Ways to Wellbeing.",
            ],
            [
                "Local groups can apply for grants of up to £500 for activities that help "
                "people connect, be active, take notice, keep learning and give.",
            ],
            ["wellbeing"],
            ways=("connect", "be-active", "take-notice", "keep-learning", "give"),
            audience="everyone",
            self_referral=1.0,
            waiting=None,
            hours=("none",),
            located=False,
        ),
        _t(
            "stop-smoking",
            ["Stop Smoking Service"],
            [
                "Free support and stop-smoking medicines, with extra help for people who "
                "use mental health services.",
            ],
            ["Weekly sessions for twelve weeks, in person or by phone."],
            ["physical-health"],
            ways=("be-active",),
            audience="adults",
            self_referral=0.8,
            waiting=(0, 10),
        ),
        # --- voluntary, community and social enterprise -----------------------------------
        _t(
            "day-centre",
            ["{org} Day Centre", "Day Centre at {place}", "{place} Drop-in Day Centre"],
            [
                "A welcoming day centre in {place} for adults living with mental health "
                "problems: somewhere to go, people to talk to and things to do.",
                "Open most weekdays, the day centre offers a hot lunch, activities and "
                "company in {place}.",
            ],
            [
                "Activities include cooking, art, gardening, board games and trips out, "
                "planned with the people who come.",
                "Staff and volunteers can help with forms, benefits and appointments, and "
                "link you with other services.",
                "Many people who come have used secondary mental health services, and some "
                "come alongside support from their community mental health team.",
            ],
            ["day-centres", "severe-mental-illness"],
            ways=("connect", "keep-learning"),
            audience="adults",
            self_referral=0.3,
            waiting=(0, 14),
            hours=("day-centre",),
            fees=("", "Lunch costs £2.50."),
        ),
        _t(
            "drop-in",
            ["{place} Community Café", "{place} Drop-in", "Open Door Drop-in at {venue}"],
            [
                "A relaxed drop-in café at {venue} where anyone can come for a cup of tea, "
                "a chat and a friendly face.",
                "A weekly drop-in in {place} for people who feel lonely, low or just want company.",
            ],
            [
                "Tea, toast and a friendly welcome; nobody is rushed.",
                "Volunteers know what else is on in the area and can help you find it.",
            ],
            ["loneliness", "day-centres"],
            ways=("connect",),
            audience="everyone",
            self_referral=0.5,
            professional=0.5,
            waiting=(0, 0),
            hours=("weekly", "twice-weekly"),
        ),
        _t(
            "befriending",
            ["Befriending", "{place} Befriending Scheme", "Home Visiting Befriending"],
            [
                "A trained volunteer befriender visits you at home or meets you in the "
                "community once a week, for company and conversation.",
                "Befriending for people in {place} who feel lonely or isolated because of "
                "their mental health.",
            ],
            [
                "Befrienders are matched with you on shared interests, and can help you "
                "build confidence to go out and try new things.",
                "Matches usually last six to twelve months, with support from a paid "
                "coordinator throughout.",
            ],
            ["befriending", "loneliness"],
            ways=("connect", "give"),
            audience="adults",
            self_referral=0.3,
            waiting=(7, 60),
            hours=("office",),
        ),
        _t(
            "telephone-befriending",
            ["Telephone Befriending", "Call a Friend"],
            [
                "A regular phone call from a friendly volunteer, for people who find it "
                "hard to get out.",
            ],
            ["Calls are at a time that suits you, once or twice a week."],
            ["befriending", "loneliness"],
            ways=("connect",),
            audience="older",
            self_referral=0.4,
            waiting=(7, 42),
            located=False,
        ),
        _t(
            "smi-counselling",
            [
                "Counselling for People with Severe Mental Illness",
                "Long-term Counselling for Severe Mental Illness",
            ],
            [
                "Counselling with experienced counsellors for adults living with "
                "psychosis, bipolar disorder or severe depression.",
                "Up to 24 sessions of counselling for people whose severe mental illness "
                "means short-term talking therapies have not been right for them.",
            ],
            [
                "Counsellors work alongside your care coordinator with your agreement.",
                "Sessions take place weekly at {venue} or by phone.",
            ],
            ["talking-therapies", "severe-mental-illness"],
            audience="adults",
            criteria="For people with a diagnosis of severe mental illness, usually known to "
            "a community mental health team.",
            self_referral=0.1,
            waiting=(21, 120),
        ),
        _t(
            "counselling",
            ["Low-cost Counselling", "Community Counselling Service", "Counselling"],
            [
                "Counselling for adults with anxiety, depression, bereavement, relationship "
                "problems or low self-esteem.",
                "Affordable one-to-one counselling from qualified and trainee counsellors.",
            ],
            [
                "You will be offered an assessment, then up to twelve weekly sessions.",
                "Sessions are in person at {venue}, by phone or by video.",
            ],
            ["talking-therapies"],
            audience="adults",
            self_referral=0.5,
            waiting=(14, 90),
            fees=(
                "Pay what you can, from £5 a session.",
                "£10 to £30 a session, depending on income.",
                "",
            ),
        ),
        _t(
            "complementary-therapies",
            ["Complementary Therapies", "Relaxation and Complementary Therapies"],
            [
                "Massage, reflexology, aromatherapy and Indian head massage to help with "
                "stress, anxiety and sleep.",
            ],
            [
                "A course of six sessions with a qualified therapist, alongside other "
                "support you receive.",
                "Sessions help many people relax enough to take the next step in their recovery.",
            ],
            ["complementary-therapies", "mindfulness"],
            ways=("take-notice",),
            audience="adults",
            self_referral=0.2,
            waiting=(14, 60),
            hours=("twice-weekly",),
            fees=("", "£5 a session; free for people on benefits."),
        ),
        _t(
            "peer-support-group",
            ["Peer Support Group", "{place} Peer Support Group", "Mental Health Peer Support"],
            [
                "A group run by and for people with lived experience of mental health "
                "problems, meeting every {day} in {place}.",
                "A safe space to share experiences, support each other and feel less "
                "alone, facilitated by trained peer workers.",
            ],
            [
                "Newcomers are welcome to bring a friend to their first meeting.",
                "The group decides its own topics, from coping with medication to getting "
                "back to work.",
            ],
            ["peer-support"],
            ways=("connect", "give"),
            audience="adults",
            self_referral=0.5,
            professional=0.7,
            waiting=(0, 0),
            hours=("weekly",),
        ),
        _t(
            "hearing-voices",
            ["Hearing Voices Group", "{place} Hearing Voices Group"],
            [
                "A peer support group for people who hear voices, see visions or have "
                "other unusual experiences.",
            ],
            [
                "Groups follow the Hearing Voices Network charter: every explanation of "
                "voices is respected.",
            ],
            ["peer-support", "severe-mental-illness"],
            ways=("connect",),
            audience="adults",
            self_referral=0.5,
            professional=0.7,
            waiting=(0, 0),
            hours=("weekly",),
        ),
        _t(
            "mens-shed",
            ["{place} Men's Shed", "Men's Shed"],
            [
                "A workshop where men (and anyone else who wants to) make, mend and chat "
                "shoulder to shoulder.",
            ],
            ["Tools, tea and company provided; no skills needed."],
            ["groups-activities", "loneliness"],
            ways=("connect", "keep-learning", "give"),
            audience="adults",
            self_referral=0.5,
            professional=0.5,
            waiting=(0, 0),
            hours=("twice-weekly",),
        ),
        _t(
            "walking-group",
            ["Walking for Health", "{place} Wellbeing Walks", "Nature Walks for Wellbeing"],
            [
                "Short, friendly walks of about an hour every {day}, led by trained walk "
                "leaders, ending with a cuppa.",
            ],
            ["Walks are at an easy pace and suitable for most people."],
            ["physical-activity"],
            ways=("be-active", "take-notice", "connect"),
            audience="everyone",
            self_referral=0.5,
            professional=0.4,
            waiting=(0, 0),
            hours=("weekly",),
            located=False,
        ),
        _t(
            "football",
            ["Football for Mental Health", "Walking Football"],
            [
                "Weekly football sessions in {place} for people who use mental health "
                "services, whatever their fitness or skill.",
            ],
            ["Kit and boots can be lent; the sessions are free."],
            ["physical-activity"],
            ways=("be-active", "connect"),
            audience="adults",
            self_referral=0.3,
            waiting=(0, 7),
            hours=("weekly",),
        ),
        _t(
            "gardening",
            ["Community Garden", "Therapeutic Gardening", "Allotment Project"],
            [
                "Growing food and flowers together at a community garden in {place}, with "
                "support from a horticultural therapist.",
            ],
            [
                "Sessions run twice a week; produce goes home with volunteers or to the "
                "local food bank.",
            ],
            ["physical-activity", "groups-activities"],
            ways=("be-active", "take-notice", "give"),
            audience="adults",
            self_referral=0.3,
            waiting=(0, 21),
            hours=("twice-weekly",),
        ),
        _t(
            "arts-group",
            ["Art for Wellbeing", "Creative Arts Group", "{place} Art Studio"],
            [
                "Painting, drawing, print-making and craft in a supportive group led by "
                "local artists.",
            ],
            [
                "All materials are provided and there is an exhibition each year.",
                "No experience needed: the group is about enjoying making, not being good at it.",
            ],
            ["arts-creativity"],
            ways=("keep-learning", "take-notice", "connect"),
            audience="adults",
            self_referral=0.3,
            waiting=(0, 28),
            hours=("weekly",),
        ),
        _t(
            "choir",
            ["Community Choir", "Singing for Wellbeing"],
            [
                "A choir for people who have experienced mental health problems, and "
                "anyone who supports them.",
            ],
            ["No auditions and no need to read music."],
            ["arts-creativity", "groups-activities"],
            ways=("connect", "keep-learning"),
            audience="everyone",
            self_referral=0.5,
            professional=0.3,
            waiting=(0, 0),
            hours=("weekly",),
        ),
        _t(
            "creative-writing",
            ["Creative Writing Group", "Writing for Wellbeing"],
            ["A small, supportive writing group meeting fortnightly in {place}."],
            ["Writers share work if they wish; many publish in the group's anthology."],
            ["arts-creativity"],
            ways=("keep-learning", "take-notice"),
            audience="adults",
            self_referral=0.4,
            waiting=(0, 14),
            hours=("weekly",),
        ),
        _t(
            "recovery-college",
            ["Recovery College Courses", "Recovery and Wellbeing Courses"],
            [
                "Free courses co-produced by people with lived experience and professionals, "
                "about mental health, recovery and living well.",
            ],
            [
                "Courses include understanding anxiety, managing money, confidence building "
                "and planning for a crisis.",
                "Anyone can enrol: people who use services, carers, and staff.",
            ],
            ["groups-activities", "mental-health"],
            ways=("keep-learning", "connect"),
            audience="adults",
            self_referral=0.5,
            waiting=(0, 28),
            hours=("office",),
        ),
        _t(
            "mindfulness",
            ["Mindfulness Course", "Eight-week Mindfulness Course"],
            ["An eight-week course in mindfulness for stress, low mood and anxiety."],
            ["Each session lasts two hours, with short practices to try at home."],
            ["mindfulness"],
            ways=("take-notice",),
            audience="adults",
            self_referral=0.4,
            waiting=(7, 60),
            hours=("weekly",),
            fees=("", "£40 for the course; free places for people on benefits."),
        ),
        _t(
            "housing-support",
            ["Tenancy Sustainment", "Housing Support", "Floating Housing Support"],
            [
                "Support for people with mental health needs to keep their home: rent, "
                "bills, repairs, neighbours and landlords.",
                "Visiting support workers help you set up and hold on to a tenancy.",
            ],
            [
                "Support lasts up to two years and is planned around what you want to achieve.",
                "Workers can go with you to appointments with the council or your landlord.",
            ],
            ["housing"],
            audience="adults",
            self_referral=0.2,
            waiting=(7, 56),
        ),
        _t(
            "homelessness",
            ["Street Outreach", "Homelessness Support", "Rough Sleepers Outreach"],
            [
                "Outreach workers who find and support people sleeping rough or at risk of "
                "homelessness in {city}.",
            ],
            [
                "The team helps people into emergency accommodation and to register with a "
                "GP and mental health services.",
            ],
            ["housing", "mental-health"],
            audience="adults",
            self_referral=0.5,
            waiting=(0, 3),
            hours=("extended",),
            located=False,
        ),
        _t(
            "supported-accommodation",
            ["Supported Accommodation", "Supported Living for Mental Health"],
            [
                "Shared and self-contained flats with staff support, for adults moving on "
                "from hospital or homelessness.",
            ],
            ["Residents have a key worker and a plan to move on to their own home."],
            ["housing", "severe-mental-illness"],
            audience="adults",
            self_referral=0.0,
            waiting=(30, 150),
        ),
        _t(
            "employment-support",
            ["Employment Support", "Back to Work Support", "Work and Wellbeing Coaching"],
            [
                "One-to-one support to find paid work, training or volunteering, for people "
                "whose mental health has kept them out of work.",
            ],
            [
                "Coaches help with CVs, applications, interviews and talking to employers "
                "about reasonable adjustments.",
                "Support continues once you are in work, for as long as it is useful.",
            ],
            ["employment"],
            ways=("keep-learning",),
            audience="adults",
            self_referral=0.3,
            waiting=(7, 42),
        ),
        _t(
            "volunteering",
            ["Volunteering for Wellbeing", "Supported Volunteering"],
            [
                "Volunteering placements with support, for people who want to build "
                "confidence and experience.",
            ],
            ["Placements range from cafés and gardens to office work and events."],
            ["employment"],
            ways=("give", "connect", "keep-learning"),
            audience="adults",
            self_referral=0.5,
            waiting=(7, 35),
        ),
        _t(
            "debt-advice",
            ["Money and Debt Advice", "Benefits Advice", "Welfare Rights Advice"],
            [
                "Free, confidential advice on debt, benefits and money worries, from "
                "accredited advisers.",
            ],
            [
                "Advisers can check what you are entitled to, help with forms and "
                "represent you at tribunals.",
                "Priority is given to people whose mental health is affected by money problems.",
            ],
            ["money-debt-benefits"],
            audience="adults",
            self_referral=0.5,
            waiting=(3, 28),
        ),
        _t(
            "food-bank",
            ["Food Bank", "Emergency Food Parcels"],
            [
                "Three days of emergency food for people in crisis, given out at {venue} "
                "with a warm welcome.",
            ],
            [
                "Food bank vouchers come from GPs, support workers, advice centres and "
                "social workers.",
                "Volunteers can also put you in touch with money advice.",
            ],
            ["food"],
            ways=("give",),
            audience="everyone",
            self_referral=0.1,
            waiting=(0, 2),
            hours=("twice-weekly",),
        ),
        _t(
            "pantry",
            ["Community Pantry", "Community Kitchen and Pantry"],
            [
                "A membership pantry in {place}: a weekly shop of groceries for a small "
                "fee, and cooking sessions on a budget.",
            ],
            ["Members choose their own food, and leftovers go to the food bank."],
            ["food"],
            ways=("connect", "keep-learning"),
            audience="everyone",
            self_referral=0.5,
            professional=0.3,
            waiting=(0, 7),
            hours=("twice-weekly",),
            fees=("£4 a week for about £20 of groceries.",),
        ),
        _t(
            "carers-group",
            ["Carers' Support Group", "Mental Health Carers' Group"],
            [
                "A monthly group for people caring for a relative or friend with mental "
                "health problems.",
            ],
            [
                "Carers share experience and hear from speakers on topics such as "
                "confidentiality and the Mental Health Act.",
            ],
            ["carers-support", "peer-support"],
            ways=("connect",),
            audience="adults",
            self_referral=0.5,
            waiting=(0, 0),
            hours=("weekly",),
        ),
        _t(
            "carers-advice",
            ["Carers' Advice and Support", "Carers' Information Line"],
            [
                "Information, advice and emotional support for unpaid carers, including "
                "help with carers' assessments and breaks.",
            ],
            ["Support workers can visit at home or meet you somewhere convenient."],
            ["carers-support"],
            audience="adults",
            self_referral=0.6,
            waiting=(0, 21),
        ),
        _t(
            "young-carers",
            ["Young Carers Project"],
            [
                "Clubs, trips and one-to-one support for children who help look after "
                "someone at home.",
            ],
            ["The project works with schools so young carers get support there too."],
            ["young-carers"],
            ways=("connect", "be-active"),
            audience="children",
            self_referral=0.3,
            waiting=(7, 42),
        ),
        _t(
            "advocacy",
            ["Mental Health Advocacy", "Independent Mental Health Advocacy"],
            [
                "Independent advocates help you have your say about your care and treatment, "
                "and understand your rights.",
            ],
            [
                "Independent Mental Health Advocates support people detained under the "
                "Mental Health Act.",
                "Community advocates help with meetings, complaints and care reviews.",
            ],
            ["advocacy"],
            audience="adults",
            self_referral=0.4,
            waiting=(3, 21),
        ),
        _t(
            "drug-alcohol",
            ["Drug and Alcohol Recovery Service", "Alcohol Recovery Support"],
            [
                "Support for anyone worried about their drinking or drug use, from advice to "
                "structured treatment.",
            ],
            [
                "Recovery workers, peer mentors and mutual aid groups work together, and "
                "families can get support too.",
            ],
            ["alcohol", "drugs"],
            audience="adults",
            self_referral=0.6,
            waiting=(3, 21),
        ),
        _t(
            "recovery-peer",
            ["Recovery Café", "Recovery Community Group"],
            [
                "A peer-led recovery community for people in or seeking recovery from drugs "
                "and alcohol.",
            ],
            ["Meetings, meals and volunteering, all alcohol and drug free."],
            ["drugs", "peer-support"],
            ways=("connect", "give"),
            audience="adults",
            self_referral=0.5,
            waiting=(0, 0),
            hours=("twice-weekly",),
        ),
        _t(
            "bereavement",
            ["Bereavement Support", "Bereavement Counselling"],
            ["One-to-one and group support for adults who have been bereaved."],
            ["Support is offered from a few months after the death, when people are ready."],
            ["suicide-prevention", "talking-therapies"],
            audience="adults",
            self_referral=0.4,
            waiting=(14, 90),
        ),
        _t(
            "suicide-bereavement",
            ["Support After Suicide", "Suicide Bereavement Service"],
            [
                "Practical and emotional support for anyone bereaved or affected by "
                "suicide, contacted within days of a referral.",
            ],
            ["Police, GPs and coroners can refer with the family's agreement."],
            ["suicide-prevention"],
            audience="everyone",
            self_referral=0.4,
            waiting=(1, 7),
        ),
        _t(
            "domestic-abuse",
            ["Domestic Abuse Support", "Independent Domestic Violence Advisers"],
            [
                "Confidential support for anyone experiencing domestic abuse: safety "
                "planning, advocacy, refuge and recovery groups.",
            ],
            ["Specialist workers support people whose mental health is affected by abuse."],
            ["domestic-abuse"],
            audience="adults",
            self_referral=0.6,
            waiting=(0, 7),
            hours=("extended",),
            located=False,
        ),
        _t(
            "womens-group",
            ["Women's Wellbeing Group"],
            ["A weekly women-only group for wellbeing, friendship and confidence."],
            ["Childcare can be arranged on request."],
            ["groups-activities", "loneliness"],
            ways=("connect",),
            audience="adults",
            self_referral=0.4,
            waiting=(0, 7),
            hours=("weekly",),
        ),
        _t(
            "crisis-cafe",
            ["Crisis Café", "Safe Haven", "Evening Sanctuary"],
            [
                "A calm, safe place to go in the evening when you are struggling and need "
                "someone to talk to, as an alternative to A&E.",
            ],
            [
                "Staffed by mental health workers and peer supporters; no appointment needed.",
                "The café works closely with the crisis team, who can see people there.",
            ],
            ["crisis"],
            audience="adults",
            self_referral=0.7,
            waiting=(0, 0),
            hours=("evenings",),
        ),
        _t(
            "helpline",
            ["Listening Line", "National Helpline", "Text Support Service"],
            [
                "A free, confidential listening service for anyone who is struggling, open "
                "every day of the year.",
            ],
            [
                "Trained volunteers listen without judging; you do not have to be suicidal "
                "to call.",
            ],
            ["crisis", "suicide-prevention"],
            ways=("connect",),
            audience="everyone",
            self_referral=1.0,
            professional=0.0,
            waiting=(0, 0),
            hours=("24-7",),
            located=False,
        ),
        _t(
            "eating-support",
            ["Eating Disorder Support Group", "Eating Disorders Peer Support"],
            [
                "Peer support for people affected by eating disorders, and a separate group "
                "for families and friends.",
            ],
            ["Groups meet fortnightly and online between meetings."],
            ["eating-disorders", "peer-support"],
            ways=("connect",),
            audience="young",
            self_referral=0.5,
            waiting=(0, 14),
            hours=("weekly",),
        ),
        _t(
            "perinatal-peer",
            ["Perinatal Peer Support", "Parents' Wellbeing Group"],
            [
                "Peer support for parents struggling with their mental health in pregnancy "
                "or after a baby arrives, with babies welcome.",
            ],
            ["Run by parents who have been there, with a weekly group and home visits."],
            ["peer-support"],
            ways=("connect",),
            audience="perinatal",
            self_referral=0.4,
            waiting=(0, 21),
            hours=("weekly",),
        ),
        _t(
            "young-wellbeing",
            ["Young People's Wellbeing Service", "Youth Counselling 16–25"],
            [
                "Counselling, groups and drop-in support for young people aged 16 to 25, in "
                "a space designed with them.",
            ],
            [
                "Support with anxiety, low mood, relationships, exams and moving into "
                "adult services.",
            ],
            ["talking-therapies", "groups-activities"],
            ways=("connect", "keep-learning"),
            audience="young",
            self_referral=0.5,
            waiting=(7, 56),
        ),
        _t(
            "lgbtq-group",
            ["LGBTQ+ Peer Support", "LGBTQ+ Social Group"],
            [
                "A friendly social and peer support group for lesbian, gay, bisexual, trans "
                "and queer people.",
            ],
            ["Meets monthly at {venue}, with an online group in between."],
            ["peer-support", "loneliness"],
            ways=("connect",),
            audience="adults",
            self_referral=0.5,
            waiting=(0, 0),
            hours=("weekly",),
        ),
        _t(
            "refugee-wellbeing",
            ["Refugee and Asylum Seeker Wellbeing", "Welcome Café"],
            [
                "Wellbeing support, English conversation and a warm welcome for refugees "
                "and people seeking asylum.",
            ],
            [
                "Interpreters can be booked for one-to-one sessions; the café is open to everyone.",
            ],
            ["loneliness", "groups-activities"],
            ways=("connect", "keep-learning"),
            audience="everyone",
            self_referral=0.4,
            waiting=(0, 7),
            hours=("weekly",),
        ),
        _t(
            "community-wellbeing",
            ["Community Wellbeing Group", "Wellbeing in Community Languages"],
            [
                "Wellbeing groups in community languages, including Urdu, Punjabi, Polish "
                "and Arabic.",
            ],
            ["Group workers also help people get to GP and mental health appointments."],
            ["loneliness", "mental-health"],
            ways=("connect",),
            audience="adults",
            self_referral=0.4,
            waiting=(0, 14),
            hours=("weekly",),
        ),
        _t(
            "older-social",
            ["Friendship Club", "Lunch Club", "Memory Café"],
            [
                "A weekly club for older people in {place}, with lunch, activities and "
                "transport for those who need it.",
            ],
            ["Carers are welcome to come too."],
            ["loneliness", "groups-activities"],
            ways=("connect",),
            audience="older",
            self_referral=0.4,
            waiting=(0, 28),
            hours=("weekly",),
            fees=("£4 including lunch.", ""),
        ),
        _t(
            "veterans",
            ["Veterans' Wellbeing Hub"],
            ["Peer support, advice and social activities for armed forces veterans."],
            ["The hub links veterans to specialist NHS veterans' mental health services."],
            ["peer-support", "mental-health"],
            ways=("connect",),
            audience="adults",
            self_referral=0.5,
            waiting=(0, 14),
            hours=("weekly",),
        ),
    )
}


@dataclass(frozen=True)
class OfferedService:
    """A service in the hand-written demo: its type, and what differs from the type."""

    type_key: str
    name: str = ""
    localities: tuple[str, ...] = ()  # locality slugs; empty = the organisation's own
    joint_with: tuple[str, ...] = ()  # organisation slugs delivering it together
    team_slug: str = ""  # the trust's locality teams: "north-cmht"


@dataclass(frozen=True)
class OrganisationSpec:
    name: str
    slug: str
    kind: str
    services: tuple[OfferedService, ...]
    description: str
    localities: tuple[str, ...] = ("north", "south", "east", "west")
    reach: str = "local"
    ods_code: str = ""
    charity: bool = True
    in_small: bool = False


def _offer(*keys: str) -> tuple[OfferedService, ...]:
    return tuple(OfferedService(k) for k in keys)


TRUST_SLUG = "city-nhs-trust"

TRUST = OrganisationSpec(
    "City NHS Mental Health Trust",
    TRUST_SLUG,
    "nhs_trust",
    (
        *(
            OfferedService("cmht", localities=(loc.slug,), team_slug=f"{loc.slug}-cmht")
            for loc in LOCALITIES
        ),
        OfferedService("crisis-team"),
        OfferedService("crisis-line"),
        OfferedService("liaison"),
        OfferedService("eip", joint_with=("northern-lights-peer-support",)),
        OfferedService("older-cmht"),
        OfferedService("eating-disorders"),
        OfferedService("perinatal"),
        OfferedService("talking-therapies"),
        OfferedService("ips", joint_with=("pathways-employment",)),
        OfferedService("smi-health-checks"),
    ),
    "The mental health and learning disability trust for Brackenford: community mental "
    "health teams in every locality, crisis and liaison services, early intervention in "
    "psychosis, talking therapies and inpatient care.",
    ods_code="RZ9",
    charity=False,
    in_small=True,
)

COUNCIL = OrganisationSpec(
    "Brackenford City Council – Adult Social Care",
    "city-council",
    "local_authority",
    _offer(
        "care-act-assessment",
        "reablement",
        "mh-social-work",
        "amhp",
        "carers-assessment",
        "shared-lives",
    ),
    "Adult social care for the city: Care Act assessments, reablement, mental health "
    "social work, approved mental health professionals and support for carers.",
    charity=False,
    in_small=True,
)

PUBLIC_HEALTH = OrganisationSpec(
    "Brackenford Public Health",
    "city-public-health",
    "public_health",
    _offer("nhs-health-check", "suicide-prevention-training", "wellbeing-campaign", "stop-smoking"),
    "The council's public health team: health checks, suicide prevention, the Five Ways "
    "to Wellbeing campaign and stop-smoking support.",
    charity=False,
    in_small=True,
)

GP_PRACTICE_NAMES = (
    ("Highfield Medical Practice", "north"),
    ("Moorside Surgery", "north"),
    ("Stonegate Health Centre", "north"),
    ("Northgate Family Practice", "north"),
    ("The Moor Lane Surgery", "north"),
    ("Southbank Surgery", "south"),
    ("Lowfields Medical Centre", "south"),
    ("Mill Quarter Health Centre", "south"),
    ("Riverside Practice", "south"),
    ("Church Street Surgery", "south"),
    ("Eastgate Medical Practice", "east"),
    ("Thornbury Surgery", "east"),
    ("Crossways Health Centre", "east"),
    ("Orchard Health Centre", "east"),
    ("Beech Tree Practice", "east"),
    ("Westwood Surgery", "west"),
    ("Fairholme Medical Centre", "west"),
    ("Kestrel Hill Practice", "west"),
    ("Canal Side Medical Centre", "west"),
    ("The Park Surgery", "west"),
)
GP_PRACTICES_IN_SMALL = 3

VCSE = (
    OrganisationSpec(
        "Riverside Mind",
        "riverside-mind",
        "vcse",
        (
            OfferedService("day-centre", name="Riverside Mind Day Centre"),
            OfferedService("befriending", name="Befriending"),
            OfferedService("smi-counselling", joint_with=(TRUST_SLUG,)),
            OfferedService("complementary-therapies"),
            OfferedService("peer-support-group", name="Riverside Peer Support Group"),
            OfferedService("carers-group", name="Riverside Mind Carers' Group"),
            OfferedService("walking-group", name="Riverside Wellbeing Walks"),
        ),
        "The local Mind-like mental health charity for Brackenford since 1978: a day "
        "centre on the river, befriending, counselling for people with severe mental "
        "illness, complementary therapies and peer support.",
        in_small=True,
    ),
    OrganisationSpec(
        "Brackenford Carers' Centre",
        "brackenford-carers",
        "vcse",
        _offer("carers-advice", "carers-group", "young-carers"),
        "Support, advice and a voice for unpaid carers of all ages across the city.",
        in_small=True,
    ),
    OrganisationSpec(
        "Highfield Befrienders",
        "highfield-befrienders",
        "vcse",
        _offer("befriending", "telephone-befriending"),
        "Volunteers from Highfield and Moorside who befriend neighbours living with "
        "loneliness and mental health problems.",
        localities=("north",),
        in_small=True,
    ),
    OrganisationSpec(
        "Stonegate Community Centre",
        "stonegate-community-centre",
        "vcse",
        _offer("drop-in", "walking-group", "arts-group", "older-social", "pantry", "womens-group"),
        "A busy community centre run by local people, with a café, groups and classes.",
        localities=("north",),
    ),
    OrganisationSpec(
        "Moorside Men's Shed",
        "moorside-mens-shed",
        "vcse",
        _offer("mens-shed", "gardening"),
        "A community workshop in an old mill building on the edge of the moor.",
        localities=("north",),
    ),
    OrganisationSpec(
        "Northern Lights Peer Support",
        "northern-lights-peer-support",
        "vcse",
        (
            OfferedService("peer-support-group", localities=("north",)),
            OfferedService("peer-support-group", localities=("east",)),
            OfferedService("hearing-voices"),
        ),
        "A user-led organisation run by people with lived experience of mental distress.",
        localities=("north", "east"),
        in_small=True,
    ),
    OrganisationSpec(
        "Keystone Housing Support",
        "keystone-housing",
        "vcse",
        _offer("housing-support", "supported-accommodation", "homelessness"),
        "Housing-related support and supported accommodation for people with mental health needs.",
        in_small=True,
    ),
    OrganisationSpec(
        "Open Door Homeless Project",
        "open-door-homeless",
        "vcse",
        _offer("homelessness", "drop-in", "debt-advice"),
        "Street outreach and a day-time drop-in for people who are homeless in the city.",
        localities=("south",),
    ),
    OrganisationSpec(
        "Pathways Employment Project",
        "pathways-employment",
        "vcse",
        _offer("employment-support", "volunteering", "employment-support"),
        "A social enterprise helping people with mental health problems into work.",
        in_small=True,
    ),
    OrganisationSpec(
        "Brackenford Food Bank",
        "brackenford-food-bank",
        "vcse",
        tuple(OfferedService("food-bank", localities=(loc.slug,)) for loc in LOCALITIES),
        "Emergency food for people in crisis, from four distribution centres in the city.",
        in_small=True,
    ),
    OrganisationSpec(
        "Trinity Church Community Pantry",
        "trinity-pantry",
        "vcse",
        _offer("pantry", "drop-in", "befriending"),
        "A church-run pantry and drop-in open to everyone in the neighbourhood.",
        localities=("east",),
    ),
    OrganisationSpec(
        "Canvas Arts for Wellbeing",
        "canvas-arts",
        "vcse",
        _offer("arts-group", "creative-writing", "arts-group"),
        "An arts charity running creative groups for people with mental health problems.",
        localities=("south", "west"),
    ),
    OrganisationSpec(
        "Songbird Community Choir",
        "songbird-choir",
        "vcse",
        _offer("choir"),
        "A community choir founded by members of a hospital music group.",
        localities=("west",),
    ),
    OrganisationSpec(
        "Brackenford Recovery College",
        "recovery-college",
        "vcse",
        _offer("recovery-college", "mindfulness", "creative-writing"),
        "A college of free courses about mental health and recovery, co-produced by "
        "students and tutors with lived experience.",
    ),
    OrganisationSpec(
        "New Leaf Recovery",
        "new-leaf-recovery",
        "vcse",
        _offer("drug-alcohol", "recovery-peer", "drug-alcohol"),
        "Drug and alcohol recovery support, commissioned by public health.",
    ),
    OrganisationSpec(
        "Cedar Bereavement Support",
        "cedar-bereavement",
        "vcse",
        _offer("bereavement", "suicide-bereavement"),
        "Bereavement support for adults, including people bereaved by suicide.",
    ),
    OrganisationSpec(
        "Safe Haven Women's Aid",
        "safe-haven-womens-aid",
        "vcse",
        _offer("domestic-abuse", "womens-group", "counselling"),
        "Refuge, outreach and recovery for women and children affected by domestic abuse.",
    ),
    OrganisationSpec(
        "The Lighthouse Crisis Café",
        "lighthouse-crisis-cafe",
        "vcse",
        (OfferedService("crisis-cafe", name="The Lighthouse", joint_with=(TRUST_SLUG,)),),
        "An evening crisis café run with the trust's crisis team.",
    ),
    OrganisationSpec(
        "Money Matters Advice Centre",
        "money-matters",
        "vcse",
        _offer("debt-advice", "debt-advice"),
        "Independent advice on debt, benefits and money for everyone in the city.",
    ),
    OrganisationSpec(
        "Voice Advocacy",
        "voice-advocacy",
        "vcse",
        _offer("advocacy", "advocacy"),
        "Independent advocacy for people using mental health and social care services.",
    ),
    OrganisationSpec(
        "Age Well Brackenford",
        "age-well",
        "vcse",
        _offer("older-social", "telephone-befriending", "befriending", "older-social"),
        "A charity for older people: clubs, befriending and information.",
    ),
    OrganisationSpec(
        "Youth Space 16–25",
        "youth-space",
        "vcse",
        _offer("young-wellbeing", "lgbtq-group", "peer-support-group"),
        "A young people's mental health charity with a drop-in space in the city centre.",
    ),
    OrganisationSpec(
        "Rainbow Minds",
        "rainbow-minds",
        "vcse",
        _offer("lgbtq-group"),
        "Peer support for LGBTQ+ people living with mental health problems.",
    ),
    OrganisationSpec(
        "Welcome Here Refugee Support",
        "welcome-here",
        "vcse",
        _offer("refugee-wellbeing", "drop-in"),
        "Practical and emotional support for refugees and people seeking asylum.",
        localities=("east",),
    ),
    OrganisationSpec(
        "Kinship Community Wellbeing",
        "kinship-wellbeing",
        "vcse",
        _offer("community-wellbeing", "befriending"),
        "A community organisation supporting wellbeing in the city's South Asian, Eastern "
        "European and Arabic-speaking communities.",
        localities=("east", "south"),
    ),
    OrganisationSpec(
        "Green Roots Community Garden",
        "green-roots",
        "vcse",
        _offer("gardening", "volunteering"),
        "A therapeutic community garden and orchard by the canal.",
        localities=("west",),
    ),
    OrganisationSpec(
        "Active Minds Football",
        "active-minds-football",
        "vcse",
        _offer("football", "football"),
        "Football sessions and leagues for people using mental health services.",
        localities=("west", "south"),
    ),
    OrganisationSpec(
        "Westwood Walking for Health",
        "westwood-walking",
        "vcse",
        _offer("walking-group"),
        "Volunteer-led health walks around Westwood and Fairholme.",
        localities=("west",),
    ),
    OrganisationSpec(
        "Fairholme Neighbourhood Trust",
        "fairholme-trust",
        "vcse",
        _offer("drop-in", "pantry", "arts-group"),
        "A neighbourhood charity running the Fairholme community hub.",
        localities=("west",),
    ),
    OrganisationSpec(
        "Eastgate Community Association",
        "eastgate-community",
        "vcse",
        _offer("drop-in", "older-social", "walking-group"),
        "A residents' association with a community centre at the heart of Eastgate.",
        localities=("east",),
    ),
    OrganisationSpec(
        "Thornbury Good Neighbours",
        "thornbury-good-neighbours",
        "vcse",
        _offer("befriending", "telephone-befriending"),
        "Neighbours helping neighbours in Thornbury and Crossways.",
        localities=("east",),
    ),
    OrganisationSpec(
        "Nourish Eating Disorder Support",
        "nourish",
        "vcse",
        _offer("eating-support"),
        "Peer support for people affected by eating disorders and their families.",
    ),
    OrganisationSpec(
        "Mothers Together",
        "mothers-together",
        "vcse",
        _offer("perinatal-peer"),
        "Perinatal peer support, run by parents for parents.",
    ),
    OrganisationSpec(
        "Veterans' Wellbeing Hub",
        "veterans-hub",
        "vcse",
        _offer("veterans"),
        "A hub for armed forces veterans and their families.",
    ),
    OrganisationSpec(
        "Brackenford Hearing Voices Network",
        "hearing-voices-brackenford",
        "vcse",
        _offer("hearing-voices", "peer-support-group"),
        "Hearing voices groups across the city, part of the national network.",
        localities=("south", "west"),
    ),
    OrganisationSpec(
        "Mindful City",
        "mindful-city",
        "vcse",
        _offer("mindfulness", "complementary-therapies"),
        "Affordable mindfulness courses and complementary therapies.",
        localities=("south",),
    ),
    OrganisationSpec(
        "Step Up Volunteering",
        "step-up-volunteering",
        "vcse",
        _offer("volunteering"),
        "The city's volunteer centre, with supported placements for people in recovery.",
    ),
    OrganisationSpec(
        "Lowfields Community Kitchen",
        "lowfields-kitchen",
        "vcse",
        _offer("pantry", "drop-in"),
        "A community kitchen cooking and eating together in Lowfields.",
        localities=("south",),
    ),
    OrganisationSpec(
        "Listening Ear",
        "listening-ear",
        "vcse",
        (
            OfferedService("helpline", name="Listening Ear Helpline"),
            OfferedService("helpline", name="Listening Ear Text Support"),
        ),
        "A national charity offering a free listening service by phone and text, every day "
        "of the year.",
        reach="national",
        in_small=True,
    ),
    OrganisationSpec(
        "Carers Together UK",
        "carers-together",
        "vcse",
        (
            OfferedService("carers-advice", name="Carers Together Helpline"),
            OfferedService("carers-group", name="Carers Together Online Community"),
        ),
        "A national charity for unpaid carers: a helpline, an online community and campaigns.",
        reach="national",
    ),
)

INDEPENDENT = (
    OrganisationSpec(
        "Oakwood Counselling Partnership",
        "oakwood-counselling",
        "independent",
        _offer("counselling", "bereavement"),
        "An independent counselling practice, part-funded by the NHS to reduce waits for "
        "talking therapies.",
        charity=False,
        in_small=True,
    ),
    OrganisationSpec(
        "Harbour Supported Living",
        "harbour-supported-living",
        "independent",
        _offer("supported-accommodation", "housing-support"),
        "An independent provider of supported living for adults with mental health needs.",
        localities=("south", "east"),
        charity=False,
    ),
)


@dataclass(frozen=True)
class Archetype:
    """A kind of voluntary organisation, for the generated organisations of bench sizes."""

    name_patterns: tuple[str, ...]
    service_types: tuple[str, ...]
    description: str
    weight: int = 1
    kind: str = "vcse"


ARCHETYPES = (
    Archetype(
        ("{place} Mental Health Association", "{place} Wellbeing Centre", "{place} Mind Matters"),
        (
            "day-centre",
            "befriending",
            "counselling",
            "complementary-therapies",
            "peer-support-group",
        ),
        "A local mental health charity with a day centre, befriending and counselling.",
        weight=4,
    ),
    Archetype(
        ("{place} Befrienders", "{place} Good Neighbours", "Friends of {place}"),
        ("befriending", "telephone-befriending", "older-social"),
        "Volunteers who befriend people living with loneliness.",
        weight=5,
    ),
    Archetype(
        (
            "{place} Community Centre",
            "{place} Community Association",
            "{place} Neighbourhood Trust",
        ),
        ("drop-in", "arts-group", "walking-group", "pantry", "older-social", "womens-group"),
        "A community centre run by local people.",
        weight=8,
    ),
    Archetype(
        ("{place} Housing Support", "{place} Tenancy Trust", "{place} Homeless Project"),
        ("housing-support", "homelessness", "supported-accommodation"),
        "Housing support for people with mental health needs.",
        weight=3,
    ),
    Archetype(
        ("{place} Works", "{place} Employment Project", "Pathways to Work {place}"),
        ("employment-support", "volunteering"),
        "Help into work, training and volunteering.",
        weight=3,
    ),
    Archetype(
        ("{place} Carers", "{place} Carers' Network"),
        ("carers-advice", "carers-group", "young-carers"),
        "Support for unpaid carers.",
        weight=2,
    ),
    Archetype(
        ("{place} Advice Centre", "{place} Money Advice", "{place} Advocacy"),
        ("debt-advice", "advocacy"),
        "Independent advice and advocacy.",
        weight=3,
    ),
    Archetype(
        ("{place} Food Bank", "{place} Community Pantry", "{place} Community Kitchen"),
        ("food-bank", "pantry"),
        "Food for people in crisis and a community pantry.",
        weight=4,
    ),
    Archetype(
        ("{place} Arts for Health", "{place} Community Choir", "{place} Creative Minds"),
        ("arts-group", "choir", "creative-writing"),
        "Creative groups for wellbeing.",
        weight=4,
    ),
    Archetype(
        ("{place} Recovery Community", "{place} New Beginnings"),
        ("drug-alcohol", "recovery-peer"),
        "Recovery from drugs and alcohol, led by people in recovery.",
        weight=2,
    ),
    Archetype(
        ("St Mary's {place}", "{place} Methodist Church", "{place} Gurdwara Community Kitchen"),
        ("drop-in", "food-bank", "befriending", "refugee-wellbeing"),
        "A faith community's outreach to its neighbourhood.",
        weight=4,
    ),
    Archetype(
        ("{place} Active Minds", "{place} Football for Wellbeing", "{place} Walkers"),
        ("football", "walking-group", "gardening"),
        "Sport and activity for mental health.",
        weight=3,
    ),
    Archetype(
        ("{place} Youth Project", "{place} Young People's Space"),
        ("young-wellbeing", "lgbtq-group", "young-carers"),
        "A youth charity supporting young people's mental health.",
        weight=2,
    ),
    Archetype(
        ("{place} Women's Centre",),
        ("womens-group", "domestic-abuse", "counselling"),
        "A women's centre offering groups, counselling and support.",
        weight=2,
    ),
    Archetype(
        ("{place} Bereavement Support",),
        ("bereavement", "suicide-bereavement"),
        "Bereavement support for adults.",
        weight=1,
    ),
    Archetype(
        ("{place} Peer Support Network", "{place} Hearing Voices Group", "{place} Survivors"),
        ("peer-support-group", "hearing-voices", "eating-support", "perinatal-peer"),
        "A user-led peer support organisation.",
        weight=3,
    ),
    Archetype(
        ("{place} Counselling", "{place} Therapy Centre"),
        ("counselling", "smi-counselling", "mindfulness"),
        "An independent counselling and therapy provider.",
        weight=2,
        kind="independent",
    ),
    Archetype(
        ("{place} Supported Living",),
        ("supported-accommodation", "housing-support"),
        "An independent provider of supported living.",
        weight=1,
        kind="independent",
    ),
)

TRUST_NAME_PATTERNS = (
    "{place} and District NHS Mental Health Trust",
    "{place} NHS Foundation Trust",
    "{place} Community Health NHS Trust",
)
TRUST_WIDE_SERVICE_TYPES = (
    "crisis-team",
    "crisis-line",
    "liaison",
    "eip",
    "older-cmht",
    "talking-therapies",
    "ips",
)
GP_NAME_PATTERNS = (
    "{place} Medical Practice",
    "{place} Surgery",
    "{place} Health Centre",
    "{place} Family Practice",
    "The {place} Practice",
)
GP_SERVICE_TYPES = ("gp-mh-practitioner", "gp-social-prescribing", "gp-smi-review")
