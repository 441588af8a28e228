"""What the accounts app tells the rest of the site, which listens (imports point down)."""

from django.dispatch import Signal

# A member's public profile changed (name, role, organisation): sent inside the transaction
# of the write, with `user`. Pages that show members beside what they wrote listen for it
# (practices/apps.py drops what the cache keeps of them).
profile_changed = Signal()
