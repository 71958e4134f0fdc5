"""The demo province `make run` loads: an organiser, its departments and communes, one
account per role. Loading twice changes nothing. Later parts of the cycle add to it through
DEMO_STEPS."""
