"""The apps the platform fixtures mount: every registered app."""

from casebook.apps import ALL_APPS

TEST_APPS = ALL_APPS
