from portal.views.common import home, job_progress, overview, recompute_start
from portal.views.coordinator import (
    duplicates,
    employer_detail,
    employer_list,
    import_employers,
    import_job,
    next_step_done,
    next_steps,
    profile_edit,
    profile_transition,
)
from portal.views.employer import employer_confirm_followup, employer_home, employer_request_profile
from portal.views.guide import (
    followup_record_view,
    followups,
    ocn_certificate,
    participant_detail,
    participant_list,
)

__all__ = [
    "duplicates",
    "employer_confirm_followup",
    "employer_detail",
    "employer_home",
    "employer_list",
    "employer_request_profile",
    "followup_record_view",
    "followups",
    "home",
    "import_employers",
    "import_job",
    "job_progress",
    "next_step_done",
    "next_steps",
    "ocn_certificate",
    "overview",
    "participant_detail",
    "participant_list",
    "profile_edit",
    "profile_transition",
    "recompute_start",
]
