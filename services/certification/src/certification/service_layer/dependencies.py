"""What every use case of certification is given, bound once by bootstrap: the unit of work, the clock, the ids,
the limits on failed attempts and the code generators (fakes in unit tests)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from certification.domain import codes
from certification.domain.limits import JoiningLimits
from certification.service_layer.unit_of_work import CertificationUnitOfWork

# The version of the test's configuration (32 questions, the IRT rules, the scoring scale) a course
# started now is sat under; assessment maps it to the configuration (certification.course.started.v1).
TEST_CONFIGURATION_VERSION = 1


@dataclass(frozen=True)
class Dependencies:
    uow: Callable[[], CertificationUnitOfWork]
    now: Callable[[], datetime]
    new_id: Callable[[], UUID]
    limits: JoiningLimits = JoiningLimits()
    verification_code: Callable[[], str] = codes.verification_code
    access_code: Callable[[], str] = codes.access_code
    invigilator_password: Callable[[], str] = codes.invigilator_password
    configuration_version: int = TEST_CONFIGURATION_VERSION
