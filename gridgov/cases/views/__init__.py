"""The case pages: inbox, case page and its actions, intake forms, the resident's pages."""
