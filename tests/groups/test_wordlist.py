"""The word list holds against the usual ways round it, and never catches innocent words (Scunthorpe).

The corpus is in the tests, as the issue asks: variants that must be held back, innocent sentences that
must pass, and what the matcher still lets through (kept here so a change that closes a gap shows up).
"""

import time

import pytest

from groups import texts
from groups.wordlist import entries, matched_word

DEFAULT = entries(texts.DEFAULT_WORD_LIST)

# (message, the entry it must be held back for). Where two entries share a stem ("microdose", "microdosing"),
# the longer one is named.
HELD_BACK = [
    # Case and punctuation around the word.
    ("I tried microdosing last year", "microdosing"),
    ("MICRODOSING changed my life", "microdosing"),
    ("MicroDosing, honestly", "microdosing"),
    ("(microdosing)", "microdosing"),
    ("microdosing!", "microdosing"),
    ("'microdosing'", "microdosing"),
    ("“microdosing”", "microdosing"),
    ("microdosing's great", "microdosing"),
    # Hyphens, spaces and dots inside the word.
    ("micro-dosing works", "microdosing"),
    ("micro dosing works", "microdosing"),
    ("micro  dosing", "microdosing"),
    ("micro_dosing", "microdosing"),
    ("m.i.c.r.o.d.o.s.i.n.g", "microdosing"),
    ("m i c r o d o s i n g", "microdosing"),
    ("micro-dose it", "microdosing"),
    ("micro dose", "microdosing"),
    ("ket-amine", "ketamine"),
    ("k e t a m i n e", "ketamine"),
    ("ayahu-asca retreat", "ayahuasca"),
    ("psilo cybin", "psilocybin"),
    ("magic-mushrooms", "magic mushrooms"),
    ("magicmushrooms", "magic mushrooms"),
    ("Magic   Mushrooms", "magic mushrooms"),
    ("magic\nmushrooms", "magic mushrooms"),
    # Repeated letters.
    ("ketaaaamine", "ketamine"),
    ("kkkketamine", "ketamine"),
    ("microdosinggg", "microdosing"),
    ("psychooo", "psycho"),
    ("schiiizo", "schizo"),
    ("trannny", "tranny"),
    ("retaaarded", "retarded"),
    ("magic mushroooms", "magic mushrooms"),
    # Endings.
    ("I microdosed for a month", "microdosing"),
    ("she microdoses", "microdosing"),
    ("microdoser here", "microdosing"),
    ("fellow microdosers", "microdosing"),
    ("ketamines", "ketamine"),
    ("a magic mushroom", "magic mushrooms"),
    ("you psychos", "psycho"),
    ("retards", "retarded"),
    ("retarded", "retarded"),
    ("spastics", "spastic"),
    ("pakis", "paki"),
    ("schizos", "schizo"),
    ("psilocybins", "psilocybin"),
    # Leetspeak digits and symbols.
    ("k3t4m1n3", "ketamine"),
    ("ket4mine", "ketamine"),
    ("m1crod0sing", "microdosing"),
    ("micr0d0s1ng", "microdosing"),
    ("p$ycho", "psycho"),
    ("p5ycho", "psycho"),
    ("psych0", "psycho"),
    ("sch1zo", "schizo"),
    ("schi2o", "schizo"),
    ("r3tard", "retarded"),
    ("r3t4rd3d", "retarded"),
    ("5pastic", "spastic"),
    ("spas7ic", "spastic"),
    ("p4ki", "paki"),
    ("m@gic mushr00ms", "magic mushrooms"),
    ("ay@hu@sc@", "ayahuasca"),
    ("ps1l0cyb1n", "psilocybin"),
    ("k3t-4-m1ne", "ketamine"),
    ("k-e-t--a-m-i-n-e", "ketamine"),
    ("ket@mine", "ketamine"),
    ("r-e-t-a-r-d", "retarded"),
    ("pak1", "paki"),
    ("keta mine", "ketamine"),
    ("m1cro-d0s3d", "microdosing"),
    # Accents, full-width letters and invisible characters.
    ("kétamine", "ketamine"),
    ("\uff4b\uff45\uff54\uff41\uff4d\uff49\uff4e\uff45", "ketamine"),  # full-width
    ("\u24da\u24d4\u24e3\u24d0\u24dc\u24d8\u24dd\u24d4", "ketamine"),  # circled
    ("keta\u200bmine", "ketamine"),
    ("micro\u00addosing", "microdosing"),
    # Inside a longer message.
    ("Has anyone here tried micro-dosing for anxiety? Asking for a friend.", "microdosing"),
    ("My cousin swears by ketaaamine infusions", "ketamine"),
    ("Don't be such a psycho about it", "psycho"),
    ("He called me a r3tard at work today", "retarded"),
]

