"""The pytest hooks of ``--af-prof``: a plugin object registered only when profiling is asked for.

With the flags off nothing of this runs: no hook, no listener, no wrapper around any test.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from .. import events
from .profiler import Profile, render, write_json

#: The key of a pytest-xdist worker's profile in its ``workeroutput``.
PROFILE_OUTPUT = "asyncfactories_profile"


class ProfilerPlugin:
    """Records every factory call of the run and reports it at the end."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.profile = Profile()

    def pytest_sessionstart(self) -> None:
        """Listen from the first fixture on."""
        events.subscribe(self.profile)

    def pytest_sessionfinish(self) -> None:
        """A pytest-xdist worker hands its profile to the controller; elsewhere the JSON is written."""
        events.unsubscribe(self.profile)
        if hasattr(self.config, "workeroutput"):
            self.config.workeroutput[PROFILE_OUTPUT] = self.profile.to_data()
        elif self.config.getoption("af_prof_json"):
            write_json(self.profile, self.config.getoption("af_prof_json"))

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Generator[None, object, object]:
        """The factory calls made while the test runs (fixtures included) are its."""
        with self.profile.test(item.nodeid):
            return (yield)

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: object) -> None:
        """pytest-xdist's controller: add a finished worker's profile to the run's."""
        data = getattr(node, "workeroutput", {}).get(PROFILE_OUTPUT)
        if data is not None:
            self.profile.merge(data)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        """``--af-prof``: the report, after the tests' summary."""
        if not self.config.getoption("af_prof") or hasattr(self.config, "workeroutput"):
            return
        terminalreporter.write_sep("-", "asyncfactories profile (--af-prof)")
        for line in render(self.profile.report()):
            terminalreporter.write_line(line)
