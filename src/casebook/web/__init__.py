"""The web shell: landing page, layout, sign-in pages and the vendored static assets."""
