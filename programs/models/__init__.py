"""What the province does and what it achieved (DESIGN §3), one module per part:

- ``training``: courses, sessions, enrolments and attendance;
- ``support``: the expert team and the support given to enterprises, by funding source;
- ``plans``: yearly plans and period targets per indicator, and values entered by hand;
- ``reports``: the yearly report's words and builds, a leader's approval, dashboard summaries.

The indicators themselves are definitions in code (``programs/indicators``), computed by the
database from these records and those of ``enterprises`` and ``standards``.
"""

from .plans import AnnualPlan, ManualIndicatorValue, StaffOnlyQuerySet, Target
from .reports import (
    ApprovalState,
    IndicatorSummary,
    ReportNarrative,
    ReportRun,
    ReportRunQuerySet,
    SummaryState,
    YearApproval,
)
from .support import (
    Expert,
    ExpertQuerySet,
    SupportActivity,
    SupportActivityQuerySet,
    SupportExportJob,
    SupportFunding,
)
from .training import (
    Attendance,
    CourseSession,
    Enrollment,
    EnrollmentExportJob,
    EnrollmentQuerySet,
    TrainingCourse,
    TrainingCourseQuerySet,
)

__all__ = [
    "AnnualPlan",
    "ApprovalState",
    "Attendance",
    "CourseSession",
    "Enrollment",
    "EnrollmentExportJob",
    "EnrollmentQuerySet",
    "Expert",
    "ExpertQuerySet",
    "IndicatorSummary",
    "ManualIndicatorValue",
    "ReportNarrative",
    "ReportRun",
    "ReportRunQuerySet",
    "StaffOnlyQuerySet",
    "SummaryState",
    "SupportActivity",
    "SupportActivityQuerySet",
    "SupportExportJob",
    "SupportFunding",
    "Target",
    "TrainingCourse",
    "TrainingCourseQuerySet",
    "YearApproval",
]
