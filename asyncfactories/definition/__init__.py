"""Defining a factory class: the metaclass, ``Meta`` options and their aliases, the model check
and states. Runs once per class, when it is defined (the model check's deferred part on first use)."""
