"""What the province does and what it achieved (DESIGN §3), one module per part:

- ``training``: courses, sessions, enrolments and attendance;
- ``support``: the expert team and the support given to enterprises, by funding source;
- ``plans``: yearly plans and period targets per indicator, and values entered by hand.

The indicators themselves are definitions in code (``programs/indicators``), computed by the
database from these records and those of ``enterprises`` and ``standards``.
"""

from .plans import AnnualPlan, ManualIndicatorValue, StaffOnlyQuerySet, Target
from .support import (
    Expert,
    ExpertQuerySet,
    SupportActivity,
    SupportActivityQuerySet,
    SupportFunding,
)
from .training import (
    Attendance,
    CourseSession,
    Enrollment,
    EnrollmentQuerySet,
    TrainingCourse,
    TrainingCourseQuerySet,
)

__all__ = [
    "AnnualPlan",
    "Attendance",
    "CourseSession",
    "Enrollment",
    "EnrollmentQuerySet",
    "Expert",
    "ExpertQuerySet",
    "ManualIndicatorValue",
    "StaffOnlyQuerySet",
    "SupportActivity",
    "SupportActivityQuerySet",
    "SupportFunding",
    "Target",
    "TrainingCourse",
    "TrainingCourseQuerySet",
]