# Innocent sentences that contain a listed word inside another, or near it: they must pass.
INNOCENT = [
    "My family is from Pakistan.",
    "We had Pakistani food for dinner.",
    "I've started seeing a psychologist.",
    "Psychology was my favourite subject.",
    "My psychotherapist is lovely.",
    "Psychosis is part of my diagnosis.",
    "I was diagnosed with schizophrenia in 2019.",
    "Schizoaffective disorder is hard to explain.",
    "The sofa is treated with flame retardant.",
    "Fire retardants are in most furniture.",
    "My car's transmission broke down.",
    "Spasticity in my legs is worse in winter.",
    "I lowered my dose of sertraline.",
    "The doctor changed the dosage.",
    "We used a microscope at school.",
    "My microwave broke.",
    "Mushrooms on toast for breakfast.",
    "The magic of a good night's sleep.",
    "I love magic tricks, and I had mushrooms for lunch.",
    "My therapist says I'm doing well.",
    "Scunthorpe is where I grew up.",
    "The cat knocked over a vase.",
    "Ketchup on everything.",
    "I was a micro-manager at work.",
    "Retardation of growth was mentioned in the report.",
    "A spa kit for my birthday!",
    "I'm going to the spa, kind of nervous.",
    "She's a psych nurse.",
    "Trans rights are human rights.",
    "We watched Psycho, the Hitchcock film... no wait, Vertigo.",
    "Microsoft Teams keeps crashing.",
    "I dosed off during the film.",
    "Amine groups in chemistry class.",
    "Cyber security is my job.",
    "A pakora and a samosa, please.",
    "The word list exists for a reason.",
    "I'm 100% better than last week.",
    "Thank you all, this helped.",
    "l33t speak is fun.",
    "Schools are closed tomorrow.",
    "My GP prescribed something new.",
    "The mushroom soup was magic, honestly.",
    "Microdots of light in my vision.",
    "Retarget the ads, said my boss.",
]
# Innocent, but held back all the same: the listed word itself stands as a word (known trade-offs).
KNOWN_FALSE_ALARMS = [
    "We watched Psycho, the Hitchcock film... no wait, Vertigo.",
    "The Paki-stan border was on the news.",
]
for sentence in KNOWN_FALSE_ALARMS:
    if sentence in INNOCENT:
        INNOCENT.remove(sentence)

# What the matcher still lets through: known gaps, pinned so that closing one is noticed.
STILL_LETS_THROUGH = [
    "mikrodosing",  # a spelling that sounds the same (k for c)
    "psyko",
    "skitzo",
    "micr0d0z1ng",  # z for s
    "k3tamin3z",  # an ending the matcher does not know (-z)
    "tranies",  # a doubled letter written once
    "k\u0435tamine",  # a Cyrillic ie that looks like a Latin "e"
    "shrooms",  # slang that is not on the list: leaders add it to their group's list
    "magic shrooms",
    "spaz",
    "ket",
]


@pytest.mark.parametrize(("text", "entry"), HELD_BACK)
def test_variants_of_a_listed_word_are_held_back(text, entry):
    assert matched_word(text, DEFAULT) == entry


@pytest.mark.parametrize("text", INNOCENT)
def test_innocent_sentences_pass(text):
    assert matched_word(text, DEFAULT) is None


def test_the_corpus_is_a_real_corpus():
    assert len(HELD_BACK) >= 70 and len(INNOCENT) >= 40


def test_what_it_still_lets_through():
    assert [text for text in STILL_LETS_THROUGH if matched_word(text, DEFAULT) is None] == STILL_LETS_THROUGH


def test_known_false_alarms_are_still_held_back():
    assert [matched_word(text, DEFAULT) for text in KNOWN_FALSE_ALARMS] == ["psycho", "paki"]


def test_a_groups_own_entries_and_phrases_work_too():
    words = entries("Bloody Hell\n\n  crypto  \nself-medicating\n")
    assert words == ["bloody hell", "crypto", "self-medicating"]
    assert matched_word("oh bloody-hell", words) == "bloody hell"
    assert matched_word("selfmedicating again", words) == "self-medicating"
    assert matched_word("cryptography lecture", words) is None
    assert matched_word("CRYPT0S", words) == "crypto"


def test_a_short_entry_never_shrinks_into_an_everyday_word():
    assert matched_word("let us go", ["used"]) is None
    assert matched_word("I used to", ["used"]) == "used"


def test_an_empty_list_or_blank_entries_hold_nothing_back():
    assert matched_word("anything", []) is None
    assert matched_word("anything", ["", "  ", "--"]) is None


def test_a_long_hostile_message_is_matched_quickly():
    text = ("k3t " * 400 + "a" * 400)[:2000]
    started = time.perf_counter()
    assert matched_word(text, DEFAULT) is None
    assert time.perf_counter() - started < 0.5
