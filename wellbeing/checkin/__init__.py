"""The ONS4 personal wellbeing check-in a group may choose (issue 19): once a month, before the room, skippable."""
