from ninja import Router

from gridgov.cases.api import cases, channels, figures

router = Router(tags=["cases"])
router.add_router("/", cases.router)
router.add_router("/", channels.router)
router.add_router("/", figures.router)

__all__ = ["router"]
