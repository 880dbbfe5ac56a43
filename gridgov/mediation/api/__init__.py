"""The mediation API: disputes and their ladder, clues, agreements, village consultations."""

from ninja import Router

from gridgov.mediation.api import agreements, clues, consultations, disputes, sessions

router = Router(tags=["mediation"])
router.add_router("/", disputes.router)
router.add_router("/", sessions.router)
router.add_router("/", agreements.router)
router.add_router("/", clues.router)
router.add_router("/", consultations.router)

__all__ = ["router"]
