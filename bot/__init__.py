"""GridBot (网格助手): turns residents' group messages into tickets for grid workers."""

__version__ = "0.1.0"
