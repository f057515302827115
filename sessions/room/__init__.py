"""The live room: one session's shared space while it runs, and the leaders' dashboard beside it.

protocol       both directions' messages (one schema each) and the leaving check-in's choices
models         who is in the room, their open sockets, the leaders' alert inbox (tables of `sessions`)
admission      who may be in the room, checked on the page, at connect and before every action
seat_query     the one query that re-reads someone's place before every action, built once
outcome        what an action produces: messages to deliver after commit, and the answer
snapshot       the room as the pages see it: the leaders' snapshot, a member's own state
presence       coming in, heartbeats, going out, and the welfare prompts for those stepped out too long
member_actions what a member can do (and the check-in after the end)
leader_actions what a leader can do
dispatch       one entry point for every action, however it arrives
limit          one rate limit per person per session, across sockets and HTTP
consumer       the websocket (thin: parse, dispatch, deliver)
views          the room page, the dashboard, and their plain-HTTP fallbacks

docs/architecture.md ("The room") follows one raised hand through these files.
"""
