"""The ticket domain: the state machine and the only code that changes a ticket (``tickets``),
request categories, the duty roster, routing of new tickets and the chasing rules.

Knows the config and storage; knows nothing of chat platforms, wording or the runtime loop.
"""
