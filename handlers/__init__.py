"""What the bot does with a message. Each handler returns the messages it wants sent.

A handler returns None when the message is not for it (the dispatcher tries the next), and
a list, possibly empty, when it took the message.
"""
