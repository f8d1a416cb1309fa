from certification.adapters.orm import metadata
from svckit.migrations import run_env

run_env(metadata)
