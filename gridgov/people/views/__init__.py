"""The registry's pages, one module per page or family of pages; each view is thin: it parses with a form,
acts through gridgov.people.services and renders. Scope always comes from restrict()."""
