"""The demo province `make run` loads: an organiser, its departments and communes, one account
per role, both illustrative criteria sets, the 2025 campaign, assessments in varied states and
evidence documents; the `demo_load` and `demo_accounts` commands. Loading twice changes nothing.
Demo modules build on the domain apps' services; no domain app imports them."""
