"""``ascolto demo``: the real bot, a scripted community and a simulated Discord.

``community`` is the script (who says what, when), ``stage`` plays it against SimCord,
``capture`` keeps what the bot posted as SimCord saw it, and ``page`` writes the
transcript. The bot itself is the one ``ascolto run`` starts, unchanged.
"""
