# English pages keep the dd/mm/yyyy dates and the VND separators users know from the Vietnamese.
from laichau_nsc.formats.vi.formats import *  # noqa: F403
