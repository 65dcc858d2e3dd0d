"""`vault-tools git`: the hooks and merge driver that keep a vault's generated blocks out of
merge conflicts (`hooks`: install and remove them; `sync`: the merge driver itself)."""
