from ninja import Router

from gridgov.cases.api import cases, channels

router = Router(tags=["cases"])
router.add_router("/", cases.router)
router.add_router("/", channels.router)

__all__ = ["router"]
