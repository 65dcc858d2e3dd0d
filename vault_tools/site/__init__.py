"""The private site: the `vault` MkDocs plugin (a thin adapter over the library), the leak scan,
and the build and serve entry points used by `vault-tools build` and `vault-tools serve`."""
