"""The four ONS personal wellbeing questions (ONS4), word for word, and the credit the ONS asks for.

Free to use with attribution (docs/operations.md: tell the ONS you use them). Not clinical: no score, no
threshold, no advice is drawn from the answers; the member sees their own, the charity only averages.
"""

# (key, question): the keys are what the encrypted record stores; never reorder or rename them.
QUESTIONS: list[tuple[str, str]] = [
    ("satisfied", "Overall, how satisfied are you with your life nowadays?"),
    ("worthwhile", "Overall, to what extent do you feel that the things you do in your life are worthwhile?"),
    ("happy", "Overall, how happy did you feel yesterday?"),
    ("anxious", "Overall, how anxious did you feel yesterday?"),
]

# Short names for tables and charts.
SHORT: dict[str, str] = {
    "satisfied": "Life satisfaction",
    "worthwhile": "Things I do are worthwhile",
    "happy": "Happy yesterday",
    "anxious": "Anxious yesterday",
}

SCALE = "Answer on a scale of 0 to 10, where 0 is “not at all” and 10 is “completely”."
LOWER_IS_BETTER = "anxious"

ATTRIBUTION = (
    "These are the personal well-being questions of the Office for National Statistics (ONS4), used with thanks. "
    "Source: Office for National Statistics, licensed under the Open Government Licence v3.0."
)
