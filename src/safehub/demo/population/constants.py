"""The knobs of the synthetic population, in one place so a benchmark can cite them.

Every probability here is per record (or per household, where it says so). They were chosen to
look like what a council's children's services index holds after years of contacts from several
agencies: mostly clean records, some typed in a hurry, some from before a marriage or a move.
"""

from datetime import date

# Ages are computed against a fixed date, not today, so a seed gives the same file on any day.
REFERENCE_DATE = date(2026, 4, 1)

ADULT_MIN_AGE, ADULT_MAX_AGE = 18, 80
CHILD_MAX_AGE = 17
# Children get a Unique Pupil Number when they first join a school in England (reception, age 4).
SCHOOL_START_AGE = 4
# Youngest age gap between a parent and their child in a generated household.
PARENT_MIN_GAP = 16

# Household shape: how many adults (weights for 1, 2, 3) and how many children (weights for 0..4).
ADULT_COUNT_WEIGHTS = (35, 60, 5)
CHILD_COUNT_WEIGHTS = (40, 20, 22, 12, 6)
# A second adult who keeps their own surname (unmarried partner, step-parent).
PARTNER_OWN_SURNAME = 0.25
# Two children of a household born on the same day: the hard case for a matcher.
TWIN_PROBABILITY = 0.02
# A person whose sex is recorded as unknown ("U") in the truth itself.
SEX_UNKNOWN_TRUE = 0.005

# What the first (primary) record of a person holds: agencies do not always know every identifier.
PRIMARY_HAS_NHS_NUMBER = 0.9
PRIMARY_HAS_UPN = 0.9

# Corruption of a duplicate record, each kind drawn independently (where it can apply: a swap
# needs a day of 12 or less that differs from the month; a nickname needs a name in the map).
DUPLICATE_CORRUPTION = {
    "typo_given": 0.12,
    "typo_family": 0.12,
    "nickname": 0.10,
    "dob_swap": 0.10,
    "surname_change": 0.06,
    "address_change": 0.15,
    "sex_unknown": 0.02,
    "dob_missing": 0.03,
    "nhs_missing": 0.30,
    "upn_missing": 0.30,
}
# Queries are what a practitioner types at the front door: more often without identifiers.
QUERY_CORRUPTION = {
    **DUPLICATE_CORRUPTION,
    "nhs_missing": 0.50,
    "upn_missing": 0.60,
}
# Omissions only remove a field; the other kinds change what is there.
OMISSIONS = frozenset({"dob_missing", "nhs_missing", "upn_missing"})
# At most this many changing corruptions per record (omissions are not counted), so that a person
# stays recognisable to a human reading both records: the benchmark asks for findable people.
MAX_CHANGES = 3
# A query of a person in the index always carries at least one change; drawn by these weights.
FORCED_CHANGE_WEIGHTS = {
    "typo_given": 3,
    "typo_family": 3,
    "nickname": 1,
    "dob_swap": 1,
    "address_change": 2,
}
# Typos are one edit at a letter after the first (first letters are rarely mistyped).
TYPO_EDITS = ("insert", "delete", "substitute", "transpose")
# A changed surname is double-barrelled this often (the new family name joined to the old).
DOUBLE_BARREL = 0.2

# A duplicate record comes from another agency at another time: it is written up to this many
# records after the person's first one, so file order does not give the answer away.
REORDER_WINDOW = 5000

# Pool sizes drawn once per seed from Faker: households share a locality (street, town, postcode);
# about a dozen households per postcode, as in real postcodes, at a million people.
LOCALITY_POOL = 30_000
TOWN_POOL = 400
BUILDING_NUMBER_MAX = 300

# Nicknames, both ways: a record may say "Bill" for William or "William" for Bill.
NICKNAMES = (
    ("William", "Bill"),
    ("William", "Will"),
    ("William", "Billy"),
    ("Elizabeth", "Liz"),
    ("Elizabeth", "Beth"),
    ("Robert", "Bob"),
    ("Robert", "Rob"),
    ("Richard", "Rich"),
    ("James", "Jim"),
    ("James", "Jamie"),
    ("John", "Jack"),
    ("Thomas", "Tom"),
    ("Edward", "Ted"),
    ("Edward", "Ed"),
    ("Christopher", "Chris"),
    ("Michael", "Mike"),
    ("Daniel", "Dan"),
    ("Daniel", "Danny"),
    ("Joseph", "Joe"),
    ("Samuel", "Sam"),
    ("Benjamin", "Ben"),
    ("Alexander", "Alex"),
    ("Nicholas", "Nick"),
    ("Anthony", "Tony"),
    ("Jonathan", "Jon"),
    ("Matthew", "Matt"),
    ("Andrew", "Andy"),
    ("Stephen", "Steve"),
    ("David", "Dave"),
    ("Peter", "Pete"),
    ("Timothy", "Tim"),
    ("Kenneth", "Ken"),
    ("Raymond", "Ray"),
    ("Terence", "Terry"),
    ("Henry", "Harry"),
    ("Charles", "Charlie"),
    ("Frederick", "Fred"),
    ("Leonard", "Len"),
    ("Gregory", "Greg"),
    ("Joshua", "Josh"),
    ("Philip", "Phil"),
    ("Ronald", "Ron"),
    ("Susan", "Sue"),
    ("Rebecca", "Becky"),
    ("Margaret", "Maggie"),
    ("Margaret", "Peggy"),
    ("Jacqueline", "Jackie"),
    ("Deborah", "Debbie"),
    ("Patricia", "Pat"),
    ("Victoria", "Vicky"),
    ("Samantha", "Sam"),
    ("Jennifer", "Jenny"),
    ("Catherine", "Cathy"),
    ("Katherine", "Kate"),
    ("Katherine", "Katie"),
    ("Abigail", "Abby"),
    ("Jessica", "Jess"),
    ("Alexandra", "Alex"),
    ("Pamela", "Pam"),
    ("Stephanie", "Steph"),
    ("Joanne", "Jo"),
    ("Nicola", "Nicky"),
    ("Amanda", "Mandy"),
    ("Kimberley", "Kim"),
    ("Eleanor", "Ellie"),
    ("Charlotte", "Lottie"),
)

# NHS numbers come from the range the NHS never issues (900 000 0000 to 999 999 9999), split so
# that people in the index and people made up for "not in the index" queries can never share one.
NHS_INDEX_RANGE = (9_000_000_000, 9_899_999_999)
NHS_OUTSIDER_RANGE = (9_900_000_000, 9_999_999_999)
# UPNs carry a three-digit local authority number; real ones run 201 to 938. Synthetic people get
# numbers no authority has: 980-989 for the index, 999 for people not in it.
UPN_INDEX_LA_BASE = 980
UPN_OUTSIDER_LA = 999
