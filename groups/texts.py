"""The app's default principles, guidelines and chat word list, written in our own words.

Trustees can replace them with the charity's wording: each group's guidelines are versioned
in the admin and by leaders (see GuidelinesVersion).
"""

PRINCIPLES = [
    ("Trust", "Feeling safe in the group, and confident that what is shared here stays here."),
    ("Hope", "Believing that each of us can move towards the goals that matter to us."),
    ("Diversity", "Our experiences, views and opinions differ, and we value those differences."),
    ("Empathy", "We try to understand, and to share, what others are feeling."),
    ("Mutual benefit", "We share, and encourage others to share, so that we all give and receive support."),
]

PRINCIPLES_TEXT = "\n".join(f"{name}: {text}" for name, text in PRINCIPLES)

GUIDELINES_TEXT = """\
Safety
Each of us looks after our own safety in the group. Some people talk about today, others about things \
that happened long ago. If something said feels unsettling, it is fine to say you found it triggering: \
use the "I found that triggering" button, which tells only the leaders. If you step out or leave early, \
let the leaders know with "I'm stepping out" or the check-in when you leave, so we know you are safe.

Taking part
Nobody has to talk. Sometimes just being with people who understand is enough, and "Pass" is always \
fine. Everyone should get a chance to speak. If you would rather keep your camera off, please tell the \
leaders beforehand and why; we will be understanding.

Respect
We are all here for support and to learn from each other, and our experiences and views differ. Talk \
with people, not over them, and offer support rather than advice. If you cannot use the chat, the \
raised hand tells the leaders you would like to speak. This group is inclusive: offensive or \
discriminatory language may mean being asked to leave.

Confidentiality
What is shared in the group belongs to the group. You may talk about the topics with your therapist, \
but please do not share anything that could identify another member.

Concerns
If the topics raised, or someone in the group, worry you, you can message the leaders at any time, \
during a session or outside one. We keep these conversations confidential unless the law requires otherwise.

Safeguarding
If something shared suggests that someone, you or another adult or a child, may be at risk of harm, \
we follow our safeguarding policy. We will talk with you privately about it and about the options. We \
keep your contact details securely, as data protection law requires, and share them only with your \
permission, or where the law or safeguarding requires it.

Attending
Come for as long as the group helps you: there is no time limit. We suggest trying a few sessions, as \
every meeting is different, with a wide range of topics and guest speakers.

Online safety
The meeting link is only for this group: please never share it with anyone. Join from a private space \
where nobody else can hear the group. We do not record sessions or save chats (unless everyone has \
agreed beforehand), and please do not record, save chats or take screenshots yourself.

Being asked to leave
We all keep the group safe and supportive. Occasionally we may need to ask someone to leave, for a \
while or for good. A one-to-one conversation often resolves things, and we always aim to welcome \
people back where we can. Reasons include abusive or offensive language, repeatedly talking over \
others, talking about topics others find distressing, a risk to other members, a complaint from \
another member, or talking about unhealthy coping methods or unproven treatments (such as microdosing \
or illegal drugs).
"""

# Held-back chat: offensive or discriminatory language and unproven or illegal "treatments".
# Each group starts with this list. Its leaders change it on the group's settings page (groups:room_settings,
# audited) and trustees in the admin; one word or phrase a line, matched as groups/wordlist.py says.
DEFAULT_WORD_LIST = """\
microdosing
microdose
psilocybin
magic mushrooms
ayahuasca
ketamine
retard
retarded
psycho
schizo
tranny
faggot
nigger
paki
spastic
"""
