from ninja import Router

from gridgov.people.api import figures, places, residents

router = Router(tags=["registry"])
router.add_router("/", places.router)
router.add_router("/", residents.router)
router.add_router("/", figures.router)

__all__ = ["router"]
