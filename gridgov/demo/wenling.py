"""The demo map: Taiping (太平街道) and Chengxi (城西街道) in Wenling, Zhejiang.

The shapes are invented (seeded noise, Voronoi cells), but the sizes, counts, names and codes
follow what a real Wenling sub-district looks like, so demos and screenshots read plausibly.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely

from gridgov.demo.geometry import KM_PER_DEG_LAT, LocalProjection, apportion, noisy_outline
from gridgov.demo.mapspec import MapSpec
from gridgov.demo.organic import TownPlan, build_map

WENLING = "331081"  # GB/T 2260 code of Wenling (温岭市)
TAIPING = WENLING + "001"
CHENGXI = WENLING + "003"

TAIPING_CENTRE = (121.370, 28.372)
CHENGXI_CENTRE = (121.310, 28.370)

TAIPING_GRIDS = 255
TAIPING_ZONES = 14
CHENGXI_ZONES = 5

TAIPING_COMMUNITIES = (
    "东辉社区",
    "西园社区",
    "南屏社区",
    "北山社区",
    "锦屏社区",
    "九龙社区",
    "横湖社区",
    "万寿社区",
    "方山社区",
    "龙门社区",
)
TAIPING_VILLAGES = (
    "肖泉村",
    "三星村",
    "上保村",
    "下保村",
    "塘岙村",
    "前洋村",
    "楼山村",
    "湖漫村",
    "双门村",
    "青屿村",
    "殿前村",
    "陈岙村",
    "里洋村",
    "新屋村",
)
CHENGXI_VILLAGES = (
    "渭川村",
    "吴山村",
    "前山村",
    "横山村",
    "塘下村",
    "王城村",
    "大岙村",
    "林岙村",
    "山前村",
    "岩头村",
    "坦头村",
    "溪口村",
    "湖头村",
    "洋屿村",
    "金竹村",
    "白岩村",
    "上林村",
    "下林村",
    "石门村",
    "后岙村",
)

# Fixed seeds: the demo must be byte-identical on every load so links and fixtures stay stable.
_OUTLINE_SEED = 331081
_TAIPING_SEED = 331081001
_CHENGXI_SEED = 331081003


def _taiping_grid_counts(areas: Sequence[float]) -> list[int]:
    return apportion(areas, TAIPING_GRIDS, minimum=3)


def _chengxi_grid_counts(areas: Sequence[float]) -> list[int]:
    # Rural villages: 3 grids for the smallest, up to 6 for the largest.
    lo, hi = min(areas), max(areas)
    span = (hi - lo) or 1.0
    return [3 + round(3 * (a - lo) / span) for a in areas]


def wenling_map() -> MapSpec:
    """Deterministic demo map: Taiping (24 villages, 255 grids, 14 police zones) and Chengxi
    (20 villages, 3-6 grids each, 5 police zones), sharing a border."""
    projection = LocalProjection(*TAIPING_CENTRE)
    rng = np.random.default_rng(_OUTLINE_SEED)
    # About 7 km east-west by 6 km north-south, centred on the old town.
    taiping = noisy_outline(0.0, 0.0, 3.5, 3.0, rng)
    cx = (CHENGXI_CENTRE[0] - TAIPING_CENTRE[0]) * projection.km_per_deg_lng
    cy = (CHENGXI_CENTRE[1] - TAIPING_CENTRE[1]) * KM_PER_DEG_LAT
    # Chengxi is drawn overlapping and then cut back, so the two share a real border.
    raw = shapely.difference(noisy_outline(cx, cy, 3.0, 2.8, rng), taiping)
    chengxi = max(shapely.get_parts(raw), key=lambda p: float(p.area))
    plans = [
        TownPlan(
            code=TAIPING,
            name="太平街道",
            short="太平",
            outline=taiping,
            communities=TAIPING_COMMUNITIES,
            villages=TAIPING_VILLAGES,
            grid_counts=_taiping_grid_counts,
            zones=TAIPING_ZONES,
            seed=_TAIPING_SEED,
        ),
        TownPlan(
            code=CHENGXI,
            name="城西街道",
            short="城西",
            outline=chengxi,
            communities=(),
            villages=CHENGXI_VILLAGES,
            grid_counts=_chengxi_grid_counts,
            zones=CHENGXI_ZONES,
            seed=_CHENGXI_SEED,
        ),
    ]
    return build_map(plans, projection)
