"""Services: adapters between the core and the outside world (theme files, the file watcher, git).

Each service may import heavy libraries (textual, watchfiles); `pulseboard.core` and the CLI's plain
commands never import this package.
"""
