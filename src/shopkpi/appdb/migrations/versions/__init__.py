"""Migration scripts, oldest first. Append new ones; never edit a released one."""
